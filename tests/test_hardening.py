"""The low items of issue 19: HEAD /health, frontend/tests not served, the docs' CSP for
exactly /docs and /redoc, 504s logged with path and status, the time limit ending once a
response has started, cross-site POSTs refused, an OS/2 bitmap predicted, and the server
process's guard against request heads that never finish."""

import asyncio
import logging
import socket
import struct
import time

import pytest
from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient

from backend.api.middleware import DOCS_CSP, PAGE_CSP, RequestTimeout
from backend.config import Settings
from backend.main import create_app
from bench.server import running_server
from tests import helpers_images as h
from tests.test_decode_memory import os2_bmp


def test_head_health_answers_like_get_without_a_body(client: TestClient) -> None:
    r = client.head("/health")
    assert r.status_code == 200 and r.content == b""
    assert r.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    "path", ["/tests/format.test.mjs", "/tests/", "/tests/fixtures/", "//tests/format.test.mjs"]
)
def test_the_frontend_tests_are_not_served(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404, path
    assert r.json()["detail"].startswith("No such path")


def test_the_page_and_its_modules_are_still_served(client: TestClient) -> None:
    assert client.get("/").status_code == 200
    assert client.get("/js/format.js").status_code == 200


@pytest.mark.parametrize(
    ("path", "csp"),
    [
        ("/docs", DOCS_CSP),
        ("/redoc", DOCS_CSP),
        ("/docs-assets/swagger-ui.css", PAGE_CSP),
        ("/docsx", PAGE_CSP),
        ("/redoc/anything", PAGE_CSP),
    ],
)
def test_only_the_docs_pages_get_the_docs_policy(client: TestClient, path: str, csp: str) -> None:
    assert client.get(path).headers["content-security-policy"] == csp


def _slow_app(seconds: float) -> FastAPI:
    app = FastAPI()

    @app.get("/slow")
    async def slow() -> dict:
        await asyncio.sleep(5)
        return {}

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        async def chunks():
            for i in range(3):
                yield f"{i}\n".encode()
                await asyncio.sleep(seconds)  # in all 3× the limit, after the start

        return StreamingResponse(chunks(), media_type="text/plain")

    app.add_middleware(RequestTimeout, seconds=seconds)
    return app


def test_a_504_is_logged_with_method_path_and_status(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="backend.api.middleware"):
        r = TestClient(_slow_app(0.2)).get("/slow")
    assert r.status_code == 504
    (record,) = [r for r in caplog.records if r.name == "backend.api.middleware"]
    assert 'method="GET" path="/slow" status=504 detail="The request took longer' in record.message
    assert (record.path, record.status) == ("/slow", 504)


def test_the_time_limit_ends_once_the_response_has_started() -> None:
    r = TestClient(_slow_app(0.2)).get("/stream")
    assert r.status_code == 200 and r.text == "0\n1\n2\n"


@pytest.fixture(scope="module")
def guarded() -> TestClient:
    settings = Settings(cors_origins=["https://class.example"], warm_summaries=False)
    with TestClient(create_app(settings)) as c:
        yield c


def _post_digit(c: TestClient, **headers: str):
    return c.post(
        "/models/simplecnn/predict",
        content=h.png(h.digit(7)),
        headers={"content-type": "image/png", **headers},
    )


def test_a_cross_site_post_is_refused(guarded: TestClient) -> None:
    r = _post_digit(guarded, origin="https://evil.example")
    assert r.status_code == 403
    assert r.json()["detail"].startswith(
        "This request was sent by the page at https://evil.example, which may not POST"
    )
    assert r.headers["content-security-policy"] == PAGE_CSP
    r = _post_digit(guarded, **{"sec-fetch-site": "cross-site"})
    assert r.status_code == 403 and "a page of another site" in r.json()["detail"]
    assert _post_digit(guarded, origin="null").status_code == 403


def test_same_origin_listed_origins_and_plain_clients_may_post(guarded: TestClient) -> None:
    assert _post_digit(guarded).status_code == 200  # curl, scripts: no Origin
    assert _post_digit(guarded, origin="http://testserver").status_code == 200
    assert _post_digit(guarded, origin="https://class.example").status_code == 200
    assert _post_digit(guarded, **{"sec-fetch-site": "same-origin"}).status_code == 200
    r = guarded.get("/health", headers={"origin": "https://evil.example"})
    assert r.status_code == 200  # reading is not refused; CORS decides what a page may read


def test_an_os2_bitmap_gets_a_prediction_not_a_413(client: TestClient) -> None:
    r = client.post(
        "/models/resnet18/predict",
        content=os2_bmp(32, 32),
        headers={"content-type": "image/bmp"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["input_shape"] == [1, 3, 32, 32]


def test_a_data_url_nested_a_thousand_deep_is_a_422(client: TestClient) -> None:
    for route in ("predict", "feature_maps?layer=conv1", "gradcam"):
        r = client.post(
            f"/models/simplecnn/{route}",
            content=b"[" * 1000,
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 422, (route, r.text)
        assert "more than 32 levels deep" in r.json()["detail"]


# ---- the server process: request heads that never finish --------------------------------------


def test_a_request_head_that_never_finishes_is_closed(unused_port_server) -> None:
    port = unused_port_server
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        started = time.monotonic()
        assert s.recv(1024) == b""  # closed by the server, not answered
        assert 0.5 < time.monotonic() - started < 8
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert s.recv(1024).startswith(b"HTTP/1.1 200")


def test_an_oversized_request_head_is_a_400(unused_port_server) -> None:
    with socket.create_connection(("127.0.0.1", unused_port_server), timeout=10) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"a" * 70_000 + b"\r\n\r\n")
        assert s.recv(1024).startswith(b"HTTP/1.1 400")


@pytest.fixture(scope="module")
def unused_port_server(tmp_path_factory: pytest.TempPathFactory):
    """The server as `make run` starts it (bench.server's default: backend.server's protocol)
    on a loopback port, with a 1 s head timeout."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    env = {"HEADER_TIMEOUT_S": "1", "WARM_SUMMARIES": "false"}
    with running_server(env, log_path=log) as server:
        yield int(server.base_url.rsplit(":", 1)[1])


def test_struct_of_the_bitmap_helper() -> None:
    assert struct.unpack("<I", os2_bmp(2, 2)[14:18]) == (12,)
