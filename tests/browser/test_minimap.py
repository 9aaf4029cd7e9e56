"""The overview strip beside the diagram (issue 16: "a minimap or overview strip for long
networks"), in Chromium: one mark per drawn block in the diagram's colours, a rectangle that
follows the scroll box, clicking, dragging and keys that scroll the diagram, and the strip
away when the whole network fits. Screenshots: test-artifacts/screenshots/minimap-*.png at
phone width, 1280×800 and 1920×1080 in both languages.
"""

import re
from collections.abc import Iterator

import pytest

from tests.browser.conftest import Problems, Session

HANGUL = re.compile(r"[\uac00-\ud7a3]")
STRIP = "#diagram-minimap"
RECT = "#diagram-minimap .minimap-view"

# The scroll box's numbers, the rectangle's place and the strip's spoken value, in one read.
READ = """() => {
  const d = document.getElementById('diagram-scroll');
  const s = document.getElementById('diagram-minimap');
  const r = s.querySelector('.minimap-view');
  return {
    top: d.scrollTop, max: d.scrollHeight - d.clientHeight, height: d.clientHeight,
    rectY: r ? Number(r.getAttribute('y')) : null,
    rectH: r ? Number(r.getAttribute('height')) : null,
    now: s.getAttribute('aria-valuenow'), text: s.getAttribute('aria-valuetext'),
  };
}"""


def read(session: Session) -> dict:
    return session.page.evaluate(READ)


def marks_and_blocks(session: Session) -> tuple[int, int]:
    page = session.page
    return (
        page.locator(f"{STRIP} .minimap-mark").count(),
        page.locator("#diagram-scroll svg.diagram .block").count(),
    )


def test_vgg16_strip_marks_every_block_in_its_colour(session: Session) -> None:
    session.open("vgg16")
    page = session.page
    page.wait_for_selector(f"{STRIP} .minimap-mark")
    marks, blocks = marks_and_blocks(session)
    assert marks == blocks
    # 13 conv, 15 ReLU, 5 max-pool, flatten, 3 linear, 2 dropout, the input and the avgpool
    assert blocks == 41
    assert page.get_attribute(STRIP, "data-marks") == "41"
    # The marks follow execution order: the first is the input, the last the last Linear.
    ids = page.locator(f"{STRIP} .minimap-mark").evaluate_all("ms => ms.map(m => m.dataset.id)")
    drawn = page.locator("#diagram-scroll svg.diagram .block").evaluate_all(
        "bs => bs.map(b => b.dataset.id)"
    )
    assert ids == drawn
    # A conv mark is filled with the stroke colour of the diagram's conv blocks.
    colours = page.evaluate(
        """() => {
          const style = (selector) => getComputedStyle(document.querySelector(selector));
          return [
            style('#diagram-minimap .minimap-mark.kind-conv').fill,
            style('#diagram-scroll .block.kind-conv .block-box').stroke,
            style('#diagram-minimap .minimap-mark.kind-pool').fill,
            style('#diagram-scroll .block.kind-pool .block-box').stroke,
          ];
        }"""
    )
    assert colours[0] == colours[1] and colours[2] == colours[3]
    assert colours[0] != colours[2]
    # The selected block's mark is outlined.
    page.click('#diagram-scroll .block[data-name="features.0"]')
    chosen = page.get_attribute('#diagram-scroll .block[data-name="features.0"]', "data-id")
    outlined = page.locator(f"{STRIP} .minimap-mark.selected")
    assert outlined.evaluate_all("ms => ms.map(m => m.dataset.id)") == [chosen]
    assert session.problems.unexpected() == []


def test_clicking_the_far_end_shows_the_last_block_and_the_rectangle_follows(
    session: Session,
) -> None:
    session.open("vgg16")
    page = session.page
    page.wait_for_selector(RECT)
    start = read(session)
    assert start["top"] == 0 and start["max"] > 200, "VGG16 does not fit its box at 1280×800"
    assert start["now"] == "0"
    assert start["text"].startswith("Blocks 1 to ") and start["text"].endswith(" of 41 in view")

    # The diagram scrolled by hand: the rectangle moves down by the same share of the map.
    page.evaluate("document.getElementById('diagram-scroll').scrollTop = 400")
    page.wait_for_function(f"() => ({READ})().rectY > {start['rectY'] + 1}")
    moved = read(session)
    strip = page.locator(STRIP).bounding_box()
    assert strip is not None
    assert moved["rectH"] == pytest.approx(start["rectH"], abs=0.5)
    assert moved["now"] == str(round(100 * 400 / moved["max"]))

    # Its far end: the diagram scrolls to the end and the last Linear is inside the box.
    page.mouse.click(strip["x"] + strip["width"] / 2, strip["y"] + strip["height"] - 2)
    page.wait_for_function(f"() => {{ const r = ({READ})(); return r.top >= r.max - 1; }}")
    end = read(session)
    last = page.locator('#diagram-scroll .block[data-name="classifier.6"]').bounding_box()
    box = page.locator("#diagram-scroll").bounding_box()
    assert last is not None and box is not None
    assert box["y"] <= last["y"] and last["y"] + last["height"] <= box["y"] + box["height"]
    assert end["now"] == "100"
    assert end["text"].endswith(" to 41 of 41 in view")
    assert end["rectY"] > moved["rectY"]
    assert end["rectY"] + end["rectH"] == pytest.approx(strip["height"] - 2 - 3, abs=1)

    # Keys: Home goes back to the input, Page Down a box further.
    page.focus(STRIP)
    page.keyboard.press("Home")
    page.wait_for_function(f"() => ({READ})().top === 0")
    page.keyboard.press("PageDown")
    page.wait_for_function(f"() => ({READ})().top > 0")
    assert read(session)["top"] == pytest.approx(0.9 * end["height"], abs=2)

    # Dragging from the top to the middle scrolls continuously to the middle.
    page.mouse.move(strip["x"] + strip["width"] / 2, strip["y"] + 4)
    page.mouse.down()
    page.mouse.move(strip["x"] + strip["width"] / 2, strip["y"] + strip["height"] / 2, steps=5)
    page.mouse.up()
    middle = read(session)
    assert middle["top"] == pytest.approx(middle["max"] / 2, abs=0.05 * middle["max"])
    assert session.problems.unexpected() == []


