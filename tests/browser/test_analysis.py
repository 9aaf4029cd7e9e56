"""The analysis panels in Chromium (issues 8 and 9): feature maps, Grad-CAM, receptive fields,
the compare view, the vanishing-gradient chart, transfer learning, AlexNet's two GPUs and the
ONNX/PNG downloads — each checked against what the API answers.

Screenshots go to test-artifacts/screenshots/analysis-*.png.
"""

import io
import math
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import Session, draw_seven


def output_shape(api, model: str, layer: str, call: int = 1) -> list[int]:
    rows = api.get(f"/models/{model}/summary").json()["layers"]
    return [r for r in rows if r["name"] == layer][call - 1]["output_shape"]


def test_feature_maps_of_a_drawn_digit(session: Session, api) -> None:
    session.open("simplecnn")
    page = session.page
    maps = page.locator("#layer-maps")
    page.click('[data-name="conv1"]')
    assert "Draw a digit" in maps.text_content()  # no image yet: it says what to do
    draw_seven(session)

    for layer, shown in [("conv1", 32), ("conv2", 32)]:
        page.click(f'[data-name="{layer}"]')
        _, channels, h, w = output_shape(api, "simplecnn", layer)
        page.wait_for_selector(f'#layer-maps[data-channels="{channels}"] .maps-grid')
        assert maps.locator(".maps-layer").text_content() == layer
        assert maps.locator(".maps-count").text_content() == f"{channels} channels"
        assert f"{h}×{w}" in maps.locator(".maps-meta").text_content()
        images = maps.locator(".map-image")
        assert images.count() == shown
        assert images.first.get_attribute("src").startswith("data:image/png;base64,")
        # Most active first: the channel numbers are a permutation, not 0, 1, 2, …
        numbers = [int(n) for n in maps.locator(".map").evaluate_all(
            "nodes => nodes.map(n => n.dataset.channel)")]  # fmt: skip
        assert len(set(numbers)) == shown and all(0 <= n < channels for n in numbers)
        if layer == "conv1":
            session.screenshot("analysis-feature-maps-conv1")
    # conv2 has 64 channels: the first 32 are shown, the button shows all.
    page.click("#maps-more")
    page.wait_for_selector("#layer-maps .map:nth-child(64)")
    assert maps.locator(".map-image").count() == 64
    # A flat layer shows its values as bars.
    page.click('[data-name="fc1"]')
    page.wait_for_selector('#layer-maps[data-channels="128"] .values-strip')
    assert maps.locator(".values-strip rect").count() == 128
    assert session.problems.unexpected() == []


def test_gradcam_overlay_and_its_opacity(session: Session, api) -> None:
    session.open("simplecnn")
    page = session.page
    draw_seven(session)
    heat = page.locator("#cam-heat")
    heat.wait_for(state="visible", timeout=20_000)
    assert heat.get_attribute("src").startswith("data:image/png;base64,")
    figure = page.locator("#lens-figure")
    # Automatic layer: the API's default for SimpleCNN is the second pool.
    assert figure.get_attribute("data-cam-layer") == "pool#2"
    top = page.locator("#topk .topk-label").first.text_content()
    assert figure.get_attribute("data-cam-class") == top
    # Any class from the top-k; any conv layer (clicking it in the diagram points Grad-CAM at it).
    assert page.locator("#cam-class option").count() == 1 + 5
    second = page.locator("#cam-class option").nth(2).get_attribute("value")
    page.select_option("#cam-class", second)
    page.wait_for_selector(f'#lens-figure[data-cam-class="{second}"]')
    page.click('[data-name="conv1"]')
    page.wait_for_selector('#lens-figure[data-cam-layer="conv1"]')
    assert page.input_value("#cam-layer") == "conv1"
    assert "conv1" in page.text_content("#cam-note")
    # The opacity slider changes the overlay.
    assert heat.evaluate("n => getComputedStyle(n).opacity") == "0.6"
    page.fill("#cam-opacity", "20")
    assert heat.evaluate("n => n.style.opacity") == "0.2"  # eased in over 0.15 s by the CSS
    page.uncheck("#cam-show")
    assert heat.is_hidden()
    page.check("#cam-show")
    assert heat.is_visible()
    session.screenshot("analysis-gradcam")
    assert session.problems.unexpected() == []


