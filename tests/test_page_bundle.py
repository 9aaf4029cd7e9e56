"""The page's modules as one script (backend/api/page_bundle.py) and how it is served: the
bundle holds every module once, each after the modules it imports; its source map points each
line at the file it came from; syntax the bundler does not handle leaves the page on its
modules one by one."""

import gzip
import json
import posixpath
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.routing import Mount

from backend.api import page_bundle
from backend.api.page_bundle import MODULES, BundleError, build, bundled_page
from backend.api.static import CACHE_CONTROL, CACHE_FOREVER, PageFiles
from backend.config import Settings
from backend.main import FRONTEND_DIR, create_app
from tests.test_static import IMPORT, module_graph

NODE = shutil.which("node")
BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


SMALL_PAGE = {
    "js/main.js": (
        "import { b } from './b.js';\n"
        "import {\n  a,\n  twice as double,\n} from './lib/a.js';\n"
        "import * as c from './lib/c.js';\n"
        "import './side.js';\n"
        "globalThis.result = [a, b, double(21), c.C, globalThis.sideEffects];\n"
    ),
    "js/b.js": "export const b = 'b';\n",
    "js/lib/a.js": (
        "import { C } from './c.js';\n"
        "const a = `a${C}`;\n"
        "function twice(n) {\n  return 2 * n;\n}\n"
        "export { a, twice };\n"
    ),
    "js/lib/c.js": (
        "export class Holder {}\nexport const C = 'c';\nexport async function later() {}\n"
    ),
    "js/side.js": "globalThis.sideEffects = (globalThis.sideEffects ?? 0) + 1;\n",
}


def decode_mappings(mappings: str) -> list[tuple[int, int] | None]:
    """Per generated line: (source index, source line) of its first segment, or None."""
    out: list[tuple[int, int] | None] = []
    source = line = 0
    for group in mappings.split(";"):
        if not group:
            out.append(None)
            continue
        values, shift, value = [], 0, 0
        for char in group.split(",")[0]:
            digit = BASE64.index(char)
            value += (digit & 31) << shift
            if digit & 32:
                shift += 5
                continue
            values.append(-(value >> 1) if value & 1 else value >> 1)
            shift = value = 0
        source += values[1]
        line += values[2]
        out.append((source, line))
    return out


def test_modules_come_after_what_they_import_in_the_browsers_order(tmp_path):
    bundle = build(write(tmp_path, SMALL_PAGE))
    # Depth first, in import order: b, then a's own import c, then a, then side, then main.
    assert bundle.modules == ("js/b.js", "js/lib/c.js", "js/lib/a.js", "js/side.js", "js/main.js")
    script = bundle.script
    assert script.count(f'{MODULES}["js/lib/c.js"] = ') == 1  # imported twice, evaluated once
    assert f'const {{ a, twice: double }} = {MODULES}["js/lib/a.js"];' in script
    assert f'const c = {MODULES}["js/lib/c.js"];' in script
    assert "return Object.freeze({ a, twice });" in script
    assert "return Object.freeze({ Holder, C, later });" in script
    assert not re.search(r"^\s*(import|export)\b", script, re.MULTILINE)
    assert script.endswith("//# sourceMappingURL=bundle.js.map\n")


def test_each_line_maps_back_to_its_file_and_line(tmp_path):
    bundle = build(write(tmp_path, SMALL_PAGE))
    source_map = json.loads(bundle.source_map)
    assert source_map["version"] == 3 and source_map["file"] == "bundle.js"
    assert source_map["sources"] == ["b.js", "lib/c.js", "lib/a.js", "side.js", "main.js"]
    lines = bundle.script.split("\n")
    mapped = decode_mappings(source_map["mappings"])
    assert len(mapped) == len(lines) - 1  # every line but the trailing empty one
    for marker, source, line in [
        ("globalThis.result", "main.js", 8),  # below a four-line import: numbers kept
        ("return 2 * n;", "lib/a.js", 4),
        ("export class Holder", "lib/c.js", 1),
    ]:
        at = next(i for i, text in enumerate(lines) if marker.removeprefix("export ") in text)
        index, zero_based = mapped[at]
        assert (source_map["sources"][index], zero_based + 1) == (source, line)
        original = (tmp_path / "js" / source).read_text().split("\n")[line - 1]
        assert marker in original
    assert mapped[0] is None  # the bundle's own first line


