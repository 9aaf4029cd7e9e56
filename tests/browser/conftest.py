"""Browser fixtures: the app under uvicorn on a loopback port (bench.server), Debian's Chromium.

The tests drive the page like a person (clicks, typing, mouse strokes on the canvas) and
compare what it shows with what the API answers. They are skipped, with the reason, when
/usr/bin/chromium or Playwright is missing.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from bench.server import CHROMIUM, CHROMIUM_ARGS, running_server

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Chromium at {CHROMIUM} (apt install chromium)", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright")


@contextmanager
def app_server(log_path: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """The app on a free loopback port (settings from `env` on top of ours)."""
    with running_server(env=env, log_path=log_path, timeout_s=60) as server:
        yield server.base_url


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # lab runs started by the browser tests go to a folder of their own
    env = {"RUNS_DIR": str(tmp_path_factory.mktemp("runs"))}
    with app_server(tmp_path_factory.mktemp("server") / "uvicorn.log", env=env) as url:
        yield url


@pytest.fixture(scope="session")
def api(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def browser() -> Iterator["sync_api.Browser"]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Problems:
    """Console errors and uncaught exceptions seen by one page."""

    console: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)

    def unexpected(self, allowed_statuses: tuple[int, ...] = ()) -> list[str]:
        # Chromium logs every 4xx answer to fetch() as a console error; a test that provokes
        # one on purpose names its status.
        allowed = tuple(f"status of {s}" for s in allowed_statuses)
        console = [m for m in self.console if not (allowed and any(a in m for a in allowed))]
        return console + self.exceptions


@dataclass
class Session:
    page: "sync_api.Page"
    problems: Problems
    base_url: str

    def open(self, model: str | None = None) -> None:
        self.page.goto(f"{self.base_url}/{'#' + model if model else ''}")
        self.wait_for_model(model)

    def pick(self, model: str) -> None:
        self.page.click(f'.model-button[data-model="{model}"]')
        self.wait_for_model(model)

    def wait_for_model(self, model: str | None) -> None:
        selector = (
            f'#diagram-scroll[data-model="{model}"]' if model else "#diagram-scroll[data-model]"
        )
        self.page.wait_for_selector(f"{selector} svg.diagram", timeout=20_000)

    def screenshot(self, name: str, full_page: bool = False) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


def _session(browser, base_url: str, viewport: dict) -> Iterator[Session]:
    context = browser.new_context(viewport=viewport, locale="en-US", accept_downloads=True)
    page = context.new_page()
    problems = Problems()
    page.on("console", lambda m: problems.console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.exceptions.append(str(e)))
    yield Session(page, problems, base_url)
    context.close()


@pytest.fixture
def session(browser, base_url: str) -> Iterator[Session]:
    yield from _session(browser, base_url, DESKTOP)


@pytest.fixture
def phone(browser, base_url: str) -> Iterator[Session]:
    yield from _session(browser, base_url, PHONE)


def draw_seven(session: Session) -> None:
    """A "7" drawn with the mouse on the MNIST canvas; waits for the prediction."""
    page = session.page
    box = page.locator("#draw-canvas").bounding_box()
    assert box is not None

    def at(fx: float, fy: float) -> tuple[float, float]:
        return box["x"] + fx * box["width"], box["y"] + fy * box["height"]

    page.mouse.move(*at(0.25, 0.22))
    page.mouse.down()
    for point in [(0.45, 0.22), (0.72, 0.22), (0.62, 0.45), (0.52, 0.65), (0.45, 0.85)]:
        page.mouse.move(*at(*point), steps=6)
    page.mouse.up()
    page.locator("#topk li").first.wait_for(timeout=20_000)
