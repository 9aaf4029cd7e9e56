"""The explorer page in Chromium: diagrams match the API, errors show inline, drawing predicts.

Screenshots of every model (1280×800) and a phone-width page go to test-artifacts/screenshots/.
"""

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.browser.conftest import Session, draw_seven


def leaf_rows(api, name: str, **params) -> list[dict]:
    summary = api.get(f"/models/{name}/summary", params=params).json()
    return [row for row in summary["layers"] if row["is_leaf"]]


def test_page_loads_without_console_errors(session: Session) -> None:
    session.open()
    page = session.page
    assert page.title() == "CNN Explorer"
    assert page.locator(".model-button").count() >= 4
    # Walk through the page's main views once: table, language, a collapse.
    page.click("#tab-table")
    page.wait_for_selector("#layer-table tbody tr")
    page.click("#tab-diagram")
    page.click("#collapse-all")
    page.click("#expand-all")
    assert session.problems.unexpected() == []


def test_every_model_draws_one_block_per_leaf_row(session: Session, api) -> None:
    models = api.get("/models").json()
    names = [m["name"] for m in models]
    assert {"simplecnn", "alexnet", "vgg16", "resnet18"} <= set(names)
    session.open(names[0])
    for name in names:
        session.pick(name)
        blocks = session.page.locator("#diagram-scroll [data-layer]")
        # A residual block's `+=` row (functional) is drawn as its ⊕, not as a block.
        every_leaf = leaf_rows(api, name)
        adds = [r for r in every_leaf if r.get("functional") and r["type"] == "add"]
        rows = [r for r in every_leaf if r not in adds]
        assert blocks.count() == len(rows), name
        drawn = blocks.evaluate_all("nodes => nodes.map(n => Number(n.dataset.layer))")
        assert drawn == [row["index"] for row in rows], name
        circles = session.page.locator("#diagram-scroll [data-add-row]")
        ids = circles.evaluate_all("nodes => nodes.map(n => Number(n.dataset.addRow))")
        assert sorted(ids) == sorted(r["index"] for r in adds), name
        session.screenshot(name)
    assert session.problems.unexpected() == []


def test_resnet18_draws_8_skip_arcs_with_3_downsample_paths(session: Session) -> None:
    session.open("resnet18")
    page = session.page
    assert page.locator("[data-skip]").count() == 8
    assert page.locator("[data-add]").count() == 8
    assert page.locator("[data-skip].downsample").count() == 3
    downsample_conv = page.locator('[data-name="layer2.0.downsample.0"] .block-label')
    assert downsample_conv.text_content() == "Conv 1×1/2, 128"
    # Collapsing one BasicBlock replaces its frame and arc with one summarising block.
    page.click('[data-toggle="layer1.0"]')
    page.wait_for_selector('[data-container="layer1.0"]')
    assert page.locator("[data-skip]").count() == 7
    page.click('[data-container="layer1.0"] [data-toggle]')
    page.wait_for_selector('[data-frame="layer1.0"]')
    assert page.locator("[data-skip]").count() == 8


def test_alexnet_at_200px_shows_the_api_detail_inline_and_keeps_the_diagram(
    session: Session, api
) -> None:
    expected = api.get("/models/alexnet/summary", params={"height": 200})  # width stays 224
    assert expected.status_code == 422
    session.open("alexnet")
    page = session.page
    first_conv = page.locator('[data-name="features.0"] .block-shape')
    assert first_conv.text_content() == "96×55×55"

    page.fill("#ctl-height", "200")
    error = page.locator("#err-height")
    error.wait_for(state="visible")
    assert "classifier.1" in error.text_content()
    assert error.text_content() == expected.json()["detail"]
    assert page.get_attribute("#ctl-height", "aria-invalid") == "true"
    assert page.is_hidden("#err-width")
    # The diagram still shows the last valid input, and says so.
    # 20 module leaves and the torch.flatten of forward() (a functional row)
    assert page.locator("#diagram-scroll [data-layer]").count() == 21
    assert first_conv.text_content() == "96×55×55"
    assert page.get_attribute("#diagram-scroll", "data-input") == "1×3×224×224"
    assert page.is_visible("#stale-note")
    assert page.locator(".alert, dialog[open]").count() == 0

    page.fill("#ctl-height", "227")
    page.wait_for_selector('#diagram-scroll[data-input="1×3×227×224"]')
    assert page.is_hidden("#err-height")
    assert page.is_hidden("#stale-note")
    assert first_conv.text_content() == "96×56×55"
    assert session.problems.unexpected(allowed_statuses=(422,)) == []


def test_invalid_batch_size_is_explained_beside_its_own_control(session: Session) -> None:
    session.open("vgg16")
    page = session.page
    page.fill("#ctl-batch_size", "0")
    error = page.locator("#err-batch_size")
    error.wait_for(state="visible")
    assert "batch_size" in error.text_content()
    assert page.is_hidden("#err-height")
    assert session.problems.unexpected(allowed_statuses=(422,)) == []