def test_the_strip_follows_collapse_and_goes_when_everything_fits(session: Session) -> None:
    session.open("vgg16")
    page = session.page
    page.wait_for_selector(f"{STRIP} .minimap-mark")
    # ReLUs folded into the blocks before them: 15 marks fewer, still one per drawn block.
    page.check("#fold-activations")
    page.wait_for_function(
        "() => document.querySelectorAll('#diagram-minimap .minimap-mark').length === 26"
    )
    marks, blocks = marks_and_blocks(session)
    assert marks == blocks == 26
    assert page.locator(f"{STRIP} .minimap-mark.kind-act").count() == 0
    page.uncheck("#fold-activations")

    # Collapsed to its stages VGG16 fits its box: the strip goes; every layer brings it back.
    page.select_option("#collapse-level", "stages")
    page.wait_for_selector(STRIP, state="hidden")
    assert page.locator("#diagram-scroll svg.diagram .block").count() == 7  # input, 5 stages, head
    page.select_option("#collapse-level", "layers")
    page.wait_for_function(
        "() => document.querySelectorAll('#diagram-minimap .minimap-mark').length === 41"
    )
    assert page.locator(STRIP).is_visible()
    # Fit shows the whole network: nothing left for the strip to show.
    page.click("#zoom-fit")
    page.wait_for_selector(STRIP, state="hidden")
    fits = page.evaluate(
        "() => { const d = document.getElementById('diagram-scroll');"
        " return d.scrollHeight <= d.clientHeight + 1; }"
    )
    assert fits

    # SimpleCNN fits its box at every layer; AlexNet does not.
    session.pick("simplecnn")
    assert page.locator(STRIP).is_hidden()
    session.pick("alexnet")
    page.wait_for_selector(f"{STRIP} .minimap-mark")
    marks, blocks = marks_and_blocks(session)
    assert marks == blocks == 22
    assert session.problems.unexpected() == []


SIZES = [
    pytest.param({"width": 390, "height": 844}, id="phone"),
    pytest.param({"width": 1280, "height": 800}, id="1280"),
    pytest.param({"width": 1920, "height": 1080}, id="1920"),
]


@pytest.fixture(params=["en", "ko"])
def lang(request) -> str:
    return request.param


@pytest.fixture(params=SIZES)
def sized(request, browser, base_url: str, lang: str) -> Iterator[tuple[Session, dict]]:
    locale = "ko-KR" if lang == "ko" else "en-US"
    context = browser.new_context(viewport=request.param, locale=locale)
    page = context.new_page()
    problems = Problems()
    page.on("console", lambda m: problems.console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.exceptions.append(str(e)))
    yield Session(page, problems, base_url), request.param
    context.close()


def test_the_strip_at_three_sizes_in_both_languages(sized: tuple[Session, dict], lang: str) -> None:
    session, viewport = sized
    session.open("vgg16")
    page = session.page
    page.wait_for_selector(f"{STRIP} .minimap-mark")
    assert page.get_attribute("html", "lang") == lang
    marks, blocks = marks_and_blocks(session)
    assert marks == blocks == 41
    strip = page.locator(STRIP).bounding_box()
    diagram = page.locator("#diagram-scroll").bounding_box()
    assert strip is not None and diagram is not None
    assert strip["x"] >= diagram["x"] + diagram["width"], "the strip stands right of the diagram"
    assert strip["x"] + strip["width"] <= viewport["width"]
    assert strip["height"] == pytest.approx(diagram["height"], abs=2), "as tall as the diagram"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    label = page.get_attribute(STRIP, "aria-label") or ""
    text = page.get_attribute(STRIP, "aria-valuetext") or ""
    if lang == "ko":
        assert HANGUL.search(label) and HANGUL.search(text)
        assert "41개" in text
    else:
        assert label.startswith("Overview of the whole network")
        assert text.endswith("of 41 in view")
    session.screenshot(f"minimap-vgg16-{viewport['width']}x{viewport['height']}-{lang}")
    assert session.problems.unexpected() == []
