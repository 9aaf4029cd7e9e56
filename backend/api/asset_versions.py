"""Versioned URLs for the page's files, so a browser may keep them without asking again.

The version is a digest of every page file's name, size and modification time: any edited,
added or removed file gives a new version. `index.html` (always revalidated) is served with
`?v=<version>` on its scripts, module preloads and stylesheets, and every module is served
with `?v=<version>` on its relative imports, so the whole module graph of one page load has
one version. A request whose `v` is the current version may be cached for good (its bytes can
only change together with the version); any other request is revalidated as before.
"""

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

VERSION_PARAM = "v"
VERSION_PATTERN = re.compile(r"[0-9a-f]{12}")

# index.html: <script src="js/…js">, <link href="js/…js"> (modulepreload), <link href="css/…css">.
PAGE_ASSET = re.compile(r"""((?:href|src)=")((?:js|css)/[^"?#]+\.(?:js|css))(")""")
# A module's static imports and re-exports of relative paths, as tests/test_static.py finds them.
MODULE_IMPORT = re.compile(
    r"""^(\s*(?:import|export)\s[^'";]*?from\s*|^\s*import\s*)(['"])(\.\.?/[^'"?#]+\.js)(\2)""",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Snapshot:
    """The version and the (size, mtime) of each file it was computed from."""

    version: str
    files: dict[str, tuple[int, int]]
    newest_mtime: float

    def covers(self, path: str, stat_result: os.stat_result) -> bool:
        """Whether `path` is, byte for byte, the file this version was computed from."""
        return self.files.get(path) == (stat_result.st_size, stat_result.st_mtime_ns)


def snapshot(directory: Path, private: tuple[str, ...] = ()) -> Snapshot:
    """Walks `directory` (skipping the top-level folders in `private`): ~60 stats for the page."""
    files: dict[str, tuple[int, int]] = {}
    newest = 0.0
    todo = [str(directory)]
    while todo:
        folder = todo.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if not (folder == str(directory) and entry.name in private):
                        todo.append(entry.path)
                elif entry.is_file():
                    st = entry.stat()
                    files[os.path.realpath(entry.path)] = (st.st_size, st.st_mtime_ns)
                    newest = max(newest, st.st_mtime)
    digest = hashlib.sha256()
    for path in sorted(files):
        size, mtime = files[path]
        digest.update(f"{os.path.relpath(path, directory)}\0{size}\0{mtime}\n".encode())
    return Snapshot(digest.hexdigest()[:12], files, newest)


def version_of(query_string: bytes) -> str | None:
    """`v` from a query string when it is shaped like a version, else None."""
    for part in query_string.decode("latin-1").split("&"):
        key, _, value = part.partition("=")
        if key == VERSION_PARAM and VERSION_PATTERN.fullmatch(value):
            return value
    return None


def versioned_page(html: str, version: str) -> str:
    return PAGE_ASSET.sub(rf"\g<1>\g<2>?{VERSION_PARAM}={version}\g<3>", html)


def versioned_module(source: str, version: str) -> str:
    return MODULE_IMPORT.sub(rf"\g<1>\g<2>\g<3>?{VERSION_PARAM}={version}\g<4>", source)