def test_receptive_field_is_outlined_on_the_input(session: Session, api) -> None:
    fields = api.get("/models/simplecnn/receptive_field").json()
    conv2 = next(f for f in fields["layers"] if f["name"] == "conv2")
    session.open("simplecnn")
    page = session.page
    draw_seven(session)
    page.click('[data-name="conv2"]')
    figure = page.locator("#lens-figure")
    centre = ",".join(map(str, conv2["centre_unit"]["region"]))
    page.wait_for_selector(f'#lens-figure[data-rf="{centre}"]')
    assert page.locator("#rf-overlay .rf-rect").count() == 1
    assert "8×8 px" in page.text_content("#details")  # size, jump and start in the details
    assert "jump 2" in page.text_content("#details")
    # A click near the top-left corner picks unit (0, 0): centre 0.5 ± 3.5, clipped → rows 0–4.
    figure.click(position={"x": 3, "y": 3})
    page.wait_for_selector('#lens-figure[data-rf="0,0,4,4"]')
    assert "unit (0, 0)" in page.text_content("#rf-caption")
    # Arrow keys move the unit; Escape goes back to the centre one.
    figure.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # unit (0, 2): columns 4.5 ± 3.5
    page.wait_for_selector('#lens-figure[data-rf="0,1,4,8"]')
    page.keyboard.press("Escape")
    page.wait_for_selector(f'#lens-figure[data-rf="{centre}"]')
    page.click('[data-name="fc1"]')
    page.wait_for_selector('#lens-figure[data-rf="0,0,27,27"]')
    assert "whole input" in page.text_content("#rf-caption")
    session.screenshot("analysis-receptive-field")
    assert session.problems.unexpected() == []


def test_resnet_block_details_list_both_paths(session: Session, api) -> None:
    block = next(
        f
        for f in api.get("/models/resnet18/receptive_field").json()["layers"]
        if f["name"] == "layer2.0"
    )
    session.open("resnet18")
    page = session.page
    page.click('[data-frame="layer2.0"] .frame-label')
    # The receptive fields arrive on their own request (beside the summary's and the code's).
    page.locator("#details", has_text="Receptive field").wait_for(timeout=20_000)
    details = page.text_content("#details")
    main, shortcut = block["paths"]

    def size(field: dict) -> str:
        return f"{field['size'][0]}×{field['size'][1]} px"

    assert f"Receptive field{size(block)}" in details
    assert f"Main path{main['source']}: {size(main)}" in details
    assert f"Shortcut{shortcut['source']}: {size(shortcut)}" in details
    assert size(block) == size(max(main, shortcut, key=lambda f: f["size"][0]))  # the union


def test_compare_view_lists_the_chosen_models_by_stage(session: Session, api) -> None:
    session.open("resnet18")
    page = session.page
    page.click("#tab-compare")
    table = page.locator("#compare-table")
    page.wait_for_selector('#compare-table[data-models="resnet18,plain18"] tbody tr')
    page.check('#compare-picks input[value="vgg16"]')
    page.wait_for_selector('#compare-table[data-models="vgg16,resnet18,plain18"]')
    # Each model opens at its own size (CIFAR's 32 px is not scaled up unasked)…
    assert table.locator('th[data-model="resnet18"] .cmp-size').text_content() == "at 32 px"
    assert page.text_content("#compare-note").startswith("Each model at its own input size")
    assert page.is_hidden("#compare-warning")
    # …and a common size is an explicit choice, here the largest default size all take.
    expected = api.get("/compare", params={"models": "vgg16,resnet18,plain18"}).json()
    size = expected["common_size"]  # VGG16's 224
    assert size == 224
    page.fill("#compare-size", str(size))
    page.press("#compare-size", "Enter")
    page.wait_for_selector('th[data-model="resnet18"] .cmp-upscaled')
    assert page.text_content("#compare-note") == f"All models at {size}×{size} px."
    resnet = next(m for m in expected["models"] if m["name"] == "resnet18")
    assert page.text_content("#compare-warning").startswith(resnet["upscale_warning"]["en"])
    for model in expected["models"]:
        cells = table.locator(f'td[data-model="{model["name"]}"][data-stage]')
        names = cells.evaluate_all("nodes => nodes.map(n => n.dataset.stage)")
        assert names == [s["name"] for s in model["stages"]], model["name"]
        header = table.locator(f'th[data-model="{model["name"]}"]').text_content()
        assert f"depth {model['depth']}" in header
    # A size SimpleCNN cannot take: it is shown at its own size, with the reason.
    page.check('#compare-picks input[value="simplecnn"]')
    page.fill("#compare-size", "64")
    page.press("#compare-size", "Enter")
    reason = table.locator('[data-reason="simplecnn"]')
    live = api.get("/compare", params={"models": "simplecnn,vgg16,resnet18,plain18", "size": 64})
    simple = next(m for m in live.json()["models"] if m["name"] == "simplecnn")
    # Ticking SimpleCNN at 224 px already showed a reason (its view folds 224 px into the batch):
    # wait for the table drawn at 64 px, whose reason is the failing layer, not for any reason.
    expect(reason).to_have_text(simple["reason"], timeout=20_000)
    assert table.locator('th[data-model="vgg16"] .cmp-size').text_content() == "at 64 px"
    session.screenshot("analysis-compare")
    assert session.problems.unexpected() == []


