"""The architecture editor in Chromium: "Edit a copy" of VGG16, edits through the chips and the
seed's Python list, the totals and diagram following, an impossible cfg answered beside the
chips, the address holding the network across a reload, and the Korean interface.

Screenshots: test-artifacts/screenshots/editor-*.png.
"""

import re
from urllib.parse import unquote

from tests.browser.conftest import Session

SHORT = "vgg.64-M-128-M-256-M"


def totals_params(session: Session) -> str:
    return session.page.locator('#totals [data-total="params"] dd').text_content() or ""


def type_cfg(session: Session, text: str) -> None:
    field = session.page.locator("#editor-cfg-text")
    field.fill(text)


def test_edit_a_copy_of_vgg16(session: Session, api) -> None:
    session.open("vgg16")
    page = session.page
    assert totals_params(session) == "138,357,544"
    page.click("#edit-copy")
    page.wait_for_selector("#editor:not([hidden]) .chip")
    assert page.locator("#editor .chip").count() == 18
    assert page.locator("#editor .chip-pool").count() == 5
    assert page.input_value("#editor-cfg-text").startswith("[64, 64, 'M', 128, 128, 'M'")

    # The seed's list, typed: the page shows the new network and the address names it.
    type_cfg(session, "[64, 'M', 128, 'M', 256, 'M']")
    session.wait_for_model(SHORT)
    expected = api.get(f"/models/{SHORT}/summary").json()
    assert totals_params(session) == f"{expected['totals']['params']:,}"
    assert unquote(page.url.split("#", 1)[1]) == SHORT
    assert page.locator("#editor .chip").count() == 6  # the chips follow the text
    blocks = page.locator("#diagram-scroll [data-layer]").count()
    assert blocks == sum(1 for r in expected["layers"] if r["is_leaf"])
    diff = page.locator('#editor-diff [data-diff="params"] dd')
    diff.wait_for()
    assert re.search(r"−\d+(\.\d)? %", diff.text_content() or "")
    assert "VGG16" in (page.locator(".editor-diff-title").text_content() or "")
    session.screenshot("editor-vgg16-copy")

    # A chip: the first width halved.
    page.locator('#editor .chip[data-index="0"] input').fill("32")
    session.wait_for_model("vgg.32-M-128-M-256-M")
    # Toggle the last 'M' into a conv and back via the chip buttons.
    page.locator('#editor .chip[data-index="5"] .chip-button').first.click()
    session.wait_for_model("vgg.32-M-128-M-256-256")
    assert page.input_value("#editor-cfg-text") == "[32, 'M', 128, 'M', 256, 256]"

    # An impossible cfg: the ninth entry pools a 1×1 map at 224 px.
    type_cfg(session, "[64, 'M', 'M', 'M', 'M', 'M', 'M', 'M', 'M']")
    error = page.locator('#editor [data-group~="cfg"] > .field-error')
    error.wait_for(state="visible")
    assert error.text_content() == (
        "cfg[8] 'M': the map is already 1×1 at a 224 px input; remove a pool or use a larger input."
    )
    assert "invalid" in (page.locator('#editor .chip[data-index="8"]').get_attribute("class") or "")
    # The diagram keeps the last valid network.
    assert page.locator("#diagram-scroll").get_attribute("data-model") == "vgg.32-M-128-M-256-256"
    session.screenshot("editor-impossible-cfg")

    # Back to a valid one; then the address alone brings the same network back.
    type_cfg(session, "[64, 'M', 128, 'M', 256, 'M']")
    session.wait_for_model(SHORT)
    assert error.is_hidden()
    page.reload()
    session.wait_for_model(SHORT)
    page.wait_for_selector("#editor:not([hidden]) .chip")
    assert page.input_value("#editor-cfg-text") == "[64, 'M', 128, 'M', 256, 'M']"
    assert totals_params(session) == f"{expected['totals']['params']:,}"
    assert page.locator("#model-badge").text_content() == "random weights"
    session.screenshot("editor-after-reload")
    # The compare tab puts the custom network beside AlexNet and VGG16.
    page.click("#tab-compare")
    page.wait_for_selector(f'#compare-table th[data-model="{SHORT}"]')
    assert page.locator('#compare-table th[data-model="vgg16"]').count() == 1
    assert session.problems.unexpected(allowed_statuses=(422,)) == []


def test_resnet_stages_and_skip_in_korean(session: Session, api) -> None:
    session.open("resnet18")
    page = session.page
    page.click("#lang-toggle")
    page.click("#edit-copy")
    page.wait_for_selector("#editor:not([hidden]) .stage-row")
    assert page.locator("#editor-heading").text_content() == "나만의 네트워크"
    assert page.locator("#editor .stage-row").count() == 4
    page.locator('#editor [data-field="blocks[0]"]').fill("1")
    session.wait_for_model("resnet.1-2-2-2")
    page.uncheck("#editor-skip")
    session.wait_for_model("resnet.1-2-2-2~plain")
    assert page.locator("[data-skip]").count() == 0  # no arcs without skip connections
    expected = api.get("/models/resnet.1-2-2-2~plain/summary").json()["totals"]["params"]
    assert totals_params(session) == f"{expected:,}"
    page.locator('#editor [data-field="widths[1]"]').fill("5000")
    error = page.locator('#editor [data-group~="widths"] > .field-error')
    error.wait_for(state="visible")
    # The server's refusal, in the page's language (Accept-Language: ko).
    assert (error.text_content() or "") == (
        "widths[1]: 5,000 값은 층당 채널(또는 특징) 한도인 4,096개를 넘습니다."
    )
    session.screenshot("editor-resnet-ko")
    assert session.problems.unexpected(allowed_statuses=(422,)) == []


def test_a_link_to_a_custom_network_on_a_phone(phone: Session) -> None:
    phone.open("simplecnn.16-32~h64~tanh")
    page = phone.page
    page.wait_for_selector("#editor:not([hidden]) .chip")
    assert page.locator("#model-title").text_content() == "Custom SimpleCNN (2 conv stages)"
    assert page.locator("#editor .chip").count() == 2
    assert page.locator("#editor-activation").input_value() == "tanh"
    assert page.locator("#draw-area").is_visible()  # one grey channel: drawn digits, like MNIST
    page.locator("#editor").scroll_into_view_if_needed()
    phone.screenshot("editor-phone")
    assert phone.problems.unexpected() == []
