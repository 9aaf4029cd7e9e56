"""For the engine tests: ONNX Runtime's answer checked against eager PyTorch's."""

import pytest
from torch import Tensor

from backend.serving.engines import EAGER, ONNXRUNTIME, Engines
from backend.serving.inference import classify
from backend.serving.runtime import LoadedModel


def assert_onnxruntime_answers_like_eager(
    loaded: LoadedModel, batch: Tensor, engines: Engines, top_k: int = 5
) -> None:
    """The same top-k classes, probabilities within 1e-4, and each engine the one that ran
    (the session must be ready)."""
    eager, eager_engine = classify(loaded, batch, top_k=top_k)
    onnx, onnx_engine = classify(loaded, batch, top_k=top_k, engines=engines)
    assert (eager_engine, onnx_engine) == (EAGER, ONNXRUNTIME)
    assert [s.index for s in onnx] == [s.index for s in eager]
    for a, b in zip(onnx, eager, strict=True):
        assert a.probability == pytest.approx(b.probability, abs=1e-4)
