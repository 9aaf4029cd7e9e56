"""bench/bench_gpu.py's GPU rows, run on the CPU: the measuring function takes the device, so
the code a CUDA box runs is the code tested here, only the device differs. No wall-clock
limits: the values asserted are the rows, their check against eager on the CPU, the texts."""

import onnxruntime as ort
import pytest
import torch

from bench import bench_gpu
from bench.bench_gpu import (
    NO_CUDA,
    NO_CUDA_PROVIDER,
    TOLERANCE,
    measure,
    missing_provider,
    report,
    targets,
)

CPU = torch.device("cpu")


def test_the_rows_on_the_cpu_answer_like_eager_on_the_cpu():
    # What run() measures on a CUDA device, with its own export worker and temporary folder.
    result = measure(CPU, models=("resnet18",), calls=3)
    assert result.device == "cpu"
    assert result.notes == []  # the CPU provider is there; the session runs on it
    cells = {(r.engine, r.batch): r for r in result.rows}
    assert sorted(cells) == [
        ("eager", 1),
        ("eager", 8),
        ("onnxruntime (CPUExecutionProvider)", 1),
        ("onnxruntime (CPUExecutionProvider)", 8),
    ]
    for (_, batch), row in cells.items():
        assert row.model == "resnet18"
        assert len(row.ms) == 3
        assert row.p50 > 0
        assert row.images_per_s == pytest.approx(batch * 1e3 / row.p50)
        assert row.top5_equal, row
        assert row.max_dp <= TOLERANCE, row
        assert row.equal
    # Eager on the CPU at batch 1 is the reference itself, computed by a second runtime from
    # the same weights file: the same numbers.
    assert cells[("eager", 1)].max_dp < 1e-12
    (target,) = targets(result)
    assert target[0].startswith("resnet18 on cpu (eager, onnxruntime (CPUExecutionProvider)")
    assert target[3] == "yes"
    text = report(result)
    assert "| resnet18 | onnxruntime (CPUExecutionProvider) | 8 | 3 |" in text
    assert f"≤ {TOLERANCE:g}" in text
    table_lines = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table_lines) == 2 + 4  # header, rule, one line per row
    assert {line.count("|") for line in table_lines} == {9}  # 8 columns, no stray pipes


def test_a_build_without_the_devices_provider_gives_eager_rows_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(ort, "get_available_providers", lambda: ["AzureExecutionProvider"])
    result = measure(CPU, models=("resnet18",), calls=2)
    assert [(r.engine, r.batch) for r in result.rows] == [("eager", 1), ("eager", 8)]
    assert all(r.equal for r in result.rows)
    assert result.notes == ["onnxruntime has no CPUExecutionProvider: eager rows only."]
    assert result.notes[0] in report(result)


def test_onnxruntime_without_cuda_is_named_with_the_package_to_install(
    monkeypatch: pytest.MonkeyPatch,
):
    cuda = torch.device("cuda")
    monkeypatch.setattr(ort, "get_available_providers", lambda: ["CPUExecutionProvider"])
    assert missing_provider(cuda) == NO_CUDA_PROVIDER
    assert NO_CUDA_PROVIDER == "onnxruntime has no CUDA provider (install onnxruntime-gpu)"
    assert missing_provider(CPU) is None
    with_cuda = ["CUDAExecutionProvider", "CPUExecutionProvider"]
    monkeypatch.setattr(ort, "get_available_providers", lambda: with_cuda)
    assert missing_provider(cuda) is None


def test_the_pinned_onnxruntime_wheel_has_no_cuda_provider_and_says_so():
    """The CPU build pinned in pyproject.toml: on a GPU box its rows must say so."""
    if "CUDAExecutionProvider" in ort.get_available_providers():
        pytest.skip("an onnxruntime build with the CUDA provider is installed")
    assert missing_provider(torch.device("cuda")) == NO_CUDA_PROVIDER


def test_without_cuda_run_returns_the_sentence_and_no_targets(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)

    def must_not_measure(*args: object, **kwargs: object) -> None:
        raise AssertionError("measured without a CUDA device")

    monkeypatch.setattr(bench_gpu, "measure_device", must_not_measure)
    monkeypatch.setattr(bench_gpu, "measure", must_not_measure)
    assert bench_gpu.run(quick=True) == (NO_CUDA, [])
    assert NO_CUDA == "no CUDA device: GPU rows not run"


def test_tf32_is_off_while_measuring_and_restored_after():
    before = (torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32)
    with bench_gpu.full_fp32():
        assert not torch.backends.cudnn.allow_tf32
        assert not torch.backends.cuda.matmul.allow_tf32
    assert (torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32) == before


def test_the_check_catches_a_reordered_top5_and_a_probability_off_by_more_than_the_tolerance():
    reference_logits = torch.tensor([[4.0, 3.0, 2.0, 1.0, 0.5, 0.0, -1.0]])
    reference = reference_logits[0].double().softmax(dim=0)
    assert bench_gpu.compare(reference_logits.repeat(8, 1), reference) == (True, 0.0)
    swapped = reference_logits.clone()
    swapped[0, [3, 4]] = swapped[0, [4, 3]]  # ranks 4 and 5 change places
    equal, dp = bench_gpu.compare(torch.cat([reference_logits, swapped]), reference)
    assert not equal
    assert dp > TOLERANCE
    for nudge, within in ((0.001, True), (0.05, False)):  # the last class's logit
        nudged = reference_logits.clone()
        nudged[0, -1] += nudge
        equal, dp = bench_gpu.compare(nudged, reference)
        assert equal  # the order is the same
        expected = float((nudged[0].double().softmax(0) - reference).abs().max())
        assert dp == pytest.approx(expected)
        assert (dp <= TOLERANCE) is within
