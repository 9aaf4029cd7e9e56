"""A module as an ONNX graph, traced with torch's `torch.export`-based exporter.

Below the exports package (the `export.onnx` download) and the serving engines (ONNX Runtime
sessions) alike, so both trace under the one lock.
"""

import threading

import torch
from torch import nn

OPSET = 18
# torch.export keeps global state while it traces (torch.fx, dynamo's config): one trace at a
# time in this process, whoever asks (exports/onnx.py's downloads, serving/engines.py's sessions).
TRACE_LOCK = threading.Lock()


def onnx_bytes(model: nn.Module, input_shape: tuple[int, ...]) -> bytes:
    """Serialise an eval-mode model whose input has exactly `input_shape`."""
    example = torch.zeros(input_shape)
    with TRACE_LOCK:
        program = _export(model, example)
    assert program is not None
    return program.model_proto.SerializeToString()


def _export(model: nn.Module, example: torch.Tensor) -> torch.onnx.ONNXProgram | None:
    return torch.onnx.export(
        model.eval(),
        (example,),
        dynamo=True,
        external_data=False,  # one self-contained file (protobuf's limit is 2 GB; VGG19: 0.6)
        input_names=["input"],
        output_names=["logits"],
        opset_version=OPSET,
        verbose=False,
    )
