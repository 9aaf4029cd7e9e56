"""Downloading one published state dict into WEIGHTS_DIR, safely.

The bytes stream into `<WEIGHTS_DIR>/.<file>.part` (a dot file the server never reads), after a
check that the disk has room for what is left to fetch. A connection lost mid-way is resumed
with an HTTP Range request (up to `RETRIES` times) from where it stopped; a server that ignores
Range sends the whole file again. The finished file must hash to the SHA-256 prefix in its
name; `install.py` then checks its keys and shapes and renames it to `<model>.pt` in one atomic
step, so the server never sees a half-written checkpoint. Any failure (a wrong hash, a short
transfer, an HTTP error, too little space, an unreachable server) removes the partial file:
nothing is left behind. Only an interruption by the user (Ctrl-C, or a server shutting down)
keeps it, so the next `fetch` resumes.

Only the standard library speaks HTTP here (urllib), so a mirror needs nothing but static files.
"""

import fcntl
import hashlib
import http.client
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from backend.i18n import bilingual
from backend.weights.keyed import KeyedError, same_in_every_language
from backend.weights.sources import MIB, Source

CHUNK_BYTES = 1024 * 1024
RETRIES = 3  # resumptions after a lost connection, within one fetch
SPACE_MARGIN_BYTES = 16 * MIB  # left free beyond the file itself
TIMEOUT_S = 30.0  # per connection attempt and per read
USER_AGENT = "cnn-explorer-weights/1"

Progress = Callable[[int, int | None], None]  # (bytes on disk, total bytes if known)
FreeSpace = Callable[[Path], int]  # folder -> bytes free


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


class DownloadError(KeyedError):
    """A download that failed; the message says what happened and what was left (nothing)."""


class SourceUnreachableError(DownloadError):
    """No connection to the source at all (offline, refused, DNS): the manual steps help."""


class DownloadInterrupted(KeyedError):
    """Stopped on request; the partial file is kept so the next fetch resumes."""


@dataclass(frozen=True)
class Fetched:
    path: Path  # the verified file, still the .part, ready for install.py
    url: str
    sha256: str
    size_bytes: int
    resumed_from: int  # bytes already on disk when this fetch started (0: from scratch)


def partial_path(weights_dir: Path, source: Source) -> Path:
    return weights_dir / f".{source.file_name}.part"


def manual_steps(source: Source, url: str) -> dict[str, str]:
    return bilingual(
        "download.manual_steps",
        url=url,
        size=source.size_label,
        model=source.model,
        file=source.file_name,
    )


def fetch(
    source: Source,
    base_url: str,
    weights_dir: Path,
    *,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    free_space: FreeSpace = free_bytes,
    timeout_s: float = TIMEOUT_S,
    retries: int = RETRIES,
) -> Fetched:
    """Downloads `source` into a verified partial file in `weights_dir` (see the module doc)."""
    url = source.url(base_url)
    try:
        weights_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(
            "download.cannot_make_folder", folder=weights_dir, reason=exc.strerror or exc
        ) from None
    part = partial_path(weights_dir, source)
    with _only_download_of(weights_dir / f".{source.file_name}.lock", url):
        resumed_from = part.stat().st_size if part.is_file() else 0
        return _fetch_into(part, source, url, resumed_from, progress, stop, free_space,
                           timeout_s, retries)  # fmt: skip


@contextmanager
def _only_download_of(lock_path: Path, url: str) -> Iterator[None]:
    """Holds an exclusive lock on `lock_path` (the command and the server, or two commands,
    must not append to the same partial file), and removes it afterwards."""
    try:
        handle = lock_path.open("a")
    except OSError as exc:
        raise DownloadError(
            "download.cannot_lock", folder=lock_path.parent, reason=exc.strerror
        ) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise DownloadError(
                "download.already_running", url=url, folder=lock_path.parent
            ) from None
        try:
            yield
        finally:
            lock_path.unlink(missing_ok=True)
    finally:
        handle.close()


def _fetch_into(
    part: Path,
    source: Source,
    url: str,
    resumed_from: int,
    progress: Progress | None,
    stop: threading.Event | None,
    free_space: FreeSpace,
    timeout_s: float,
    retries: int,
) -> Fetched:
    try:
        for attempt in range(retries + 1):
            try:
                total = _transfer(source, url, part, progress, stop, free_space, timeout_s)
                break
            except _Lost as lost:
                if attempt == retries:
                    raise DownloadError(
                        "download.stopped_repeatedly",
                        url=url,
                        have=f"{lost.have:,}",
                        total=_of(lost.total),
                        reason=lost.reason,
                        attempts=retries + 1,
                    ) from None
        digest = _sha256(part, stop)
        if not digest.startswith(source.sha256_prefix):
            raise DownloadError(
                "download.wrong_hash", url=url, digest=digest[:12], prefix=source.sha256_prefix
            )
        return Fetched(part, url, digest, total, resumed_from)
    except (DownloadInterrupted, KeyboardInterrupt):
        raise  # keep the partial file: the next fetch resumes from it
    except OSError as exc:  # writing or reading the partial file (a full disk, permissions)
        part.unlink(missing_ok=True)
        raise DownloadError(
            "download.cannot_write", folder=part.parent, reason=exc.strerror or exc
        ) from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise


