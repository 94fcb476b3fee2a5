"""8-bit models: onnxruntime's static quantization with activation ranges kept in this package.

On one core the 8-bit models run 2-3x faster than the float ones (SSDLite 9 ms instead of 18,
YOLOv4-tiny 21-25 instead of 55, AVX-512 VNNI here; AVX2 machines gain less). The ranges were measured
once by `scripts/calibrate_int8.py` on 73 frames of ../shared/data and its honest videos; no image is
kept. SSDLite uses each tensor's minimum and maximum; YOLOv4-tiny, whose leaky activations have rare
large outliers, the 0.001-99.999 percentiles. The same ranges and onnxruntime version give the same
bytes, pinned by sha256 like every model file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from interview_integrity.vision.model_files import install, is_current

if TYPE_CHECKING:
    from onnxruntime.quantization import CalibrationDataReader

Method = Literal["minmax", "percentile"]


def quantize(
    fp32: Path,
    target: Path,
    calibration: Path,
    frames: CalibrationDataReader | None = None,
    method: Method = "minmax",
) -> None:
    """Write the 8-bit model. With `frames`, the ranges are measured on them and saved to `calibration`.

    Only `prepare-models` and the calibration script quantize: the service never imports the quantizer."""
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    methods = {"minmax": CalibrationMethod.MinMax, "percentile": CalibrationMethod.Percentile}
    with tempfile.TemporaryDirectory(prefix="ii-quantize-") as tmp:
        prepared = Path(tmp) / "prepared.onnx"
        quant_pre_process(str(fp32), str(prepared), skip_symbolic_shape=True)
        if frames is not None:
            calibration.unlink(missing_ok=True)
        quantize_static(
            str(prepared),
            str(target),
            frames,
            quant_format=QuantFormat.QOperator,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=methods[method],
            calibration_cache_path=calibration,
        )


def prepare_quantized(
    target: Path,
    float_model: Callable[[Path], Path],
    calibration: Path,
    error: type[Exception],
    method: Method = "minmax",
) -> Path:
    """The verified 8-bit file at `target`, quantized from `float_model(work_dir)` when it is missing or
    not the pinned file. Failures raise `error` with what went wrong."""
    if is_current(target):
        return target
    with tempfile.TemporaryDirectory(prefix="ii-int8-") as tmp:
        quantized = Path(tmp) / target.name
        try:
            quantize(float_model(Path(tmp)), quantized, calibration, method=method)
        except (ValueError, OSError, RuntimeError) as failure:
            raise error(f"quantizing {target.name} failed: {failure}") from failure
        return install(quantized, target, error, "the 8-bit model")
