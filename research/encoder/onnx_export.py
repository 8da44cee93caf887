"""Export a fine-tuned MiniLM (frozen lower part plus trained top) to ONNX and quantise it to int8.

The exported graph is the whole network a turn needs at run time: token ids, token types and mask
(int64, batch by tokens) in; one softmax per learned label out, named after the label, classes in the
order of :data:`equipoise.label.data.LABEL_CLASSES`. Quantisation is onnxruntime's dynamic int8
quantisation of the weights (matrix products and the embedding tables); activations stay float and are
quantised per batch at run time. The runtime side is :mod:`equipoise.label.onnx_tier`.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import torch
from torch import nn

from equipoise.label.data import LABEL_CLASSES

INPUTS = ("ids", "types", "mask")
OPSET = 17


class Network(nn.Module):
    """Lower and top joined: (ids, types, mask) to a tuple of softmax outputs, one per label."""

    def __init__(self, lower: nn.Module, top: nn.Module) -> None:
        super().__init__()
        self.lower = lower.eval()
        self.top = top.eval()

    def forward(self, ids: torch.Tensor, types: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, ...]:
        real = mask.bool()
        logits = self.top(self.lower(ids, types, real), types, real)
        return tuple(logits[name].softmax(dim=-1) for name in LABEL_CLASSES)


def export(network: Network, path: Path) -> Path:
    """Write ``network`` as an ONNX file with dynamic batch and token axes (float32 weights)."""
    ids = torch.tensor([[101, 2129, 2024, 2017, 102, 7929, 102], [101, 2748, 102, 0, 0, 0, 0]])
    types = torch.tensor([[0, 0, 0, 0, 0, 1, 1], [0, 0, 1, 0, 0, 0, 0]])
    mask = (ids != 0).long()
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS}
    axes.update({name: {0: "batch"} for name in LABEL_CLASSES})
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # the exporter's notices about tracing; the test checks the result
        torch.onnx.export(network.eval(), (ids, types, mask), str(path), input_names=list(INPUTS),
                          output_names=list(LABEL_CLASSES), dynamic_axes=axes, opset_version=OPSET,
                          dynamo=False)
    return path


def quantise(source: Path, target: Path) -> Path:
    """Dynamic int8 quantisation of ``source`` into ``target`` (weights int8, activations per batch)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8,
                     op_types_to_quantize=["MatMul", "Gather"], per_channel=False)
    return target
