"""Darknet YOLOv4-tiny (cfg + weights) to an ONNX graph, batch norm folded into the convolutions.

The graph ends at the two raw YOLO heads; `detector.decode` turns them into OpenCV DNN's rows. Only the
layer kinds YOLOv4-tiny uses are known: convolutional, route (with groups), maxpool, upsample, yolo.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from interview_integrity.vision.arrays import Array

_BN_EPSILON = 1e-5  # Darknet's
_LEAKY_SLOPE = 0.1


@dataclass(frozen=True)
class YoloHead:
    output: str
    anchors: list[tuple[float, float]]  # input px, the head's own (its mask)
    scale_xy: float


def parse_cfg(text: str) -> list[dict[str, str]]:
    sections: list[dict[str, str]] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("["):
            sections.append({"type": line[1:-1]})
        else:
            key, value = line.split("=", 1)
            sections[-1][key.strip()] = value.strip()
    return sections


def _weights(path: Path) -> Array:
    raw = path.read_bytes()
    major, minor, _ = np.frombuffer(raw[:12], dtype=np.int32)
    offset = 12 + (8 if major * 10 + minor >= 2 else 4)  # the 'seen' counter grew to 64 bits in 0.2
    return np.frombuffer(raw[offset:], dtype=np.float32)


def _head(section: dict[str, str], name: str) -> YoloHead:
    values = [float(v) for v in section["anchors"].split(",")]
    pairs = list(zip(values[::2], values[1::2], strict=True))
    mask = [int(v) for v in section["mask"].split(",")]
    return YoloHead(output=name, anchors=[pairs[i] for i in mask], scale_xy=float(section.get("scale_x_y", 1.0)))


def heads(cfg: Path) -> list[YoloHead]:
    sections = parse_cfg(cfg.read_text())[1:]
    return [_head(s, f"layer{i}") for i, s in enumerate(sections) if s["type"] == "yolo"]


def convert(cfg: Path, weights: Path, size: int) -> tuple[onnx.ModelProto, list[YoloHead]]:
    sections = parse_cfg(cfg.read_text())
    layers = sections[1:]  # [net] holds training options only
    values, position = _weights(weights), 0
    nodes, initializers, heads = [], [], []
    names: list[str] = []
    channels: list[int] = []
    previous, depth = "input", 3
    for index, layer in enumerate(layers):
        kind, name = layer["type"], f"layer{index}"
        if kind == "convolutional":
            filters, k, stride = int(layer["filters"]), int(layer["size"]), int(layer["stride"])
            pad = k // 2 if int(layer.get("pad", 0)) else 0
            count = filters * depth * k * k
            if int(layer.get("batch_normalize", 0)):
                bias, scale, mean, var = (
                    values[position + i * filters : position + (i + 1) * filters] for i in range(4)
                )
                position += 4 * filters
                kernel = values[position : position + count].reshape(filters, depth, k, k)
                gain = scale / np.sqrt(var + _BN_EPSILON)
                kernel, bias = kernel * gain[:, None, None, None], bias - mean * gain
            else:
                bias = values[position : position + filters]
                position += filters
                kernel = values[position : position + count].reshape(filters, depth, k, k)
            position += count
            initializers += [
                numpy_helper.from_array(kernel.astype(np.float32), f"{name}_w"),
                numpy_helper.from_array(bias.astype(np.float32), f"{name}_b"),
            ]
            linear = layer["activation"] == "linear"
            conv = name if linear else f"{name}_conv"
            nodes.append(
                helper.make_node(
                    "Conv",
                    [previous, f"{name}_w", f"{name}_b"],
                    [conv],
                    name=conv,
                    kernel_shape=[k, k],
                    strides=[stride, stride],
                    pads=[pad] * 4,
                )
            )
            if not linear:
                nodes.append(helper.make_node("LeakyRelu", [conv], [name], alpha=_LEAKY_SLOPE))
            depth = filters
        elif kind == "route":
            sources = [index + int(v) if int(v) < 0 else int(v) for v in layer["layers"].split(",")]
            if "groups" in layer:
                groups, group = int(layer["groups"]), int(layer["group_id"])
                parts = [f"{name}_part{i}" for i in range(groups)]
                nodes.append(helper.make_node("Split", [names[sources[0]]], parts, axis=1, num_outputs=groups))
                nodes.append(helper.make_node("Identity", [parts[group]], [name]))
                depth = channels[sources[0]] // groups
            else:
                if len(sources) > 1:
                    nodes.append(helper.make_node("Concat", [names[s] for s in sources], [name], axis=1))
                else:
                    nodes.append(helper.make_node("Identity", [names[sources[0]]], [name]))
                depth = sum(channels[s] for s in sources)
        elif kind == "maxpool":
            k, stride = int(layer["size"]), int(layer["stride"])
            nodes.append(helper.make_node("MaxPool", [previous], [name], kernel_shape=[k, k], strides=[stride, stride]))
        elif kind == "upsample":
            factor = float(layer["stride"])
            initializers.append(numpy_helper.from_array(np.array([1, 1, factor, factor], np.float32), f"{name}_scales"))
            nodes.append(helper.make_node("Resize", [previous, "", f"{name}_scales"], [name], mode="nearest"))
        elif kind == "yolo":
            nodes.append(helper.make_node("Identity", [previous], [name]))
            heads.append(_head(layer, name))
        else:
            raise ValueError(f"layer {index}: Darknet layer kind {kind!r} is not supported")
        names.append(name)
        channels.append(depth)
        previous = name
    if position != len(values):
        raise ValueError(f"{weights.name}: {len(values) - position} weights left over: it does not match {cfg.name}")
    outputs = [helper.make_tensor_value_info(h.output, TensorProto.FLOAT, [1, channels[-1], None, None]) for h in heads]
    graph = helper.make_graph(
        nodes,
        "yolov4_tiny",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, size, size])],
        outputs,
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model, heads
