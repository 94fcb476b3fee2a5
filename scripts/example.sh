#!/usr/bin/env bash
# `make example`: starts the service on a free port, runs the Python and the JavaScript examples against it
# as the README shows them, then stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data}
PORT=${EXAMPLE_PORT:-$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
URL="http://127.0.0.1:$PORT"
LOG_LEVEL=WARNING .venv/bin/interview-integrity serve --host 127.0.0.1 --port "$PORT" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "$URL/ready" >/dev/null && break; sleep 0.5; done
echo "== Python: .venv/bin/python clients/python_client.py $DATA/vid_webcam_normal.mp4 --url $URL"
.venv/bin/python clients/python_client.py "$DATA/vid_webcam_normal.mp4" --url "$URL" --fps 1
echo
echo "== JavaScript: node clients/example.mjs $URL ..."
node clients/example.mjs "$URL" "$DATA/face1_grace_hopper.jpg" "$DATA/face1_grace_hopper.jpg" \
  "$DATA/faces2_portraits.jpg" "$DATA/faces2_portraits.jpg" "$DATA/faces2_portraits.jpg"
