"""The page's files: gzip on the wire, versioned URLs cached for good, the rest revalidated.

Starlette's StaticFiles answers `If-None-Match` / `If-Modified-Since` with 304 from the file's
ETag and Last-Modified. This adds:

- for text files (HTML, JS, CSS, SVG, JSON) and a browser that accepts gzip, the compressed
  bytes (made once per file version and kept: the page is ~60 small files, ~0.4 MB) with their
  own ETag; text files are answered from memory, without the thread hops of a file read (on
  HTTP/1.1 a browser fetches six at a time, so each file's time on the server adds up);
- with `versioned` on, `?v=<version>` URLs (asset_versions.py): index.html names its scripts
  and stylesheets that way, and modules their imports; a request for the current version is
  `Cache-Control: max-age=<a year>, immutable`, so a return visit asks only for index.html;
- `Cache-Control: no-cache` on everything else (index.html, unversioned or stale URLs), so a
  browser checks those once per load (a 304 costs no body) and never runs a stale module;
- with `bundle` on, index.html loads `js/bundle.js`, every module of the page in one script
  (page_bundle.py), instead of ~60 modules; the modules are still served one by one (node
  tests, an open page of an older version, `BUNDLE_STATIC=false`).

Brotli would save a little more but has no pure-Python wheel.
"""

import gzip
import hashlib
import logging
import os
import stat
import threading
from collections import OrderedDict
from email.utils import formatdate
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, PathLike, StaticFiles
from starlette.types import Scope

from backend.api import asset_versions, page_bundle
from backend.api.asset_versions import Snapshot
from backend.api.page_bundle import Bundle, BundleError

log = logging.getLogger(__name__)

COMPRESSIBLE = (".html", ".js", ".mjs", ".css", ".svg", ".json", ".txt", ".map")
VERSIONED = (".html", ".js")  # the files whose text names other files by versioned URL
MIN_COMPRESSED_BYTES = 512  # below this the gzip header and a round trip outweigh the saving
MAX_IN_MEMORY_BYTES = 1 << 20  # larger files are streamed from disk
CACHE_CONTROL = "no-cache"  # may be stored, must be revalidated (a 304) before each use
CACHE_FOREVER = "public, max-age=31536000, immutable"  # a versioned URL's bytes never change

# (path, mtime_ns, size, version or "", gzip, bundled page) -> (body, etag)
BodyKey = tuple[str, int, int, str, bool, bool]
BUNDLE_FILES = {
    page_bundle.BUNDLE: "text/javascript; charset=utf-8",
    page_bundle.SOURCE_MAP: "application/json",
}