def test_gradient_chart_plots_every_layer_on_a_log_axis(session: Session, api) -> None:
    lesson = api.get("/gradients/skip_connections", params={"depth": 18}).json()
    session.open("resnet18")  # the experiment opens by itself for ResNet
    page = session.page
    page.wait_for_selector('#grad-chart svg[data-series-count="2"]', timeout=20_000)
    for series in lesson["series"]:
        points = page.locator(f'#grad-chart [data-series="{series["key"]}"] .pt')
        pairs = points.evaluate_all(
            """nodes => nodes.map(n => [Number(n.dataset.norm),
                n.getBBox().y + n.getBBox().height / 2])"""
        )
        assert len(pairs) == len(series["layers"]), series["key"]
        # On a log axis height is linear in log10(norm): fit through two points, check the rest.
        (n0, y0), (n1, y1) = min(pairs), max(pairs)
        slope = (y1 - y0) / (math.log10(n1) - math.log10(n0))
        assert slope < 0, "larger norms are drawn higher"
        for norm, y in pairs:
            assert abs(y0 + slope * (math.log10(norm) - math.log10(n0)) - y) < 0.6
    ratio = f"{lesson['first_layer_ratio']:.1e}".split("e")[0]
    assert ratio in page.text_content("#grad-caption")
    assert "vanishing gradient" in page.text_content("#grad-explanation")
    page.locator("#gradient-lesson").scroll_into_view_if_needed()
    session.screenshot("analysis-gradients")

    page.check('input[name="grad-kind"][value="activations"]')
    page.wait_for_selector('#grad-chart [data-series="sigmoid20"]', timeout=20_000)
    page.click("#lang-toggle")
    explanation = api.get("/gradients/activations", params={"depth": 20}).json()["explanation"]
    assert page.text_content("#grad-explanation") == explanation["ko"]
    page.click("#lang-toggle")
    assert session.problems.unexpected() == []


def _number(text: str) -> int:
    return int(re.sub(r"[^0-9]", "", text))


def test_freezing_the_feature_extractor_marks_frozen_layers(session: Session, api) -> None:
    expected = api.get(
        "/models/vgg16/summary", params={"num_classes": 10, "freeze": "feature_extractor"}
    ).json()
    session.open("vgg16")
    page = session.page
    page.fill("#ctl-num_classes", "10")
    page.check("#ctl-freeze")
    page.wait_for_selector("#diagram-scroll [data-frozen]", timeout=20_000)
    totals = {
        key: _number(page.text_content(f'#totals [data-total="{key}"] dd'))
        for key in ("params", "trainable", "frozen")
    }
    assert totals["trainable"] + totals["frozen"] == totals["params"]
    assert totals == {
        "params": expected["totals"]["params"],
        "trainable": expected["totals"]["trainable_params"],
        "frozen": expected["totals"]["frozen_params"],
    }
    frozen_leaves = [r["name"] for r in expected["layers"] if r["is_leaf"] and not r["trainable"]]
    drawn = page.locator("#diagram-scroll .block[data-frozen]").evaluate_all(
        "nodes => nodes.map(n => n.dataset.name)"
    )
    assert drawn == frozen_leaves
    assert page.locator("#diagram-scroll .lock").count() == len(
        [r for r in expected["layers"] if r["is_leaf"] and not r["trainable"] and r["params"]]
    )
    assert "frozen" in page.text_content('[data-frame="features"] .frame-label')
    session.screenshot("analysis-transfer")
    page.click("#tab-table")
    frozen_rows = [r for r in expected["layers"] if not r["trainable"]]
    assert page.locator("#layer-table tr.frozen-row").count() == len(frozen_rows)
    page.uncheck("#ctl-freeze")
    page.wait_for_selector("#layer-table:not(:has(tr.frozen-row)) tbody tr")
    assert session.problems.unexpected() == []


