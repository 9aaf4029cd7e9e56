"""The page on localhost in Chromium: time from navigation to the first diagram block, in the
page and shown (the end of the frame that paints it), and the bytes transferred, with the
static files compressed or not (COMPRESS_STATIC) and the modules bundled into one script or not
(BUNDLE_STATIC), the servers up at once and taking turns.

    python -m bench.bench_page [--rounds 5] [--before REF]

With `--before REF` (a commit, e.g. main) the two servers are that commit's code, unpacked
into a temporary folder, and this checkout's, both with their default settings.

A fresh browser context per visit is a first visit (empty cache); a second navigation in the
same context is a return visit (versioned scripts and stylesheets from the browser's cache,
index.html revalidated, the API asked again). The moments are recorded in the page by a
MutationObserver (Playwright's init script), on the clock of the Navigation Timing API
(`performance.now()`, 0 at navigation start).
"""

import argparse
import statistics
import subprocess
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench.server import CHROMIUM, CHROMIUM_ARGS, ROOT, running_server
from bench.stats import table

# label -> settings; the last is the default the target is read from.
CONFIGURATIONS = {
    "no compression, modules one by one": {"COMPRESS_STATIC": "false", "BUNDLE_STATIC": "false"},
    "gzip, modules one by one": {"COMPRESS_STATIC": "true", "BUNDLE_STATIC": "false"},
    "gzip, one bundle (default)": {"COMPRESS_STATIC": "true", "BUNDLE_STATIC": "true"},
}

FIRST_BLOCK = "#diagram-scroll [data-layer]"
# Two moments: the first block in the DOM (the end of the task that drew it), and the end of
# the frame that shows it (a message posted from that frame's animation callback is handled
# once the frame, layout and paint included, is done: the first time a person can see it).
OBSERVE = (
    "new MutationObserver((_, observer) => {"
    f"  if (document.querySelector('{FIRST_BLOCK}')) {{"
    "    window.__firstDiagramMs = performance.now();"
    "    observer.disconnect();"
    "    requestAnimationFrame(() => {"
    "      const channel = new MessageChannel();"
    "      channel.port1.onmessage = () => { window.__firstShownMs = performance.now(); };"
    "      channel.port2.postMessage(0);"
    "    });"
    "  }"
    "}).observe(document, {childList: true, subtree: true});"
)

TRANSFERRED = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const all = [nav, ...resources];
  return {
    transferred: all.reduce((n, e) => n + (e.transferSize || 0), 0),
    decoded: all.reduce((n, e) => n + (e.decodedBodySize || 0), 0),
    requests: all.length,
    sent: all.filter((e) => e.transferSize > 0).length,  // not answered from the browser's cache
    domContentLoaded: nav.domContentLoadedEventEnd,
  };
}"""


def visit(context, url: str) -> dict:
    page = context.new_page()
    page.goto(url + "/#vgg16")
    page.wait_for_selector(FIRST_BLOCK, timeout=60_000)
    page.wait_for_load_state("networkidle")
    result = page.evaluate(TRANSFERRED)
    result["first_diagram_ms"] = page.evaluate("window.__firstDiagramMs")
    # Set long before the network is idle (half a second without requests); the page's CSP
    # forbids the eval that wait_for_function would need.
    result["first_shown_ms"] = page.evaluate("window.__firstShownMs")
    page.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", metavar="REF", help="compare with this commit's code")
    args = parser.parse_args()
    text, rows = run(args.rounds, before=args.before)
    print(text)
    print(table(["target", "goal", "measured", "met"], rows))


def unpacked(stack: ExitStack, ref: str) -> Path:
    """The files of commit `ref` in a temporary folder (removed when `stack` closes)."""
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="page-before-")))
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref], cwd=ROOT, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def run(rounds: int = 5, before: str | None = None) -> tuple[str, list[tuple[str, str, str, str]]]:
    from playwright.sync_api import sync_playwright

    runs: dict[str, dict[str, list[dict]]] = {}
    with ExitStack() as stack:
        servers: dict[str, str] = {}
        if before:
            old = stack.enter_context(running_server(root=unpacked(stack, before)))
            servers[f"before ({before})"] = old.base_url
            servers["after (this checkout)"] = stack.enter_context(running_server()).base_url
        else:
            for label, env in CONFIGURATIONS.items():
                servers[label] = stack.enter_context(running_server(env)).base_url
        labels = list(servers)
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for label in servers:
            runs[label] = {"first visit": [], "return visit": []}
        for i in range(rounds + 1):  # the first round warms both servers: not counted
            order = list(servers.items()) if i % 2 == 0 else list(servers.items())[::-1]
            for label, url in order:
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                context.add_init_script(OBSERVE)
                first, again = visit(context, url), visit(context, url)
                context.close()
                if i:
                    runs[label]["first visit"].append(first)
                    runs[label]["return visit"].append(again)
        browser.close()
    rows = []
    for label, kinds in runs.items():
        for kind, visits in kinds.items():
            rows.append((
                label, kind, len(visits),
                statistics.median(v["first_diagram_ms"] for v in visits),
                statistics.median(v["first_shown_ms"] for v in visits),
                max(v["first_shown_ms"] for v in visits),
                statistics.median(v["domContentLoaded"] for v in visits),
                statistics.median(v["transferred"] for v in visits) / 1024,
                statistics.median(v["decoded"] for v in visits) / 1024,
                statistics.median(v["requests"] for v in visits),
                statistics.median(v["sent"] for v in visits),
            ))  # fmt: skip
    after, earlier = runs[labels[-1]]["first visit"], runs[labels[0]]["first visit"]
    first = statistics.median(v["first_shown_ms"] for v in after)
    first_before = statistics.median(v["first_shown_ms"] for v in earlier)
    sent = statistics.median(v["transferred"] for v in after) / 1024
    sent_before = statistics.median(v["transferred"] for v in earlier) / 1024
    target = (
        "page: first diagram shown after navigation (localhost, Chromium, first visit)",
        "≤ 300 ms",
        f"{first:.0f} ms, {sent:.0f} KiB transferred ({labels[0]}: {first_before:.0f} ms, "
        f"{sent_before:.0f} KiB)",
        "yes" if first <= 300 else "**no**",
    )
    return table(
        ["server", "visit", "n", "diagram in the page p50 ms", "shown p50 ms", "shown max ms",
         "DOMContentLoaded p50 ms", "transferred KiB", "decoded KiB", "requests",
         "sent to the server"],
        rows,
    ), [target]  # fmt: skip


if __name__ == "__main__":
    main()
