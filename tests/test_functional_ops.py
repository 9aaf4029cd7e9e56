"""Rows for the operations forward() calls without a module: F.relu, view, flatten, `+=`.

The module rows must stay exactly what torchinfo gave before these rows existed:
`tests/golden/summaries_before_functional_rows.json` holds every registered model's summary
(and one non-default parameter set) as the code answered before this change (regenerate it
only from a commit without functional rows; it is the reference, not a snapshot of today).
"""

import json
import threading
from pathlib import Path

import pytest
import torch
from fastapi.testclient import TestClient

from backend.analysis.functional_ops import trace_functional
from backend.analysis.shapes import build_on_meta
from backend.analysis.summary import SummaryCaps, SummaryParams, summarize
from backend.analysis.summary_service import SummaryService
from backend.errors import InputSizeError
from backend.zoo import all_specs, get_spec

CAPS = SummaryCaps(max_input_size=4096, max_batch_size=1024, max_num_classes=100_000)
GOLDEN = json.loads(
    (Path(__file__).parent / "golden" / "summaries_before_functional_rows.json").read_text()
)


def summary_of(name: str, **overrides: object):
    spec = get_spec(name)
    _, h, w = spec.default_input_shape
    values = {"batch_size": 1, "height": h, "width": w, "num_classes": None} | overrides
    return summarize(spec, SummaryParams(**values), CAPS)


def golden_params(key: str) -> tuple[str, dict]:
    if "@" not in key:
        return key, {}
    # "vgg16@2x3x64x96,c10,freeze=features"
    name, rest = key.split("@")
    shape, classes, freeze = rest.split(",")
    n, _, h, w = (int(v) for v in shape.split("x"))
    return name, {
        "batch_size": n,
        "height": h,
        "width": w,
        "num_classes": int(classes[1:]),
        "freeze": tuple(freeze.split("=")[1].split("+")),
    }


@pytest.mark.parametrize("key", list(GOLDEN))
def test_module_rows_and_totals_unchanged(key: str) -> None:
    name, overrides = golden_params(key)
    summary = summary_of(name, **overrides).model_dump(mode="json")
    before = GOLDEN[key]
    module_rows = [r for r in summary["layers"] if not r["functional"]]
    assert len(module_rows) == len(before["layers"])
    for row, old in zip(module_rows, before["layers"], strict=True):
        assert {k: row[k] for k in old} == old  # every field torchinfo's rows had, index too
    assert summary["totals"] == before["totals"]
    assert summary["output_shape"] == before["output_shape"]
    assert summary["depth"] == before["depth"]


def test_golden_covers_every_model() -> None:
    assert {golden_params(k)[0] for k in GOLDEN} == {s.name for s in all_specs()}


def test_simplecnn_relus_and_view_in_execution_order() -> None:
    rows = summary_of("simplecnn").layers
    assert [(r.name, r.functional, r.input_shape, r.output_shape) for r in rows] == [
        ("conv1", False, [1, 1, 28, 28], [1, 32, 28, 28]),
        ("relu#1", True, [1, 32, 28, 28], [1, 32, 28, 28]),
        ("pool", False, [1, 32, 28, 28], [1, 32, 14, 14]),
        ("conv2", False, [1, 32, 14, 14], [1, 64, 14, 14]),
        ("relu#2", True, [1, 64, 14, 14], [1, 64, 14, 14]),
        ("pool", False, [1, 64, 14, 14], [1, 64, 7, 7]),
        ("view#1", True, [1, 64, 7, 7], [1, 3136]),
        ("fc1", False, [1, 3136], [1, 128]),
        ("relu#3", True, [1, 128], [1, 128]),
        ("fc2", False, [1, 128], [1, 10]),
    ]
    functional = [r for r in rows if r.functional]
    assert [r.index for r in functional] == [6, 7, 8, 9]  # numbered after the 6 module rows
    assert [(r.type, r.op, r.parent, r.depth) for r in functional] == [
        ("relu", "F.relu", None, 1),
        ("relu", "F.relu", None, 1),
        ("view", ".view()", None, 1),
        ("relu", "F.relu", None, 1),
    ]
    # `code` is the line of the zoo's SimpleCNN that ran (one loop over the conv stages, the
    # activation as an option); GET /models/simplecnn/source maps the rows to the notes' lines.
    assert [r.code for r in functional] == [
        'x = self.pool(self.act(getattr(self, f"conv{i}")(x)))',
        'x = self.pool(self.act(getattr(self, f"conv{i}")(x)))',
        "x = x.view(-1, self.flat_features)",
        "x = self.act(self.fc1(x))",
    ]
    assert all(r.params == r.mult_adds == r.trainable_params == 0 for r in functional)
    assert all(r.line is not None and r.line > 0 for r in functional)


def test_basicblock_relus_and_addition() -> None:
    rows = summary_of("basicblock").layers
    assert [r.name for r in rows] == [
        "conv1",
        "bn1",
        "relu#1",
        "conv2",
        "bn2",
        "add#1",
        "relu#2",
    ]
    add = rows[5]
    assert (add.type, add.op, add.code) == ("add", "+=", "out += identity")
    assert add.hparams["operands"] == [[1, 64, 32, 32], [1, 64, 32, 32]]
    assert rows[6].code == "return F.relu(out)"