class PageFiles(StaticFiles):
    PRIVATE: tuple[str, ...] = ()  # top-level folders that are not the page's (not versioned)

    def __init__(
        self,
        *args: object,
        compress: bool = True,
        versioned: bool = False,
        bundle: bool = False,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.compress = compress
        self.versioned = versioned
        self.bundle = bundle
        self._bundle: tuple[str, Bundle | None] | None = None  # (version, bundle or failed)
        self._bodies: OrderedDict[BodyKey, tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    async def get_response(self, path: str, scope: Scope) -> Response:
        # A regular file is one stat away: done here rather than on a worker thread, which on a
        # busy machine costs more than the stat. Anything else takes StaticFiles' own way.
        if scope["method"] in ("GET", "HEAD"):
            if self.bundle and path in BUNDLE_FILES:
                response = self.bundle_response(path, scope)
                if response is not None:
                    return response
            try:
                full_path, stat_result = self.lookup_path(path)
            except (OSError, ValueError):
                full_path, stat_result = "", None
            if stat_result is not None and stat.S_ISREG(stat_result.st_mode):
                return self.file_response(full_path, stat_result, scope)
        return await super().get_response(path, scope)

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        request_headers = Headers(scope=scope)
        name = str(full_path)
        in_memory = (
            status_code == 200
            and name.lower().endswith(COMPRESSIBLE)
            and stat_result.st_size <= MAX_IN_MEMORY_BYTES
        )
        if not in_memory:
            plain = FileResponse(full_path, status_code=status_code, stat_result=stat_result)
            plain.headers["cache-control"] = CACHE_CONTROL
            if self.is_not_modified(plain.headers, request_headers):
                return NotModifiedResponse(plain.headers)
            return plain

        version, cache_control, last_modified = "", CACHE_CONTROL, stat_result.st_mtime
        page = name.lower().endswith(".html")
        # The page's files as they are now: walked once per request for the page (its version
        # and whether it loads the bundle both follow from it).
        current = self._current(name, stat_result, scope) if page else None
        if self.versioned and name.lower().endswith(VERSIONED):
            current = current or self._current(name, stat_result, scope)
            asked = asset_versions.version_of(scope.get("query_string", b""))
            # The page always names the current version. A module asked for by any version gets
            # the current one in its imports (an old page still open moves to the current files;
            # and no client can make the server keep a rewritten copy per made-up version).
            version = current.version if asked or name.lower().endswith(".html") else ""
            if name.lower().endswith(".html"):
                last_modified = max(last_modified, current.newest_mtime)
            elif asked == current.version:
                cache_control = CACHE_FOREVER
        elif self.versioned and asset_versions.version_of(scope.get("query_string", b"")):
            current = self._current(name, stat_result, scope)
            if current.covers(name, stat_result):
                cache_control = CACHE_FOREVER  # a stylesheet of the current version

        gzipped = self._should_compress(stat_result, request_headers)
        bundled = page and current is not None and self._bundled(current)
        body, etag = self._body(name, stat_result, version, gzipped, bundled)
        plain = FileResponse(full_path, stat_result=stat_result)  # its media type, Last-Modified
        headers = {
            "etag": etag,
            "last-modified": plain.headers["last-modified"],
            "cache-control": cache_control,
        }
        if last_modified != stat_result.st_mtime:  # the page: its newest file's time
            headers["last-modified"] = formatdate(last_modified, usegmt=True)
        if self.compress:
            headers["vary"] = "Accept-Encoding"
        if gzipped:
            headers["content-encoding"] = "gzip"
        response = Response(body, headers=headers, media_type=plain.media_type)
        if self.is_not_modified(response.headers, request_headers):
            return NotModifiedResponse(response.headers)
        return response

    def _current(self, name: str, stat_result: os.stat_result, scope: Scope) -> Snapshot:
        """The version of the files now. The page itself, or a file that is not as last seen,
        walks the folder again (~60 stats); a module of the last seen version does not."""
        known = self._snapshot
        if known is None or name.endswith(".html") or not known.covers(name, stat_result):
            known = self._walk()
        return known

    def _should_compress(self, stat_result: os.stat_result, headers: Headers) -> bool:
        accepts = "gzip" in headers.get("accept-encoding", "").lower()
        return self.compress and accepts and stat_result.st_size >= MIN_COMPRESSED_BYTES

    def _body(
        self,
        path: str,
        stat_result: os.stat_result,
        version: str,
        gzipped: bool,
        bundled: bool = False,
    ) -> tuple[bytes, str]:
        """The bytes to send (rewritten for `version` and the bundle, gzipped) and their ETag,
        made once."""
        key = (path, stat_result.st_mtime_ns, stat_result.st_size, version, gzipped, bundled)
        with self._lock:
            hit = self._bodies.get(key)
        if hit is not None:
            return hit
        with open(path, "rb") as f:
            data = f.read()
        if bundled:
            data = page_bundle.bundled_page(data.decode("utf-8")).encode("utf-8")
        if version:
            text = data.decode("utf-8")
            if path.lower().endswith(".html"):
                text = asset_versions.versioned_page(text, version)
            else:
                text = asset_versions.versioned_module(text, version)
            data = text.encode("utf-8")
        # Starlette's own ETag for the file, marked with what was done to its bytes.
        tag = hashlib.md5(
            f"{stat_result.st_mtime}-{stat_result.st_size}".encode(), usedforsecurity=False
        ).hexdigest()
        marks = f"{f'-{version}' if version else ''}{'-bundle' if bundled else ''}"
        etag = f'"{tag}{marks}{"-gzip" if gzipped else ""}"'
        if gzipped:
            data = gzip.compress(data, compresslevel=9, mtime=0)  # same bytes every time
        with self._lock:
            self._bodies[key] = (data, etag)
            while len(self._bodies) > 512:  # old versions of edited files
                self._bodies.popitem(last=False)
        return data, etag

    def bundle_response(self, path: str, scope: Scope) -> Response | None:
        """`js/bundle.js` or its source map for the page's files as they are now; None when
        they cannot be bundled (the page then loads its modules one by one)."""
        current = self._walk()
        bundle = self._built(current)
        if bundle is None:
            return None
        request_headers = Headers(scope=scope)
        text = bundle.script if path == page_bundle.BUNDLE else bundle.source_map
        asked = asset_versions.version_of(scope.get("query_string", b""))
        forever = self.versioned and asked == current.version
        gzipped = self.compress and "gzip" in request_headers.get("accept-encoding", "").lower()
        body, etag = self._bundle_body(path, current.version, text, gzipped)
        headers = {
            "etag": etag,
            "last-modified": formatdate(current.newest_mtime, usegmt=True),
            "cache-control": CACHE_FOREVER if forever else CACHE_CONTROL,
        }
        if self.compress:
            headers["vary"] = "Accept-Encoding"
        if gzipped:
            headers["content-encoding"] = "gzip"
        response = Response(body, headers=headers, media_type=BUNDLE_FILES[path])
        if self.is_not_modified(response.headers, request_headers):
            return NotModifiedResponse(response.headers)
        return response

    def _bundled(self, current: Snapshot) -> bool:
        """Whether index.html loads the bundle: bundling is on and the files bundle."""
        return self.bundle and self._built(current) is not None

    def _walk(self) -> Snapshot:
        known = asset_versions.snapshot(Path(str(self.directory)).resolve(), self.PRIVATE)
        self._snapshot = known
        return known

    def _built(self, current: Snapshot) -> Bundle | None:
        """The bundle of the files at `current`'s version, made once per version."""
        with self._lock:
            known = self._bundle
        if known is not None and known[0] == current.version:
            return known[1]
        bundle: Bundle | None
        try:
            bundle = page_bundle.build(Path(str(self.directory)).resolve())
        except BundleError as exc:
            log.warning("static: the page's modules are served one by one: %s", exc)
            bundle = None
        with self._lock:
            self._bundle = (current.version, bundle)
        return bundle

    def _bundle_body(self, path: str, version: str, text: str, gzipped: bool) -> tuple[bytes, str]:
        key = (path, 0, len(text), version, gzipped, True)
        with self._lock:
            hit = self._bodies.get(key)
        if hit is not None:
            return hit
        data = text.encode("utf-8")
        if gzipped:
            data = gzip.compress(data, compresslevel=9, mtime=0)
        name = "bundle" if path == page_bundle.BUNDLE else "bundle-map"
        made = (data, f'"{name}-{version}{"-gzip" if gzipped else ""}"')
        with self._lock:
            self._bodies[key] = made
        return made