def test_vgg16_classifier0_stands_out_in_the_share_column(session: Session) -> None:
    session.open("vgg16")
    page = session.page
    heavy = page.locator(".share-text.heavy")
    assert heavy.count() == 1
    assert heavy.text_content() == "74.3 %"
    assert page.locator(".block.heavy").get_attribute("data-name") == "classifier.0"
    page.click('[data-name="classifier.0"]')
    details = page.locator("#details").text_content()
    assert "102,764,544 = 25,088×4,096 + 4,096" in details
    assert "74.3 %" in details
    session.screenshot("vgg16-classifier0")


def test_clicking_and_keys_show_layer_details(session: Session) -> None:
    session.open("vgg16")
    page = session.page
    page.click('[data-name="features.5"]')
    details = page.locator("#details")
    assert "features.5" in details.text_content()
    assert "73,856 = 3×3×64×128 + 128" in details.text_content()
    assert page.locator('[data-name="features.5"].selected').count() == 1
    # Arrow keys walk the layers; Escape clears.
    page.keyboard.press("ArrowDown")
    assert page.locator('[data-name="features.6"].selected').count() == 1
    assert "features.6" in details.text_content()
    page.keyboard.press("Escape")
    assert page.locator(".block.selected").count() == 0
    # A frame's label selects the whole container.
    page.click('[data-frame="classifier"] .frame-label')
    assert page.locator('[data-frame="classifier"].selected').count() == 1
    assert "123,642,856" in details.text_content()
    page.keyboard.press("Escape")
    page.mouse.move(5, 5)  # away from the diagram, so hover does not fill the panel
    page.wait_for_function("!document.querySelector('#details').textContent.includes('features.')")


def test_layer_table_sorts_and_downloads_csv(session: Session, api) -> None:
    session.open("vgg16")
    page = session.page
    page.click("#tab-table")
    rows = page.locator("#layer-table tbody tr")
    summary = api.get("/models/vgg16/summary").json()
    assert rows.count() == len(summary["layers"])
    page.click('[data-sort="params"]')  # most parameters first
    assert rows.first.locator("td.name").text_content() == "classifier"
    assert rows.nth(1).locator("td.name").text_content() == "classifier.0"
    assert "138,357,544" in page.locator("#layer-table tfoot").text_content()
    with page.expect_download() as download:
        page.click("#dl-csv")
    assert download.value.suggested_filename == "vgg16_3x224x224_b1.csv"
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(summary["layers"]) + 1
    assert lines[0].startswith("index,name,type")


def test_drawing_a_digit_gets_a_prediction(session: Session, api) -> None:
    info = api.get("/models/simplecnn").json()
    session.open("simplecnn")
    page = session.page
    draw_seven(session)  # a "7" as one mouse stroke
    top = page.locator("#topk li").first
    label = top.locator(".topk-label").text_content()
    assert label in [str(d) for d in range(10)]
    assert re.fullmatch(r"\d{1,3}\.\d %", top.locator(".topk-prob").text_content())
    assert page.locator("#topk li").count() == 5
    assert page.get_attribute("#preview-image", "src").startswith("data:image/png;base64,")
    assert "forward" in page.locator("#timings").text_content()
    assert page.is_visible("#untrained-notice") is (not info["trained"])
    session.screenshot("simplecnn-prediction")
    assert session.problems.unexpected() == []


def test_untrained_models_carry_an_unmissable_notice(session: Session, api) -> None:
    untrained = [m for m in api.get("/models").json() if not m["trained"] and m["num_classes"]]
    assert untrained, "the zoo ships trained weights for SimpleCNN only"
    session.open(untrained[0]["name"])
    notice = session.page.locator("#untrained-notice")
    assert notice.is_visible()
    assert "random" in notice.text_content()
    badge = session.page.locator(f'.model-button[data-model="{untrained[0]["name"]}"] .badge')
    assert badge.text_content() == "random"


def test_korean_interface_is_remembered(session: Session) -> None:
    session.open("resnet18")
    page = session.page
    assert page.text_content("#models-heading") == "Models"
    page.click("#lang-toggle")
    assert page.text_content("#models-heading") == "모델"
    assert page.text_content("#tab-table") == "레이어 표"
    assert page.get_attribute("html", "lang") == "ko"
    assert "잔차" in page.text_content("#model-description")  # the seed's own words
    page.reload()
    session.wait_for_model("resnet18")
    assert page.text_content("#models-heading") == "모델"
    session.screenshot("resnet18-ko")
    page.click("#lang-toggle")
    assert page.text_content("#models-heading") == "Models"
    assert session.problems.unexpected() == []


@pytest.mark.parametrize("model", ["alexnet"])
def test_phone_width_stacks_the_page(phone: Session, model: str) -> None:
    phone.open(model)
    page = phone.page
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "nothing sticks out sideways at phone width"
    diagram = page.locator("#diagram-scroll").bounding_box()
    details = page.locator("#details").bounding_box()
    assert details["y"] > diagram["y"], "details come below the diagram"
    phone.screenshot(f"{model}-phone", full_page=True)
    assert phone.problems.unexpected() == []


