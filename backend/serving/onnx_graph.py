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


MAX_DYNAMIC_BATCH = 1024  # the bound torch.export is told for a dynamic batch axis


def onnx_bytes(
    model: nn.Module, input_shape: tuple[int, ...], dynamic_batch: bool = False
) -> bytes:
    """Serialise an eval-mode model whose input has exactly `input_shape`, or, with
    `dynamic_batch`, any batch size and the rest of `input_shape` (what micro-batched
    predictions run: serving/batching.py)."""
    if dynamic_batch:
        # torch.export specialises a dimension traced at size 1 to the constant 1: trace at 2.
        example = torch.zeros((2, *input_shape[1:]))
        batch = torch.export.Dim("batch", min=1, max=MAX_DYNAMIC_BATCH)
        dynamic_shapes: tuple | None = ({0: batch},)
    else:
        example, dynamic_shapes = torch.zeros(input_shape), None
    with TRACE_LOCK:
        program = _export(model, example, dynamic_shapes)
    assert program is not None
    return program.model_proto.SerializeToString()


def _export(
    model: nn.Module, example: torch.Tensor, dynamic_shapes: tuple | None = None
) -> torch.onnx.ONNXProgram | None:
    return torch.onnx.export(
        model.eval(),
        (example,),
        dynamic_shapes=dynamic_shapes,
        dynamo=True,
        external_data=False,  # one self-contained file (protobuf's limit is 2 GB; VGG19: 0.6)
        input_names=["input"],
        output_names=["logits"],
        opset_version=OPSET,
        verbose=False,
    )
