"""The page in Korean: the server's sentences in Korean, no English left in what the page writes
itself, every failing field marked, and fonts that draw Hangul (CI installs fonts-nanum)."""

import re

from tests.browser.conftest import ROOT, Session

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def korean(session: Session, model: str) -> None:
    session.open(model)
    session.page.click("#lang-toggle")
    session.page.wait_for_selector("html[lang=ko]")


def test_hangul_is_drawn_with_a_font_not_boxes(session: Session) -> None:
    session.open("simplecnn")
    # Two different syllables draw different pixels; missing glyphs draw the same box.
    same = session.page.evaluate(
        """() => {
          const draw = (ch) => {
            const c = document.createElement('canvas'); c.width = c.height = 40;
            const g = c.getContext('2d'); g.font = '32px sans-serif'; g.fillText(ch, 2, 32);
            return c.toDataURL();
          };
          return draw('한') === draw('국');
        }"""
    )
    assert same is False, "no font with Hangul: install fonts-nanum (.ci/run does)"
    assert "fonts-nanum" in (ROOT / ".ci" / "run").read_text()


def test_both_sides_out_of_range_marks_both_fields_in_korean(session: Session, api) -> None:
    korean(session, "vgg16")
    page = session.page
    page.fill("#ctl-height", "100000")
    page.fill("#ctl-width", "100000")
    page.press("#ctl-width", "Enter")
    page.wait_for_selector('#ctl-height[aria-invalid="true"]')
    expected = api.get(
        "/models/vgg16/summary",
        params={"height": 100000, "width": 100000},
        headers={"Accept-Language": "ko"},
    ).json()
    assert page.get_attribute("#ctl-width", "aria-invalid") == "true"
    message = page.locator("#err-height")
    assert message.text_content() == expected["detail"]
    assert HANGUL.search(message.text_content())
    assert page.is_hidden("#err-width"), "one sentence, shown once"
    assert session.problems.unexpected(allowed_statuses=(422,)) == []


def test_what_the_page_writes_itself_is_korean(session: Session) -> None:
    korean(session, "simplecnn")
    page = session.page
    page.click("#tab-table")
    page.wait_for_selector("#layer-table tbody tr")
    table = page.text_content("#layer-table")
    assert "(recursive)" not in table and "(다시 실행)" in table
    page.click("#tab-diagram")
    page.click('[data-name="conv1"]')
    details = page.text_content("#details")
    assert "bias 예" in details and "bias yes" not in details
    assert page.text_content("#model-paper").startswith("강의 노트의 네트워크")
    session.pick("plain18")
    assert page.text_content("#model-title") == "Plain-18 (CIFAR, 지름길 없음)"
    page.wait_for_selector("#grad-chart svg")
    legend = page.text_content(".grad-legend")
    assert "Plain-18 (CIFAR, 지름길 없음)" in legend
    assert "no skip connections" not in legend
    explanation = page.text_content("#grad-explanation")
    assert HANGUL.search(explanation) and "vanishing" not in explanation


def test_he_initialisation_is_offered_in_the_experiment(session: Session, api) -> None:
    korean(session, "resnet18")
    page = session.page
    page.wait_for_selector("#grad-chart svg")
    page.check("#grad-he")
    expected = api.get(
        "/gradients/skip_connections", params={"depth": 18, "batchnorm": "running", "init": "he"}
    ).json()
    page.wait_for_function(
        "() => document.querySelector('#grad-explanation').textContent.includes('He 초기화')"
    )
    assert page.text_content("#grad-explanation").startswith(expected["explanation"]["ko"])
    ratio = f"{expected['first_layer_ratio']:.1e}"
    assert ratio == "2.3e-02"
    assert session.problems.unexpected() == []
