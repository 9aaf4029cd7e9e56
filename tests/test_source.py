"""The code beside the diagram: the notes kept in the repo, and the row -> line map."""

import difflib
import re
from pathlib import Path

import pytest
import torch
from fastapi.testclient import TestClient

from backend.analysis.shapes import build_on_meta
from backend.analysis.summary import SummaryCaps, SummaryParams, summarize
from backend.source.notes import CORRECTION_KINDS, builder_from_notes, excerpt_for, excerpts
from backend.source.source_map import model_source
from backend.zoo import all_specs, get_spec

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "000_9480e24fc8ab1883.txt"
CAPS = SummaryCaps(max_input_size=4096, max_batch_size=1024, max_num_classes=100_000)


def code_lines(text: str) -> tuple[list[str], list[int]]:
    """Non-blank lines without ``` fences, and their 1-based line numbers."""
    pairs = [
        (line, i + 1)
        for i, line in enumerate(text.splitlines())
        if line.strip() and not line.startswith("```")
    ]
    return [p[0] for p in pairs], [p[1] for p in pairs]


@pytest.mark.skipif(not SEED.exists(), reason=f"the seed notes are not beside the repo ({SEED})")
@pytest.mark.parametrize("key", list(excerpts()))
def test_notes_differ_from_the_seed_only_by_the_listed_corrections(key: str) -> None:
    excerpt = excerpts()[key]
    seed_all = SEED.read_text(encoding="utf-8").splitlines()
    first, last = excerpt.seed_lines
    seed, _ = code_lines("\n".join(seed_all[first - 1 : last]))
    notes, numbers = code_lines(excerpt.text)
    matcher = difflib.SequenceMatcher(a=seed, b=notes, autojunk=False)
    hunks = [
        (numbers[j1], tuple(seed[i1:i2]), tuple(notes[j1:j2]))
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    ]
    listed = [(c.line, c.original, c.corrected) for c in excerpt.corrections]
    assert hunks == listed
    assert all(k in CORRECTION_KINDS for c in excerpt.corrections for k in c.kinds)


def test_every_correction_names_a_kind_in_both_languages() -> None:
    for kind in CORRECTION_KINDS.values():
        assert set(kind) == {"en", "ko"} and all(kind.values())


@pytest.mark.parametrize("key", list(excerpts()))
def test_the_notes_build_the_zoo_model(key: str) -> None:
    """The corrected notes run, and make the same modules and parameter shapes as the zoo."""
    excerpt = excerpts()[key]
    build = builder_from_notes(excerpt)
    for name in excerpt.models:
        spec = get_spec(name)
        with torch.device("meta"):
            notes_model = build(spec.num_classes)
        zoo_model = build_on_meta(spec)
        assert [(n, type(m).__name__) for n, m in notes_model.named_modules()][1:] == [
            (n, type(m).__name__) for n, m in zoo_model.named_modules()
        ][1:]
        assert {k: v.shape for k, v in notes_model.state_dict().items()} == {
            k: v.shape for k, v in zoo_model.state_dict().items()
        }


def test_simplecnn_conv1_maps_to_its_line_of_the_notes(client: TestClient) -> None:
    body = client.get("/models/simplecnn/source").json()
    assert body["origin"] == "notes"
    assert body["path"] == "backend/source/notes/simple_cnn.txt"
    lines = body["code"].splitlines()
    assert lines[body["rows"]["conv1"][0] - 1].strip() == (
        "self.conv1 = nn.Conv2d(1, 32, kernel_size=3, padding=1)"
    )
    assert lines[body["rows"]["view#1"][0] - 1].strip() == "x = x.view(-1, 64 * 7 * 7)"
    assert [lines[n - 1].strip() for n in body["calls"]["pool"]] == [
        "x = self.pool(F.relu(self.conv1(x))) # 28x28 -> 14x14",
        "x = self.pool(F.relu(self.conv2(x))) # 14x14 -> 7x7",
    ]
    fix = body["corrections"][0]
    assert fix["line"] == 5 and "kernel size=3" in fix["original"][0]
    assert lines[fix["line"] - 1] == fix["corrected"][0]
    assert set(fix["reasons"]) == {"en", "ko"}
    assert body["print_model"].startswith("SimpleCNN(\n  (conv1): Conv2d(1, 32, kernel_size=(3, 3)")
    assert body["seed_lines"] == [4, 18]