@pytest.mark.skipif(NODE is None, reason="needs node to run the bundle")
def test_the_bundle_runs_like_the_modules(tmp_path):
    bundle = build(write(tmp_path, SMALL_PAGE))
    runner = tmp_path / "bundle.mjs"
    runner.write_text(bundle.script + "console.log(JSON.stringify(globalThis.result));\n")
    out = subprocess.run([NODE, str(runner)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == ["ac", "b", 42, "c", 1]
    # The same page as modules, for comparison.
    module_runner = tmp_path / "js" / "run.mjs"
    module_runner.write_text(
        "await import('./main.js');\nconsole.log(JSON.stringify(globalThis.result));\n"
    )
    out = subprocess.run([NODE, str(module_runner)], capture_output=True, text=True, timeout=60)
    assert json.loads(out.stdout) == ["ac", "b", 42, "c", 1]


@pytest.mark.skipif(NODE is None, reason="needs node to check the bundle's syntax")
def test_the_pages_bundle_is_valid_javascript(tmp_path):
    path = tmp_path / "bundle.mjs"
    path.write_text(build(FRONTEND_DIR).script)
    out = subprocess.run([NODE, "--check", str(path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"js/main.js": "import { a } from './a.js';\n", "js/a.js": "import './main.js';\n"},
            "import cycle: js/main.js -> js/a.js -> js/main.js",
        ),
        ({"js/main.js": "export default 1;\n"}, "js/main.js:1: module syntax"),
        ({"js/main.js": "const x = 1;\nexport let y = 2;\n"}, "js/main.js:2: module syntax"),
        ({"js/main.js": "export * from './a.js';\n"}, "js/main.js:1: module syntax"),
        ({"js/main.js": "import { a } from '../../secret.js';\n"}, "outside the page's folder"),
        ({"js/main.js": "import { a } from './missing.js';\n"}, "js/missing.js: cannot read it"),
        ({"js/main.js": f"const {MODULES} = 1;\n"}, f"uses the bundle's own name {MODULES}"),
        ({"js/main.js": "import { a-b } from './a.js';\n"}, "cannot read the names 'a-b'"),
        (
            {
                "js/main.js": "import { b } from './a.js';\n",
                "js/a.js": "export const a = 1, b = 2;\n",
            },
            "js/main.js imports b from js/a.js, which does not export it",
        ),
    ],
)
def test_what_the_bundler_does_not_handle_is_refused_with_where(tmp_path, files, message):
    with pytest.raises(BundleError) as refused:
        build(write(tmp_path, files))
    assert message in str(refused.value)


def test_the_page_loads_the_bundle_instead_of_its_modules():
    original = (FRONTEND_DIR / "index.html").read_text()
    page = bundled_page(original)
    assert '<script type="module" src="js/bundle.js"></script>' in page
    assert "modulepreload" not in page and "js/main.js" not in page
    assert '<script src="js/early.js"></script>' in page  # the early requests stay first
    assert page.count("\n") == original.count("\n") - original.count('rel="modulepreload"')
    with pytest.raises(BundleError, match="no <script"):
        bundled_page("<html></html>")


def test_the_bundle_holds_every_module_of_the_page_once():
    bundle = build(FRONTEND_DIR)
    assert sorted(bundle.modules) == sorted(module_graph())
    assert bundle.modules[-1] == "js/main.js"
    position = {path: i for i, path in enumerate(bundle.modules)}
    for path in bundle.modules:  # every import is evaluated before its importer
        for a, b in IMPORT.findall((FRONTEND_DIR / path).read_text()):
            dependency = posixpath.normpath(posixpath.join(posixpath.dirname(path), a or b))
            assert position[dependency] < position[path], (dependency, path)


# ------------------------------------------------------------------ served


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    settings = Settings(warm_summaries=False, weights_dir=tmp_path_factory.mktemp("w"))
    with TestClient(create_app(settings)) as c:
        yield c


def current_version(client: TestClient) -> str:
    found = re.search(r'src="js/bundle\.js\?v=([0-9a-f]{12})"', client.get("/").text)
    assert found, "the page does not load the bundle"
    return found[1]


def test_the_bundle_is_served_for_good_at_the_current_version(client):
    version = current_version(client)
    with client.stream(
        "GET", f"/js/bundle.js?v={version}", headers={"accept-encoding": "gzip"}
    ) as r:
        raw = b"".join(r.iter_raw())
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/javascript; charset=utf-8"
    assert r.headers["cache-control"] == CACHE_FOREVER
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["etag"] == f'"bundle-{version}-gzip"'
    assert gzip.decompress(raw).decode() == build(FRONTEND_DIR).script
    again = client.get(f"/js/bundle.js?v={version}", headers={"if-none-match": r.headers["etag"]})
    assert again.status_code == 304
    unversioned = client.get("/js/bundle.js")
    assert unversioned.status_code == 200
    assert unversioned.headers["cache-control"] == CACHE_CONTROL
    source_map = client.get("/js/bundle.js.map")
    assert source_map.headers["content-type"] == "application/json"
    assert len(source_map.json()["sources"]) == len(module_graph())
    # The modules themselves are still there (node tests, a page of an older version).
    assert client.get(f"/js/main.js?v={version}").status_code == 200


def test_bundling_can_be_turned_off(tmp_path):
    settings = Settings(warm_summaries=False, weights_dir=tmp_path, bundle_static=False)
    with TestClient(create_app(settings)) as c:
        page = c.get("/").text
        assert c.get("/js/bundle.js").status_code == 404
    assert 'src="js/main.js?v=' in page and "bundle.js" not in page
    assert page.count('rel="modulepreload"') == len(module_graph()) - 1


def serve(folder: Path) -> TestClient:
    app = Starlette(
        routes=[Mount("/", PageFiles(directory=folder, html=True, versioned=True, bundle=True))]
    )
    return TestClient(app)


def test_a_page_that_cannot_be_bundled_loads_its_modules_one_by_one(tmp_path):
    write(tmp_path, {
        "index.html": '<script type="module" src="js/main.js"></script>\n',
        "js/main.js": "import { a } from './a.js';\nconsole.log(a);\n",
        "js/a.js": "export default 1;\n",
    })  # fmt: skip
    with serve(tmp_path) as c:
        page = c.get("/").text
        assert re.fullmatch(
            r'<script type="module" src="js/main\.js\?v=[0-9a-f]{12}"></script>\n', page
        )
        assert c.get("/js/bundle.js").status_code == 404
        assert c.get("/js/a.js").text == "export default 1;\n"


def test_an_edited_module_gives_a_new_bundle_and_version(tmp_path):
    write(tmp_path, {
        "index.html": '<script type="module" src="js/main.js"></script>\n',
        "js/main.js": "import { a } from './a.js';\nconsole.log(a);\n",
        "js/a.js": "export const a = 1;\n",
    })  # fmt: skip
    with serve(tmp_path) as c:
        first = re.search(r"v=([0-9a-f]{12})", c.get("/").text)[1]
        assert "const a = 1;" in c.get(f"/js/bundle.js?v={first}").text
        path = tmp_path / "js/a.js"
        before = path.stat().st_mtime_ns
        path.write_text("export const a = 22;\n")
        while path.stat().st_mtime_ns == before:  # a file system with coarse times
            path.write_text("export const a = 22;\n")
        second = re.search(r"v=([0-9a-f]{12})", c.get("/").text)[1]
        assert second != first
        reply = c.get(f"/js/bundle.js?v={second}")
        assert "const a = 22;" in reply.text and reply.headers["cache-control"] == CACHE_FOREVER
        # The old version's URL gets the current bundle, to be asked again next time.
        stale = c.get(f"/js/bundle.js?v={first}")
        assert "const a = 22;" in stale.text and stale.headers["cache-control"] == CACHE_CONTROL


def test_the_bundle_constants_name_real_paths():
    assert page_bundle.BUNDLE == "js/bundle.js"
    assert not (FRONTEND_DIR / page_bundle.BUNDLE).exists()  # made, not a file on disk


def test_the_page_walks_its_files_once_per_request(tmp_path, monkeypatch):
    """Its version and whether it loads the bundle both come from one walk of the folder."""
    from backend.api import asset_versions

    write(tmp_path, {
        "index.html": '<script type="module" src="js/main.js"></script>\n',
        "js/main.js": "import { a } from './a.js';\nconsole.log(a);\n",
        "js/a.js": "export const a = 1;\n",
    })  # fmt: skip
    walks = []
    real = asset_versions.snapshot
    monkeypatch.setattr(asset_versions, "snapshot", lambda *a: walks.append(a) or real(*a))
    with serve(tmp_path) as c:
        assert 'src="js/bundle.js?v=' in c.get("/").text
        assert len(walks) == 1
        assert 'src="js/bundle.js?v=' in c.get("/").text
        assert len(walks) == 2