def test_svg_download_is_a_standalone_picture(session: Session, api) -> None:
    session.open("resnet18")
    page = session.page
    with page.expect_download() as download:
        page.click("#dl-svg")
    assert download.value.suggested_filename == "resnet18_3x32x32_b1.svg"
    root = ElementTree.parse(download.value.path()).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    nodes = list(root.iter())
    layers = [n for n in nodes if "data-layer" in n.attrib]
    rows = leaf_rows(api, "resnet18")
    adds = [r for r in rows if r.get("functional") and r["type"] == "add"]  # drawn as ⊕
    assert len(layers) == len(rows) - len(adds)
    assert len([n for n in nodes if "data-add-row" in n.attrib]) == len(adds) == 8
    assert len([n for n in nodes if "data-skip" in n.attrib]) == 8
    # Colours are written onto the elements: the file needs no stylesheet.
    boxes = [n for n in nodes if n.tag.endswith("rect") and n.get("fill") not in (None, "none")]
    assert len(boxes) > len(layers)
    assert not any("class" in n.attrib for n in nodes)


def _png(tmp_path, size: tuple[int, int] = (48, 40)):
    from PIL import Image

    path = tmp_path / "photo.png"
    Image.new("RGB", size, (200, 40, 40)).save(path)
    return path


def test_uploading_a_file_predicts_cifar_labels_with_the_random_weights_warning(
    session: Session, api, tmp_path
) -> None:
    labels = api.get("/models/resnet18").json()["labels"]
    session.open("resnet18")
    page = session.page
    page.set_input_files("#file-input", str(_png(tmp_path)))
    page.locator("#topk li").first.wait_for(timeout=20_000)
    shown = page.locator("#topk .topk-label").all_text_contents()
    assert len(shown) == 5 and set(shown) <= set(labels)
    assert page.is_visible("#result-untrained")
    assert page.is_visible("#upload-figure")
    assert page.text_content("#preview-caption").endswith("(3×32×32)")
    assert session.problems.unexpected() == []


def test_dropping_a_file_predicts_and_a_text_file_is_refused_inline(
    session: Session, tmp_path
) -> None:
    session.open("alexnet")
    page = session.page
    png = _png(tmp_path).read_bytes()

    def drop(data: bytes, name: str, mime: str) -> None:
        transfer = page.evaluate_handle(
            """([bytes, name, mime]) => {
                const t = new DataTransfer();
                t.items.add(new File([new Uint8Array(bytes)], name, { type: mime }));
                return t;
            }""",
            [list(data), name, mime],
        )
        page.dispatch_event("#drop-zone", "drop", {"dataTransfer": transfer})

    drop(png, "photo.png", "image/png")
    page.locator("#topk li").first.wait_for(timeout=30_000)
    assert page.locator("#topk li").count() == 5

    drop(b"just some words", "notes.txt", "text/plain")
    error = page.locator("#predict-error")
    error.wait_for(state="visible")
    assert "PNG" in error.text_content()
    assert session.problems.unexpected(allowed_statuses=(415, 422)) == []


def test_simplecnn_at_56px_warns_that_the_batch_changes(session: Session, api) -> None:
    expected = api.get("/models/simplecnn/summary", params={"height": 56}).json()
    assert expected["warnings"] and expected["output_shape"][0] == 2
    session.open("simplecnn")
    page = session.page
    page.fill("#ctl-height", "56")
    page.wait_for_selector('#diagram-scroll[data-input="1×1×56×28"]')
    assert page.text_content("#summary-warnings") == " ".join(expected["warnings"])
    # The x.view(-1, 64 * 7 * 7) row of forward() itself, flagged: it folds space into the batch.
    reshape = page.locator('[data-name="view#1"].warn')
    assert reshape.count() == 1
    assert reshape.locator(".block-label").text_content() == "x.view → 3136"
    assert reshape.locator(".block-shape").text_content() == "2×3136"
    reshape.click()
    assert "batch changes from 1 to 2" in page.text_content("#details")


def test_paper_view_draws_alexnet_as_volumes(session: Session, api) -> None:
    session.open("alexnet")
    page = session.page
    page.check("#paper-view")
    page.wait_for_selector("svg.paper")
    volumes = page.locator("[data-volume]")
    assert volumes.count() == 12  # input, 7 feature maps, the flattened vector, 3 dense layers
    sizes = [s for s in page.locator(".volume .volume-shape").all_text_contents() if "×" in s]
    path = [s for i, s in enumerate(sizes) if i == 0 or sizes[i - 1] != s]
    assert path == ["224×224", "55×55", "27×27", "13×13", "6×6"]
    page.click('[data-id="L1"]')
    assert "features.0" in page.text_content("#details")
    assert page.is_disabled("#collapse-all")
    session.screenshot("alexnet-paper")
    page.uncheck("#paper-view")
    page.wait_for_selector("svg.diagram:not(.paper)")
    assert page.locator("#diagram-scroll [data-layer]").count() == len(leaf_rows(api, "alexnet"))
    assert session.problems.unexpected() == []