@pytest.mark.parametrize("name", ["resnet18", "resnet34"])
def test_every_resnet_block_has_its_relus_and_addition(name: str) -> None:
    rows = summary_of(name).layers
    blocks = [r.name for r in rows if r.type == "BasicBlock"]
    assert len(blocks) == (8 if name == "resnet18" else 16)
    for block in blocks:
        children = [r.name.removeprefix(block + ".") for r in rows if r.parent == block]
        expected = ["conv1", "bn1", "relu#1", "conv2", "bn2", "add#1", "relu#2"]
        if "downsample" in children:
            expected.insert(5, "downsample")
        assert children == expected, block
    add = next(r for r in rows if r.name == "layer2.0.add#1")
    assert add.hparams["operands"] == [[1, 128, 16, 16], [1, 128, 16, 16]]
    assert add.depth == 3 and add.parent == "layer2.0"
    tail = [r.name for r in rows if r.depth == 1][-3:]
    assert tail == ["avgpool", "flatten#1", "fc"]


def test_plain_blocks_have_relus_but_no_addition() -> None:
    rows = summary_of("plain18").layers
    assert [r.type for r in rows if r.functional].count("add") == 0
    assert [r.type for r in rows if r.functional].count("relu") == 16


@pytest.mark.parametrize(
    ("name", "before", "shape_in", "shape_out"),
    [
        ("alexnet", "features", [1, 256, 6, 6], [1, 9216]),
        ("vgg16", "avgpool", [1, 512, 7, 7], [1, 25088]),
        ("alexnet_2gpu", "features", [1, 256, 6, 6], [1, 9216]),
    ],
)
def test_flatten_is_a_real_row(name: str, before: str, shape_in: list, shape_out: list) -> None:
    top = [r for r in summary_of(name).layers if r.depth == 1]
    names = [r.name for r in top]
    assert names[names.index("flatten#1") - 1] == before
    flatten = top[names.index("flatten#1")]
    assert (flatten.input_shape, flatten.output_shape) == (shape_in, shape_out)
    assert flatten.code == "x = torch.flatten(x, 1)"


def test_shapes_follow_the_parameters() -> None:
    rows = summary_of("simplecnn", batch_size=3, height=56, width=56).layers
    view = next(r for r in rows if r.name == "view#1")
    assert (view.input_shape, view.output_shape) == ([3, 64, 14, 14], [12, 3136])


def test_frozen_modules_freeze_their_functional_rows() -> None:
    rows = summary_of("resnet18", freeze=("layer1",)).layers
    by_name = {r.name: r for r in rows}
    assert by_name["layer1.0.relu#1"].trainable is False
    assert by_name["layer2.0.relu#1"].trainable is True


def test_a_failing_size_leaves_torch_function_dispatch_on() -> None:
    with pytest.raises(InputSizeError):
        summary_of("alexnet", height=200, width=200)
    assert torch._C._is_torch_function_enabled()
    assert summary_of("simplecnn").layers[1].name == "relu#1"


def test_standalone_trace_matches_the_summary() -> None:
    spec = get_spec("resnet18")
    trace = trace_functional(build_on_meta(spec), (1, 3, 32, 32))
    summary_names = [r.name for r in summary_of("resnet18").layers if r.functional]
    assert [c.name for c in trace.calls] == summary_names
    assert trace.module_calls["layer1"] == [trace.module_calls["layer1"][0]]
    assert trace.module_calls["layer1.0.conv1"][0] is not None  # called by BasicBlock.forward


def test_concurrent_summaries_agree() -> None:
    service = SummaryService(CAPS, cache_size=64)
    expected = {n: summary_of(n, batch_size=2).model_dump() for n in ("resnet18", "simplecnn")}
    results: list[tuple[str, dict]] = []
    errors: list[BaseException] = []

    def worker(name: str, batch: int) -> None:
        try:
            spec = get_spec(name)
            _, h, w = spec.default_input_shape
            params = SummaryParams(batch_size=batch, height=h, width=w, num_classes=None)
            results.append((name, service.get(spec, params).model_dump()))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n, 2)) for n in expected for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert len(results) == 8
    for name, body in results:
        assert body == expected[name]


def test_summary_endpoint_functional_switch(client: TestClient) -> None:
    full = client.get("/models/basicblock/summary").json()
    assert [r["name"] for r in full["layers"] if r["functional"]] == ["relu#1", "add#1", "relu#2"]
    modules = client.get("/models/basicblock/summary?functional=false").json()
    assert [r["name"] for r in modules["layers"]] == ["conv1", "bn1", "conv2", "bn2"]
    assert modules["totals"] == full["totals"]
    assert client.get("/models/basicblock/summary?functional=maybe").status_code == 422


def test_summary_answer_is_cached_json(client: TestClient) -> None:
    first = client.get("/models/resnet18/summary?batch_size=3")
    again = client.get("/models/resnet18/summary?batch_size=3")
    assert first.headers["content-type"] == "application/json"
    assert first.content == again.content
    body = first.json()
    assert body["input_shape"] == [3, 3, 32, 32] and body["totals"]["params"] == 11_173_962
    top = client.get("/models/resnet18/summary?batch_size=3&depth=1").json()
    assert {r["depth"] for r in top["layers"]} == {1}