def test_alexnet_on_two_gpus_is_drawn_in_two_columns(session: Session, api) -> None:
    models = {m["name"]: m for m in api.get("/models").json()}
    session.open("alexnet_2gpu")
    page = session.page
    split = page.locator("#diagram-scroll [data-gpus]")
    assert split.count() == 8  # conv2, conv4, conv5 and the ReLUs and pools that follow them
    conv2 = page.locator('[data-name="features.3"]')
    assert conv2.get_attribute("data-gpus") == "2"
    halves = conv2.locator(".gpu-half")
    assert halves.count() == 2
    labels = conv2.locator(".block-shape").all_text_contents()
    assert labels == ["GPU 1 · 128×27×27", "GPU 2 · 128×27×27"]
    # conv3 reads both GPUs' maps: one block, fed by two edges.
    assert page.locator('[data-name="features.6"] .gpu-half').count() == 0
    fact = page.locator(".gpu-fact")
    assert fact.get_attribute("data-two-gpu") == str(models["alexnet_2gpu"]["params"])
    assert fact.get_attribute("data-one-gpu") == str(models["alexnet"]["params"])
    assert "60,965,224" in fact.text_content() and "62,378,344" in fact.text_content()
    page.click('[data-name="features.3"]')
    assert "5×5×48×256 + 256" in page.text_content("#details")
    page.click("#zoom-in")
    page.click("#zoom-in")
    conv2.scroll_into_view_if_needed()
    session.screenshot("analysis-alexnet-2gpu")
    assert session.problems.unexpected() == []


def test_onnx_and_png_downloads(session: Session) -> None:
    from PIL import Image

    session.open("simplecnn")
    page = session.page
    with page.expect_download(timeout=60_000) as onnx:
        page.click("#dl-onnx")
    assert onnx.value.suggested_filename == "simplecnn_1x28x28.onnx"
    data = Path(onnx.value.path()).read_bytes()
    assert len(data) > 400_000  # 421,642 float32 weights
    assert b"logits" in data and b"input" in data  # the graph's named input and output
    assert "simplecnn_1x28x28.onnx" in page.text_content("#download-status")

    with page.expect_download() as png:
        page.click("#dl-png")
    assert png.value.suggested_filename == "simplecnn_1x28x28_b1.png"
    image = Image.open(io.BytesIO(Path(png.value.path()).read_bytes()))
    assert image.format == "PNG"
    view_box = page.locator("svg.diagram").get_attribute("viewBox").split()
    assert image.size == (2 * int(view_box[2]), 2 * int(view_box[3]))

    # A size SimpleCNN folds into the batch is refused with the server's sentence.
    page.fill("#ctl-height", "56")
    page.wait_for_selector('#diagram-scroll[data-input="1×1×56×28"]')
    page.click("#dl-onnx")
    error = page.locator("#download-error")
    error.wait_for(state="visible", timeout=30_000)
    assert "28–31 px" in error.text_content()
    assert session.problems.unexpected(allowed_statuses=(422,)) == []


def test_compare_view_fits_a_phone(phone: Session) -> None:
    phone.open("alexnet")
    page = phone.page
    page.click("#tab-compare")
    page.wait_for_selector("#compare-table tbody tr", timeout=20_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot("analysis-compare-phone", full_page=True)
    assert phone.problems.unexpected() == []
