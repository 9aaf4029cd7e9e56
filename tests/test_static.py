"""The page's files: gzip for browsers that accept it, 304 for a file the browser already has,
`Cache-Control: no-cache` so that an updated module is never run stale."""

import gzip
import posixpath
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.routing import Mount

from backend.api import page_bundle
from backend.api.static import PageFiles
from backend.config import Settings
from backend.main import FRONTEND_DIR, create_app


@pytest.fixture(scope="module")
def app_client(tmp_path_factory) -> TestClient:
    settings = Settings(warm_summaries=False, weights_dir=tmp_path_factory.mktemp("w"))
    with TestClient(create_app(settings)) as c:
        yield c


def raw_get(client: TestClient, path: str, **headers: str):
    """The bytes as sent (httpx would decode gzip by itself)."""
    with client.stream("GET", path, headers=headers) as reply:
        body = b"".join(reply.iter_raw())
    return reply, body


@pytest.mark.parametrize(
    ("path", "file", "media"),
    [
        ("/js/main.js", "js/main.js", "text/javascript"),
        ("/", "index.html", "text/html"),
        (
            "/css/" + sorted(p.name for p in (FRONTEND_DIR / "css").glob("*.css"))[0],
            None,
            "text/css",
        ),
    ],
)
def test_text_files_are_gzipped_for_browsers_that_accept_it(app_client, path, file, media):
    file = file or path.lstrip("/")
    original = (FRONTEND_DIR / file).read_bytes()
    reply, body = raw_get(app_client, path, **{"accept-encoding": "gzip, deflate, br"})
    assert reply.status_code == 200
    assert reply.headers["content-encoding"] == "gzip"
    assert reply.headers["content-type"].startswith(media)
    assert reply.headers["vary"] == "Accept-Encoding"
    assert reply.headers["cache-control"] == "no-cache"
    assert reply.headers["etag"].endswith('-gzip"')
    assert "last-modified" in reply.headers
    assert int(reply.headers["content-length"]) == len(body) < len(original)
    if file == "index.html":  # the page names its files by versioned URL (asset_versions.py)
        html = gzip.decompress(body).decode()
        assert len(set(re.findall(r"\?v=([0-9a-f]{12})", html))) == 1
        # ... and loads its modules as one bundle (page_bundle.py, BUNDLE_STATIC on by default)
        expected = page_bundle.bundled_page(original.decode())
        assert re.sub(r"\?v=[0-9a-f]{12}", "", html) == expected
    else:
        assert gzip.decompress(body) == original
    assert reply.headers["x-content-type-options"] == "nosniff"  # security headers still there


def test_a_browser_without_gzip_gets_the_file_as_it_is(app_client):
    original = (FRONTEND_DIR / "js/main.js").read_bytes()
    reply, body = raw_get(app_client, "/js/main.js", **{"accept-encoding": "identity"})
    assert reply.status_code == 200
    assert "content-encoding" not in reply.headers
    assert body == original
    assert not reply.headers["etag"].endswith('-gzip"')
    assert reply.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_an_unchanged_file_is_answered_304_without_a_body(app_client, encoding):
    first, _ = raw_get(app_client, "/js/main.js", **{"accept-encoding": encoding})
    again, body = raw_get(
        app_client,
        "/js/main.js",
        **{"accept-encoding": encoding, "if-none-match": first.headers["etag"]},
    )
    assert again.status_code == 304
    assert body == b""
    assert again.headers["etag"] == first.headers["etag"]
    by_date, body = raw_get(
        app_client,
        "/js/main.js",
        **{"accept-encoding": encoding, "if-modified-since": first.headers["last-modified"]},
    )
    assert by_date.status_code == 304 and body == b""


def test_a_stale_etag_gets_the_file(app_client):
    reply, body = raw_get(
        app_client, "/js/main.js", **{"accept-encoding": "gzip", "if-none-match": '"old-gzip"'}
    )
    assert reply.status_code == 200
    assert gzip.decompress(body) == (FRONTEND_DIR / "js/main.js").read_bytes()


def test_an_edited_file_is_compressed_again(tmp_path):
    (tmp_path / "a.js").write_text("export const a = 1;\n" * 100)
    files = PageFiles(directory=tmp_path)
    with TestClient(Starlette(routes=[Mount("/", app=files)])) as c:
        first = c.get("/a.js")
        assert first.text == "export const a = 1;\n" * 100
        path = Path(tmp_path / "a.js")
        path.write_text("export const b = 2;\n" * 200)
        second = c.get("/a.js", headers={"if-none-match": first.headers["etag"]})
        assert second.status_code == 200
        assert second.text == "export const b = 2;\n" * 200
        assert second.headers["etag"] != first.headers["etag"]


def test_small_files_and_images_are_not_compressed(app_client):
    reply, _ = raw_get(app_client, "/favicon.svg", **{"accept-encoding": "gzip"})
    size = (FRONTEND_DIR / "favicon.svg").stat().st_size
    assert reply.status_code == 200
    assert ("content-encoding" in reply.headers) == (size >= 512)


def test_compression_can_be_turned_off(tmp_path):
    settings = Settings(warm_summaries=False, weights_dir=tmp_path, compress_static=False)
    with TestClient(create_app(settings)) as c:
        reply, body = raw_get(c, "/js/main.js", **{"accept-encoding": "gzip"})
    assert reply.status_code == 200
    assert "content-encoding" not in reply.headers
    assert body == (FRONTEND_DIR / "js/main.js").read_bytes()


IMPORT = re.compile(
    r"""^\s*(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]""",
    re.MULTILINE,
)


def module_graph(start: str = "js/main.js") -> set[str]:
    """Every module reachable from `start` by static imports, paths relative to frontend/."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for a, b in IMPORT.findall((FRONTEND_DIR / path).read_text()):
            todo.append(posixpath.normpath(posixpath.join(posixpath.dirname(path), a or b)))
    return seen


def test_index_preloads_exactly_the_modules_main_imports():
    html = (FRONTEND_DIR / "index.html").read_text()
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
    graph = module_graph() - {"js/main.js"}
    assert len(graph) > 20  # the parser found the imports (39 modules when written)
    assert len(preloaded) == len(set(preloaded))
    # A module added or removed: its <link rel="modulepreload"> line in index.html too.
    assert set(preloaded) == graph, sorted(set(preloaded) ^ graph)
    assert all((FRONTEND_DIR / p).is_file() for p in preloaded)
