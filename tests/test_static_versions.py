"""Versioned URLs for the page's files (backend/api/asset_versions.py): the page names every
script and stylesheet with the current version, modules name their imports with it, those
URLs are cached for good, and an edited file changes every URL so that a reload sees it."""

import gzip
import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.routing import Mount

from backend.api.static import CACHE_CONTROL, CACHE_FOREVER, PageFiles
from backend.config import Settings
from backend.main import FRONTEND_DIR, create_app
from tests.test_static import IMPORT, module_graph

VERSIONED_URL = re.compile(r"""(?:href|src)="((?:js|css)/[^"?]+)\?v=([0-9a-f]{12})\"""")


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    # The modules one by one, as a page loads them with BUNDLE_STATIC=false (the bundle:
    # tests/test_page_bundle.py).
    settings = Settings(
        warm_summaries=False, weights_dir=tmp_path_factory.mktemp("w"), bundle_static=False
    )
    with TestClient(create_app(settings)) as c:
        yield c


def page_assets(html: str) -> tuple[list[str], set[str]]:
    found = VERSIONED_URL.findall(html)
    return [path for path, _ in found], {version for _, version in found}


def test_the_page_names_every_script_and_stylesheet_with_one_version(client):
    reply = client.get("/")
    assert reply.status_code == 200
    assert reply.headers["cache-control"] == CACHE_CONTROL  # the page itself: always asked
    paths, versions = page_assets(reply.text)
    original = (FRONTEND_DIR / "index.html").read_text()
    written = re.findall(r"""(?:href|src)="((?:js|css)/[^"]+\.(?:js|css))\"""", original)
    assert len(versions) == 1
    assert paths == written  # every one, in the page's order
    assert "js/main.js" in paths and "js/early.js" in paths and "css/app.css" in paths


def test_a_module_names_its_imports_with_the_version_it_was_asked_for(client):
    (version,) = page_assets(client.get("/").text)[1]
    reply = client.get(f"/js/main.js?v={version}")
    assert reply.status_code == 200
    assert reply.headers["cache-control"] == CACHE_FOREVER
    specifiers = [a or b for a, b in IMPORT.findall(reply.text)]
    plain = [a or b for a, b in IMPORT.findall((FRONTEND_DIR / "js/main.js").read_text())]
    assert len(specifiers) == len(plain) > 10
    assert specifiers == [f"{s}?v={version}" for s in plain]


def test_every_module_of_the_page_is_served_for_good_at_the_current_version(client):
    (version,) = page_assets(client.get("/").text)[1]
    for path in sorted(module_graph()):
        reply = client.get(f"/{path}?v={version}")
        assert reply.status_code == 200, path
        assert reply.headers["cache-control"] == CACHE_FOREVER, path
        left = [a or b for a, b in IMPORT.findall(reply.text) if not (a or b).endswith(version)]
        assert left == [], path  # no import leaves the version (it would be fetched unversioned)
    css = client.get(f"/css/app.css?v={version}")
    assert css.headers["cache-control"] == CACHE_FOREVER
    assert css.text == (FRONTEND_DIR / "css/app.css").read_text()


@pytest.mark.parametrize("query", ["", "?v=not-a-version"])
def test_unversioned_urls_are_revalidated_and_unchanged(client, query):
    reply = client.get(f"/js/main.js{query}")
    assert reply.status_code == 200
    assert reply.headers["cache-control"] == CACHE_CONTROL
    assert reply.text == (FRONTEND_DIR / "js/main.js").read_text()


def test_a_stale_version_gets_the_current_files_revalidated(client):
    (version,) = page_assets(client.get("/").text)[1]
    reply = client.get("/js/main.js?v=000000000000")
    assert reply.status_code == 200
    assert reply.headers["cache-control"] == CACHE_CONTROL
    specifiers = [a or b for a, b in IMPORT.findall(reply.text)]
    assert specifiers and all(s.endswith(f"?v={version}") for s in specifiers)


def test_versioning_can_be_turned_off(tmp_path):
    settings = Settings(
        warm_summaries=False, weights_dir=tmp_path, version_static=False, bundle_static=False
    )
    with TestClient(create_app(settings)) as c:
        reply = c.get("/")
    assert reply.text == (FRONTEND_DIR / "index.html").read_text()
    assert "?v=" not in reply.text


def write_page(folder: Path) -> None:
    (folder / "js").mkdir()
    (folder / "index.html").write_text('<script type="module" src="js/main.js"></script>\n')
    (folder / "js/main.js").write_text("import { a } from './a.js';\nconsole.log(a);\n")
    (folder / "js/a.js").write_text("export const a = 1;\n")


def edit(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns
    path.write_text(text)
    while path.stat().st_mtime_ns == before:  # a file system with coarse times
        time.sleep(0.01)
        path.write_text(text)


def test_an_edited_module_gives_a_new_version_and_is_seen_after_a_reload(tmp_path):
    write_page(tmp_path)
    files = PageFiles(directory=tmp_path, html=True, versioned=True)
    with TestClient(Starlette(routes=[Mount("/", app=files)])) as c:
        page = c.get("/")
        (old,) = page_assets(page.text)[1]
        main = c.get(f"/js/main.js?v={old}")
        assert "from './a.js?v=" + old + "'" in main.text
        assert c.get(f"/js/a.js?v={old}").text == "export const a = 1;\n"

        edit(tmp_path / "js/a.js", "export const a = 2;\n")  # main.js itself is unchanged
        again = c.get("/", headers={"if-none-match": page.headers["etag"]})
        assert again.status_code == 200  # not 304: the page now names other URLs
        (new,) = page_assets(again.text)[1]
        assert new != old
        assert f"from './a.js?v={new}'" in c.get(f"/js/main.js?v={new}").text
        fresh = c.get(f"/js/a.js?v={new}")
        assert fresh.text == "export const a = 2;\n"
        assert fresh.headers["cache-control"] == CACHE_FOREVER
        # An old page still open asks for the old version: the file as it is now, revalidated.
        stale = c.get(f"/js/a.js?v={old}")
        assert stale.text == "export const a = 2;\n"
        assert stale.headers["cache-control"] == CACHE_CONTROL


def test_the_unchanged_page_is_answered_304_and_gzip_keeps_the_versions(tmp_path):
    write_page(tmp_path)
    (tmp_path / "js/a.js").write_text("export const a = 1;\n" + "// padding\n" * 100)
    files = PageFiles(directory=tmp_path, html=True, versioned=True)
    with TestClient(Starlette(routes=[Mount("/", app=files)])) as c:
        page = c.get("/")
        again = c.get("/", headers={"if-none-match": page.headers["etag"]})
        assert again.status_code == 304
        (version,) = page_assets(page.text)[1]
        with c.stream("GET", f"/js/a.js?v={version}", headers={"accept-encoding": "gzip"}) as r:
            body = b"".join(r.iter_raw())
        assert r.headers["content-encoding"] == "gzip"
        assert r.headers["etag"].endswith(f'-{version}-gzip"')  # its bytes are for this version
        assert gzip.decompress(body).decode().startswith("export const a = 1;")
        small = c.get(f"/js/main.js?v={version}", headers={"accept-encoding": "gzip"})
        assert "content-encoding" not in small.headers  # under 512 bytes: sent as it is
        assert small.headers["cache-control"] == CACHE_FOREVER
        assert f"./a.js?v={version}" in small.text
