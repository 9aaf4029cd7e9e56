"""The short load test: 1,000 mixed requests (summaries, predictions, hostile uploads and calls)
from 32 concurrent clients against a real uvicorn server on a loopback port, in a child process
(scripts/soak.py drives it; `make soak` is the long form). Every request is answered with a
status that is right for it, the only 5xx are the inference gate's deliberate 503s, every
prediction that succeeds gives the label the same image gets alone, /health answers throughout,
and the server's memory does not grow once warm. Bounded: 1,000 requests, at most 240 s."""

import pytest

from scripts.soak import GATED, run_load
from tests import helpers_images as h

REQUESTS, CONCURRENCY = 1000, 32


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):
    log_dir = tmp_path_factory.mktemp("load")
    result = h.run_in_own_loop(
        run_load(REQUESTS, CONCURRENCY, seconds=240, big_every=125, log_dir=log_dir)
    )
    print("\n" + "\n".join(result.lines()))
    return result


def test_every_request_is_answered_with_a_status_that_is_right_for_it(report):
    assert report.requests == REQUESTS, "the time bound cut the run short"
    assert report.unanswered == []
    assert report.wrong == []  # includes predictions whose label differs from the solo answer
    assert sum(report.statuses.values()) == REQUESTS


def test_no_server_errors_but_the_deliberate_503s(report):
    assert {s for s in report.statuses if s >= 500} <= {GATED}
    assert report.server_errors_logged == 0
    if report.statuses[GATED]:
        assert report.retry_after_header == {"present": report.statuses[GATED]}


def test_every_kind_of_request_got_through(report):
    got = {name for name, counts in report.by_case.items() if 200 in counts}
    assert any(n.startswith("digit") for n in got) and any(n.startswith("canvas") for n in got)
    assert {"summary simplecnn", "summary alexnet", "summary vgg16", "summary resnet18"} <= got
    hostile = {"SVG": 415, "PDF": 415, "PNG declaring 20000x20000 px": 413, "unknown model": 404}
    for name, status in hostile.items():
        assert status in report.by_case.get(name, {}), f"{name} was never answered {status}"


def test_health_answers_throughout(report):
    assert len(report.health_ms) >= 10
    assert report.health_statuses == {200: len(report.health_ms)}


def test_memory_is_flat_once_warm(report):
    start, end = report.rss_mib[0][1], report.rss_mib[-1][1]
    # Models, caches, worker threads and allocator arenas exist after the warm-up; 1,000 more
    # requests (tens of MiB of uploads) may move the allocator a little, not grow with them.
    assert end - start < 64, f"RSS {start:.0f} -> {end:.0f} MiB"
