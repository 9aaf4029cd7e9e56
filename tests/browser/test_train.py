"""The Train tab: start a short run from the page, watch the chart update live, then use its
weights for a digit drawn with the mouse. Screenshots: test-artifacts/screenshots/train-*.png."""

import re

from tests.browser.conftest import Session, draw_seven


def test_train_watch_and_use_the_weights(session: Session, api) -> None:
    session.open("simplecnn")
    page = session.page
    page.click("#tab-train")
    page.wait_for_selector("#train-presets .train-preset")
    page.select_option("#train-model", "simplecnn")
    page.fill("#train-epochs", "3")
    page.fill("#train-train_images", "1600")
    page.uncheck("#train-augmentation")
    page.click("#train-start")

    # the loss line grows while the run trains (several step events)
    page.wait_for_function(
        "() => (document.querySelector('#train-loss path[data-run]')?.getAttribute('d') ?? '')"
        ".split('L').length > 6",
        timeout=120_000,
    )
    first = page.get_attribute("#train-loss path[data-run]", "d")
    assert re.search(
        r"Epoch \d/3 · step \d+/75 · \d+ images/s · ETA", page.text_content("#train-progress")
    )
    session.screenshot("train-running")
    page.wait_for_function(
        "(d) => document.querySelector('#train-loss path[data-run]').getAttribute('d') !== d",
        arg=first,
        timeout=120_000,
    )

    row = page.locator("#train-runs tbody tr").first
    page.wait_for_selector('#train-runs tr[data-status="done"]', timeout=240_000)
    run_id = row.get_attribute("data-run")
    record = api.get(f"/training/runs/{run_id}").json()
    assert record["status"] == "done" and len(record["curves"]["epochs"]) == 3
    shown = row.locator(".accuracy").text_content()
    assert shown == f"{record['val_accuracy'] * 100:.1f} %"
    # train (dashed) and validation (solid) accuracy, a point per epoch
    assert page.locator("#train-accuracy path[data-kind='val']").count() == 1
    assert page.get_attribute("#train-accuracy path[data-kind='val']", "d").count("L") == 2
    assert page.get_attribute("#train-cancel", "disabled") is not None
    session.screenshot("train-done", full_page=True)

    row.locator(".use-weights").click()
    # the run is now the current model (the Train tab stays open; the diagram is behind it)
    page.wait_for_selector(
        f'#diagram-scroll[data-model="run-{run_id}"] svg.diagram', state="attached", timeout=20_000
    )
    assert page.locator(f'.model-button[data-model="run-{run_id}"]').count() == 1
    assert f"run-{run_id}" in page.text_content("#train-note")
    try:
        draw_seven(session)
    finally:
        session.screenshot("train-used-weights")
    assert page.is_visible("#untrained-notice") is False
    session.screenshot("train-used-weights")
    assert session.problems.unexpected() == []
