"""The random-weights notice offers published weights: a button that downloads them on the
server with a progress bar (against a loopback mirror), or the command when not allowed."""

from collections.abc import Iterator

import pytest
import torch

from backend.zoo import get_spec
from tests.browser.conftest import DESKTOP, Session, _session, app_server
from tests.weights_mirror import (
    Mirror,
    published_name,
    running_mirror,
    state_dict_bytes,
    write_manifest,
)

MODEL = "resnet18_imagenet"


@pytest.fixture(scope="module")
def mirror() -> Iterator[Mirror]:
    torch.manual_seed(5)
    data = state_dict_bytes(get_spec(MODEL).build().state_dict())  # 47 MB, the real shapes
    with running_mirror() as m:
        m.serve(published_name(MODEL, data), data)
        m.chunk_delay_s = 0.004  # ~730 chunks of 64 KiB: a few seconds to watch
        yield m


@pytest.fixture(scope="module")
def mirror_app(mirror: Mirror, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("weights-offer")
    ((name, data),) = mirror.files.items()
    env = {
        "WEIGHTS_DIR": str(folder / "checkpoints"),
        "WEIGHTS_BASE_URL": mirror.url,
        "WEIGHTS_MANIFEST": str(write_manifest(folder / "m.json", {MODEL: (name, len(data))})),
        "ALLOW_WEIGHT_DOWNLOADS": "true",
        "WARM_SUMMARIES": "false",
    }
    with app_server(folder / "uvicorn.log", env) as url:
        yield url


@pytest.fixture
def mirror_session(browser, mirror_app: str) -> Iterator[Session]:
    yield from _session(browser, mirror_app, DESKTOP)


def test_the_button_downloads_with_progress_and_the_model_ends_trained(
    mirror_session: Session, mirror: Mirror
):
    session, page = mirror_session, mirror_session.page
    session.open(MODEL)
    notice = page.locator("#untrained-notice")
    notice.wait_for(state="visible")
    button = page.locator("#weights-offer .weights-get")
    button.wait_for()
    assert button.inner_text() == "Get trained weights (45 MB)"
    badge = page.locator(f'.model-button[data-model="{MODEL}"] .badge')
    assert badge.inner_text() == "random"
    session.screenshot("weights-offer-button")

    button.click()
    progress = page.locator("#weights-offer progress.weights-progress")
    progress.wait_for()
    page.wait_for_function(
        "() => { const p = document.querySelector('#weights-offer progress');"
        " return p && p.value > 0.05 && p.value < 0.95; }",
        timeout=30_000,
    )
    text = page.locator("#weights-offer .weights-progress-text").inner_text()
    assert " of 45 MB (" in text and text.endswith("%)")
    session.screenshot("weights-offer-progress")

    badge.filter(has_text="trained").wait_for(timeout=60_000)
    notice.wait_for(state="hidden")
    assert [r for _, r in mirror.requests] == [None]  # one transfer
    session.screenshot("weights-offer-installed")
    assert session.problems.unexpected() == []


def test_the_notice_gives_the_command_where_downloads_are_off(session: Session, api):
    assert api.get("/weights").json()["downloads_allowed"] is False
    session.open("vgg16")
    command = session.page.locator("#weights-offer code.weights-command")
    command.wait_for()
    assert command.inner_text() == "python -m backend.weights fetch vgg16"
    offer = session.page.locator("#weights-offer").inner_text()
    assert "Published trained weights exist (528 MB)" in offer
    session.page.click("#lang-toggle")
    session.page.locator(
        "#weights-offer", has_text="공개된 학습 가중치가 있습니다(528 MB)"
    ).wait_for()
    session.screenshot("weights-offer-command-ko")
    session.page.click("#lang-toggle")  # back to English for the other tests
    # A model without published weights has the notice but no offer.
    session.pick("alexnet")
    assert session.page.is_visible("#untrained-notice")
    assert session.page.locator("#weights-offer").is_hidden()
    assert session.problems.unexpected() == []
