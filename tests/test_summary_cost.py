"""What the functional rows cost a summary: the benchmark's A/B and the recorder's economies.

The timings themselves are measured by `python -m bench.bench_summary --ab` (and `make
bench`), never asserted here; these tests check that the A/B compares like with like and
that the recorder does only the work a summary needs.
"""

import math

import pytest
import torch
import torchinfo

from backend.analysis import functional_ops
from backend.analysis.functional_ops import _plan, recording
from backend.analysis.shapes import build_on_meta
from backend.analysis.summary import _meta_model, module_rows_only
from backend.analysis.summary_service import SummaryService
from backend.zoo import get_spec
from bench.bench_summary import AB_CAPS, AB_MODELS, both_variants, functional_ab, paired_ratio


@pytest.mark.parametrize("name", AB_MODELS)
def test_ab_variants_differ_only_by_the_functional_rows(name: str) -> None:
    with_rows, without = both_variants(name)
    assert not any(r.functional for r in without.layers)
    assert module_rows_only(with_rows) == without  # every module row, totals, shapes, depth
    functional = [r for r in with_rows.layers if r.functional]
    expected = {"simplecnn": 4, "alexnet": 1, "vgg16": 1, "resnet18": 25, "basicblock": 3}
    assert len(functional) == expected[name]


def test_functional_ab_reports_every_model_and_ratio() -> None:
    text, data = functional_ab(("simplecnn", "basicblock"), rounds=2, warm_calls=3)
    assert list(data) == ["simplecnn", "basicblock"]
    for name, measured in data.items():
        assert f"| {name} | 2 |" in text
        for variant in ("with", "without"):
            assert len(measured["cold"][variant].cpu_ms) == 2
            assert len(measured["json"][variant].wall_ms) == 2
            assert len(measured["warm"][variant].wall_ms) == 3
        assert set(measured["ratios"]) == {
            "cold_cpu_min",
            "cold_cpu_median",
            "cold_cpu_paired",
            "cold_json_cpu_paired",
            "cold_wall_min",
            "cold_wall_median",
            "warm_wall_median",
        }
        assert all(math.isfinite(v) and v > 0 for v in measured["ratios"].values())


def test_paired_ratio_is_the_median_of_the_pairs() -> None:
    assert paired_ratio([2.0, 3.0, 10.0], [1.0, 3.0, 5.0]) == 2.0
    assert paired_ratio([1.0, 4.0], [1.0, 2.0]) == 1.5
    with pytest.raises(ValueError):
        paired_ratio([1.0], [1.0, 2.0])


def test_service_without_functional_rows_answers_torchinfo_rows_alone() -> None:
    spec = get_spec("basicblock")
    params = SummaryService(AB_CAPS, 4).default_params(spec)
    plain = SummaryService(AB_CAPS, 4, functional_rows=False).get(spec, params)
    full = SummaryService(AB_CAPS, 4).get(spec, params)
    assert [r.name for r in plain.layers] == ["conv1", "bn1", "conv2", "bn2"]
    assert [r.name for r in full.layers if r.functional] == ["relu#1", "add#1", "relu#2"]


@pytest.mark.parametrize(
    ("name", "seen"),
    [
        ("simplecnn", ["relu", "relu", "view", "relu"]),
        ("basicblock", ["relu", "add_", "relu"]),
        ("vgg16", ["flatten"]),
    ],
)
def test_the_mode_sees_only_calls_of_model_defined_forward_bodies(
    name: str, seen: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """torchinfo's set-up (moving the model, grad mode) and its hooks, and torch's own
    modules' bodies, run with torch function dispatch off: each call into the mode costs."""
    calls: list[str] = []
    handler = functional_ops._Recorder.__torch_function__

    def counting(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
        calls.append(func.__name__)
        return handler(self, func, types, args, kwargs)

    monkeypatch.setattr(functional_ops._Recorder, "__torch_function__", counting)
    spec = get_spec(name)
    model = build_on_meta(spec)
    with recording(model) as trace:
        torchinfo.summary(
            model,
            input_data=torch.empty((1, *spec.default_input_shape), device="meta"),
            device="meta",
            mode="eval",
            verbose=0,
            depth=99,
        )
    torchinfo.torchinfo.clear_cached_forward_pass()
    assert calls == seen
    assert len(trace.calls) == len(seen)
    assert torch._C._is_torch_function_enabled()


@pytest.mark.parametrize("name", ["resnet18", "simplecnn"])
def test_a_summary_leaves_the_cached_instance_unhooked(name: str) -> None:
    both_variants(name)
    model = _meta_model(name, None)
    for module in model.modules():
        assert not module._forward_pre_hooks and not module._forward_hooks
    assert "forward" not in vars(model)  # the recording's wrapper of the model's own forward


def test_hook_plan_is_computed_once_per_instance() -> None:
    spec = get_spec("vgg16")
    model = build_on_meta(spec)
    plan = _plan(model)
    assert _plan(model) is plan
    assert _plan(build_on_meta(spec)) is not plan
    assert len(plan.hooked) == 4  # the model, features, avgpool, classifier: not their 38
    assert sum(plan.unseen.values()) == len(list(model.modules())) - 4


def test_module_call_lines_only_when_asked() -> None:
    model = build_on_meta(get_spec("basicblock"))
    x = torch.empty((1, 64, 32, 32), device="meta")
    with torch.no_grad(), recording(model) as plain:
        model(x)
    with torch.no_grad(), recording(model, module_lines=True) as lines:
        model(x)
    assert plain.module_calls == {}
    assert [c.name for c in plain.calls] == [c.name for c in lines.calls]
    assert plain.module_call_count == lines.module_call_count == 4
    assert set(lines.module_calls) == {"conv1", "bn1", "conv2", "bn2"}
    assert all(line is not None for calls in lines.module_calls.values() for line in calls)
