"""The paper view in Chromium: ResNet's skips with their ⊕ and 1×1 downsamples, AlexNet's two
GPU streams, and the exported SVG. Screenshots go to test-artifacts/screenshots/."""

from pathlib import Path
from xml.etree import ElementTree

from tests.browser.conftest import SCREENSHOTS, Session


def _paper(session: Session, model: str) -> None:
    session.open(model)
    session.page.check("#paper-view")
    session.page.wait_for_selector("svg.paper")


def _basic_blocks(api, model: str) -> list[str]:
    summary = api.get(f"/models/{model}/summary").json()
    return [row["name"] for row in summary["layers"] if row["type"] == "BasicBlock"]


def test_resnet18_paper_view_draws_every_skip_and_exports_clean(session: Session, api) -> None:
    blocks = _basic_blocks(api, "resnet18")
    assert len(blocks) == 8
    _paper(session, "resnet18")
    page = session.page
    skips = page.locator("svg.paper [data-skip]")
    assert [skips.nth(i).get_attribute("data-skip") for i in range(skips.count())] == blocks
    assert page.locator("svg.paper [data-add]").count() == 8
    # The three blocks that halve the size carry their 1×1 stride-2 convolution on the skip.
    assert page.locator("svg.paper .skip.downsample").count() == 3
    assert page.locator("svg.paper .skip-label").all_text_contents() == ["1×1/2"] * 3
    # Every skip ends inside the figure.
    svg_box = page.locator("svg.paper").bounding_box()
    for i in range(skips.count()):
        box = skips.nth(i).bounding_box()
        assert box["y"] + box["height"] <= svg_box["y"] + svg_box["height"]
    session.screenshot("resnet18-paper")

    with page.expect_download() as download:
        page.click("#dl-svg")
    assert download.value.suggested_filename == "resnet18_3x32x32_b1_paper.svg"
    download.value.save_as(SCREENSHOTS / "resnet18-paper.svg")  # the file a slide gets, to look at
    root = ElementTree.parse(Path(download.value.path())).getroot()
    nodes = list(root.iter())
    assert len([n for n in nodes if "data-skip" in n.attrib]) == 8
    assert not any("class" in n.attrib for n in nodes)
    assert not any("data-toggle" in n.attrib for n in nodes)
    skip = next(n for n in nodes if "data-skip" in n.attrib)
    assert skip.get("fill") == "none" and skip.get("stroke") not in (None, "none")
    assert session.problems.unexpected() == []


def test_alexnet_2gpu_paper_view_draws_two_streams(session: Session) -> None:
    _paper(session, "alexnet_2gpu")
    page = session.page
    volumes = page.locator("svg.paper [data-volume]")
    assert volumes.count() == 13
    # Every volume but the input and the 1000 outputs is two slabs, GPU 1 and GPU 2.
    assert page.locator('svg.paper [data-gpu="1"]').count() == 11
    assert page.locator('svg.paper [data-gpu="2"]').count() == 11
    assert volumes.first.locator("[data-gpu]").count() == 0
    # Parallel through the grouped layers; crossing into conv3 and the two FC 4096 layers.
    assert page.locator("svg.paper .edge.stream-1").count() == 12
    assert page.locator("svg.paper .edge.stream-cross").count() == 6
    assert page.locator("svg.paper [data-skip]").count() == 0
    session.screenshot("alexnet_2gpu-paper")
    with page.expect_download() as download:
        page.click("#dl-svg")
    assert download.value.suggested_filename == "alexnet_2gpu_3x224x224_b1_paper.svg"
    download.value.save_as(SCREENSHOTS / "alexnet_2gpu-paper.svg")
    nodes = list(ElementTree.parse(Path(download.value.path())).getroot().iter())
    assert not any("class" in n.attrib for n in nodes)
    assert len([n for n in nodes if "data-gpu" in n.attrib]) == 22
    assert session.problems.unexpected() == []
