"""Security headers, offline docs, static files confined to frontend/, CORS off by default."""

import asyncio

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.api.middleware import RequestTimeout
from backend.config import Settings
from backend.main import create_app


def test_page_has_security_headers(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/models").headers["x-content-type-options"] == "nosniff"


def test_docs_work_offline(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "/docs-assets/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    asset = client.get("/docs-assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000
    assert "redoc.standalone.js" in client.get("/redoc").text
    assert client.get("/openapi.json").json()["info"]["title"] == "CNN Explorer"


@pytest.mark.parametrize(
    "path",
    [
        "/../backend/config.py",
        "/%2e%2e/backend/config.py",
        "/%2e%2e%2fbackend%2fconfig.py",
        "/..%2f..%2fetc%2fpasswd",
        "/css/../../pyproject.toml",
        "/%252e%252e/pyproject.toml",
        "/docs-assets/../core.py",
    ],
)
def test_static_files_stay_inside_frontend(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert "Settings" not in r.text and "[project]" not in r.text and "root:" not in r.text


def test_cors_off_by_default(client: TestClient) -> None:
    r = client.get("/models", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers


def test_cors_configurable() -> None:
    settings = Settings(cors_origins=["https://class.example"], warm_summaries=False)
    with TestClient(create_app(settings)) as c:
        r = c.get("/health", headers={"Origin": "https://class.example"})
        assert r.headers["access-control-allow-origin"] == "https://class.example"
        r = c.get("/health", headers={"Origin": "https://other.example"})
        assert "access-control-allow-origin" not in r.headers


def test_slow_request_gets_504() -> None:
    app = FastAPI()

    @app.get("/slow")
    async def slow() -> dict:
        await asyncio.sleep(5)
        return {}

    app.add_middleware(RequestTimeout, seconds=0.2)
    r = TestClient(app).get("/slow")
    assert r.status_code == 504
    assert "longer than 0.2 s" in r.json()["detail"]
