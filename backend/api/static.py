"""The page's files: gzip on the wire, revalidated with validators.

Starlette's StaticFiles already answers `If-None-Match` / `If-Modified-Since` with 304 from the
file's ETag and Last-Modified. This adds, for text files (HTML, JS, CSS, SVG, JSON) and a
browser that accepts gzip, the compressed bytes (made once per file version and kept: the
page is ~40 small files, ~0.3 MB) with their own ETag, and `Cache-Control: no-cache` on every
file, so that a browser checks each file once per load (a 304 costs no body) and never runs a
stale module after an update. Brotli would save a little more but has no pure-Python wheel.
"""

import gzip
import os
import threading
from collections import OrderedDict

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, PathLike, StaticFiles
from starlette.types import Scope

COMPRESSIBLE = (".html", ".js", ".mjs", ".css", ".svg", ".json", ".txt", ".map")
MIN_COMPRESSED_BYTES = 512  # below this the gzip header and a round trip outweigh the saving
CACHE_CONTROL = "no-cache"  # may be stored, must be revalidated (a 304) before each use


class PageFiles(StaticFiles):
    def __init__(self, *args: object, compress: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.compress = compress
        self._gzipped: OrderedDict[tuple[str, int, int], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        request_headers = Headers(scope=scope)
        plain = FileResponse(full_path, status_code=status_code, stat_result=stat_result)
        plain.headers["cache-control"] = CACHE_CONTROL
        if not self._should_compress(full_path, stat_result, request_headers, status_code):
            if self.compress:
                plain.headers["vary"] = "Accept-Encoding"
            if self.is_not_modified(plain.headers, request_headers):
                return NotModifiedResponse(plain.headers)
            return plain
        headers = {
            "etag": plain.headers["etag"].removesuffix('"') + '-gzip"',
            "last-modified": plain.headers["last-modified"],
            "cache-control": CACHE_CONTROL,
            "vary": "Accept-Encoding",
            "content-encoding": "gzip",
        }
        response = Response(
            self._gzip(str(full_path), stat_result),
            status_code=status_code,
            headers=headers,
            media_type=plain.media_type,
        )
        if self.is_not_modified(response.headers, request_headers):
            return NotModifiedResponse(response.headers)
        return response

    def _should_compress(
        self, path: PathLike, stat_result: os.stat_result, headers: Headers, status: int
    ) -> bool:
        accepts = "gzip" in headers.get("accept-encoding", "").lower()
        return (
            self.compress
            and accepts
            and status == 200
            and str(path).lower().endswith(COMPRESSIBLE)
            and stat_result.st_size >= MIN_COMPRESSED_BYTES
        )

    def _gzip(self, path: str, stat_result: os.stat_result) -> bytes:
        key = (path, stat_result.st_mtime_ns, stat_result.st_size)  # a changed file: new bytes
        with self._lock:
            hit = self._gzipped.get(key)
        if hit is not None:
            return hit
        with open(path, "rb") as f:
            data = gzip.compress(f.read(), compresslevel=9, mtime=0)  # same bytes every time
        with self._lock:
            self._gzipped[key] = data
            while len(self._gzipped) > 256:  # old versions of edited files
                self._gzipped.popitem(last=False)
        return data