class _Lost(Exception):
    """The connection broke mid-transfer; what is on disk is kept for a Range request."""

    def __init__(self, have: int, total: int | None, reason: dict[str, str]) -> None:
        super().__init__(reason["en"])
        self.have, self.total, self.reason = have, total, reason


def _of(total: int | None) -> dict[str, str]:
    if total is None:
        return bilingual("download.bytes_unknown")
    return bilingual("download.bytes", count=f"{total:,}")


def _transfer(
    source: Source,
    url: str,
    part: Path,
    progress: Progress | None,
    stop: threading.Event | None,
    free_space: FreeSpace,
    timeout_s: float,
) -> int:
    """One connection: asks for what is missing, appends it; returns the total size."""
    have = part.stat().st_size if part.is_file() else 0
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    if have:
        headers["Range"] = f"bytes={have}-"
    request = urllib.request.Request(url, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=timeout_s)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 416 and have:  # what is on disk is not a prefix the server knows
            part.unlink()
            raise _Lost(0, None, bilingual("download.lost.no_resume")) from None
        key = "download.http_not_found" if exc.code == 404 else "download.http_refused"
        raise DownloadError(key, url=url, code=exc.code, reason=exc.reason) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc or type(exc).__name__
        if have:  # the connection worked before: a glitch, resume
            raise _Lost(have, None, bilingual("download.lost.reconnect", reason=reason)) from None
        raise SourceUnreachableError(
            "download.unreachable", url=url, reason=reason, manual=manual_steps(source, url)
        ) from None
    with response:
        if response.status == 206:
            start, total = _content_range(response.headers.get("Content-Range"))
            if start != have:
                part.unlink()
                raise _Lost(
                    0, total, bilingual("download.lost.wrong_start", start=start, have=have)
                )
        else:  # 200: the whole file (a server without Range support starts over)
            have = 0
            total = _int_or_none(response.headers.get("Content-Length"))
        _check_size(source, url, total, part.parent, have, free_space)
        cap = _size_cap(source)
        with part.open("ab" if have else "wb") as out:
            while True:
                if stop is not None and stop.is_set():
                    raise DownloadInterrupted("download.interrupted", have=f"{have:,}")
                try:
                    chunk = response.read(CHUNK_BYTES)
                except (TimeoutError, http.client.HTTPException, OSError) as exc:
                    out.flush()
                    reason = same_in_every_language(type(exc).__name__)
                    raise _Lost(have, total, reason) from None
                if not chunk:
                    break
                out.write(chunk)
                have += len(chunk)
                if have > cap:
                    raise DownloadError(
                        "download.sent_too_much",
                        url=url,
                        cap=f"{cap:,}",
                        published=f"{source.size_bytes:,}",
                    )
                if progress is not None:
                    progress(have, total)
    if total is not None and have < total:
        raise _Lost(have, total, bilingual("download.lost.closed_early"))
    if total is None:
        total = have
    return total


def _content_range(value: str | None) -> tuple[int, int | None]:
    """`bytes 100-199/200` -> (100, 200); total None for `*`."""
    try:
        unit, spec = (value or "").split(" ", 1)
        span, total = spec.split("/", 1)
        start = int(span.split("-", 1)[0])
        assert unit == "bytes"
    except (ValueError, AssertionError):
        raise DownloadError("download.bad_content_range", value=repr(value)) from None
    return start, _int_or_none(total)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _size_cap(source: Source) -> int:
    # The published size is rounded (torchvision lists MiB to 3 decimals); a file much larger
    # than it is not the published one, and must not fill the disk.
    return int(source.size_bytes * 1.05) + MIB


def _check_size(
    source: Source,
    url: str,
    total: int | None,
    folder: Path,
    have: int,
    free_space: FreeSpace,
) -> None:
    if total is not None and total > _size_cap(source):
        raise DownloadError(
            "download.too_big", url=url, total=f"{total:,}", published=f"{source.size_bytes:,}"
        )
    needed = (total if total is not None else source.size_bytes) - have + SPACE_MARGIN_BYTES
    free = free_space(folder)
    if free < needed:
        raise DownloadError(
            "download.no_space",
            folder=folder,
            needed=f"{needed / MIB:,.0f}",
            free=f"{free / MIB:,.0f}",
        )


def _sha256(path: Path, stop: threading.Event | None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            if stop is not None and stop.is_set():
                raise DownloadInterrupted("download.interrupted_hashing")
            digest.update(chunk)
    return digest.hexdigest()