@pytest.mark.parametrize("name", [s.name for s in all_specs()])
def test_every_summary_row_maps_to_a_line(name: str) -> None:
    spec = get_spec(name)
    source = model_source(spec)
    _, h, w = spec.default_input_shape
    summary = summarize(
        spec, SummaryParams(batch_size=1, height=h, width=w, num_classes=None), CAPS
    )
    assert source.origin == ("notes" if excerpt_for(name) else "generated")
    for row in summary.layers:
        lines = source.rows.get(row.name)
        assert lines, f"{name}: {row.name} has no line"
        assert all(1 <= n <= source.line_count for n in lines)
    code = source.code.splitlines()
    for row in summary.layers:
        if row.functional:  # the line that calls it, in the code shown
            text = code[source.rows[row.name][0] - 1]
            assert re.search(r"relu|view|flatten|\+=", text), (row.name, text)


def test_vgg16_rows_map_to_make_layers_and_their_cfg_entry() -> None:
    source = model_source(get_spec("vgg16"))
    code = source.code.splitlines()
    conv = source.rows["features.0"]
    assert code[conv[0] - 1].strip() == "nn.Conv2d(in_channels, v, kernel_size=3, padding=1),"
    assert code[conv[1] - 1].strip().startswith("'VGG16': [64, 64, 'M',")
    assert code[conv[2] - 1].strip() == "self.features = make_layers(cfg[vgg_name])"
    cfg = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
    made_from = [v for v in cfg for _ in range(1 if v == "M" else 2)]  # conv + ReLU per number
    spans = [source.spans[f"features.{i}"][0] for i in range(len(made_from))]
    assert [code[s.line - 1][s.start : s.end] for s in spans] == [repr(v) for v in made_from]
    places = list(dict.fromkeys((s.line, s.start) for s in spans))
    assert len(places) == len(cfg) and places == sorted(places)  # one distinct entry each
    assert code[source.rows["classifier.0"][0] - 1].strip() == "nn.Linear(512 * 7 * 7, 4096),"


def test_vgg11_maps_to_its_generated_code_and_cfg_list(client: TestClient) -> None:
    source = model_source(get_spec("vgg11"))
    assert (source.origin, source.path) == ("generated", "/models/vgg11/code")
    assert source.code == client.get("/models/vgg11/code").text  # the same file
    code = source.code.splitlines()
    span = source.spans["features.2"][0]  # VGG11: 64, "M": the third module is the pool
    assert code[span.line - 1].strip().startswith("cfg = [64, 'M',")
    assert code[span.line - 1][span.start : span.end] == "'M'"
    assert "nn.Conv2d(in_channels, v" in code[source.rows["features.0"][0] - 1]


def test_a_custom_network_maps_to_its_generated_code(client: TestClient) -> None:
    made = client.post("/architectures", json={"family": "vgg", "cfg": [8, "M", 16, "M"]})
    assert made.status_code == 200, made.text
    name = made.json()["name"]
    body = client.get(f"/models/{name}/source").json()
    assert body["origin"] == "generated"
    summary = client.get(f"/models/{name}/summary").json()
    assert all(body["rows"].get(r["name"]) for r in summary["layers"])


def test_resnet18_blocks_and_shortcut() -> None:
    source = model_source(get_spec("resnet18"))
    code = source.code.splitlines()

    def text(row: str, k: int = 0) -> str:
        return code[source.rows[row][k] - 1].strip()

    assert text("layer1.0.add#1") == "out += identity"
    assert text("layer1.0.relu#2") == "return F.relu(out)"
    assert (
        text("layer2.0") == "layers = [block(self.in_channels, out_channels, stride, downsample)]"
    )
    assert text("layer2.1") == "layers.append(block(self.in_channels, out_channels))"
    assert text("layer2.0", -1) == "class BasicBlock(nn.Module):"
    assert text("layer2.0.downsample.0") == (
        "nn.Conv2d(self.in_channels, out_channels * block.expansion,"
    )
    assert text("layer2.0.downsample.0", 1) == (
        "self.layer2 = self._make_layer(block, 128, layers[1], stride=2)"
    )
    assert text("fc") == "self.fc = nn.Linear(512 * block.expansion, num_classes)"


def test_alexnet_2gpu_grouped_convs_map_to_their_replacement() -> None:
    source = model_source(get_spec("alexnet_2gpu"))
    assert source.origin == "generated"
    code = source.code.splitlines()
    assert "groups=2" in code[source.rows["features.3"][0] - 1]
    assert "groups=2" not in code[source.rows["features.0"][0] - 1]


def test_unknown_model_source_is_404(client: TestClient) -> None:
    response = client.get("/models/lenet/source")
    assert response.status_code == 404
    assert "simplecnn" in response.json()["detail"]
