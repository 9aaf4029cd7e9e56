"""Downloads started from the page: one at a time, in a thread of their own.

The HTTP layer only starts a job and reads its progress, both in microseconds; the transfer,
the hash and the key/shape check run in a daemon thread that holds no request slot and never
touches the event loop, so other users are served as before. A second request for the model
being downloaded joins the running job; a request for another model is refused (409) until it
ends. When the job has installed `<model>.pt`, the server's WeightStore notices the new file at
the next request for that model (a stat), exactly as for a file installed from the command line.
"""

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from backend.errors import DownloadConflictError
from backend.i18n import bilingual
from backend.weights.download import (
    DownloadError,
    DownloadInterrupted,
    FreeSpace,
    fetch,
    free_bytes,
)
from backend.weights.install import InstallError, install_verified
from backend.weights.keyed import KeyedError, replaced
from backend.weights.sources import Source, source_for
from backend.zoo import ModelSpec

log = logging.getLogger(__name__)
RUNNING, DONE, FAILED = "running", "done", "failed"


@dataclass(frozen=True)
class DownloadStatus:
    model: str
    state: str  # running | done | failed
    bytes_done: int
    bytes_total: int | None  # None until the server has said
    size_label: str  # the published size as people read it, "528 MB"
    # for `failed`: what happened, nothing having been kept, in every language (backend.i18n)
    error: dict[str, str] | None = None
    started_at: float = 0.0  # time.time()
    finished_at: float | None = None

    @property
    def fraction(self) -> float | None:
        if not self.bytes_total:
            return None
        return min(1.0, self.bytes_done / self.bytes_total)


class DownloadManager:
    def __init__(
        self,
        weights_dir: Path,
        base_url: str,
        sources: Mapping[str, Source],
        *,
        is_trained: Callable[[str], bool],
        free_space: FreeSpace = free_bytes,
    ) -> None:
        self.weights_dir = weights_dir
        self.base_url = base_url
        self.sources = dict(sources)
        self._is_trained = is_trained
        self._free_space = free_space
        self._lock = threading.Lock()
        self._jobs: dict[str, DownloadStatus] = {}  # the latest job of each model
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self, spec: ModelSpec) -> DownloadStatus:
        """Starts downloading `spec`'s published weights, or joins the download under way."""
        source = source_for(self.sources, spec.name)
        with self._lock:
            running = self._running()
            if running is not None:
                if running.model == spec.name:
                    return running  # a second request joins the first
                raise DownloadConflictError(
                    bilingual(
                        "error.weights.busy",
                        running=running.model,
                        percent=_percent(running),
                        model=spec.name,
                    ),
                    downloading=running.model,
                )
            if self._is_trained(spec.name):
                raise DownloadConflictError(
                    bilingual("error.weights.already_trained", model=spec.name),
                    model=spec.name,
                )
            status = DownloadStatus(
                spec.name, RUNNING, 0, None, source.size_label, started_at=time.time()
            )
            self._jobs[spec.name] = status
            self._thread = threading.Thread(
                target=self._run, args=(spec, source), name=f"weights-{spec.name}", daemon=True
            )
            self._thread.start()
            return status

    def status(self, name: str) -> DownloadStatus | None:
        with self._lock:
            return self._jobs.get(name)

    def _running(self) -> DownloadStatus | None:
        return next((j for j in self._jobs.values() if j.state == RUNNING), None)

    def _update(self, name: str, **changes: object) -> None:
        with self._lock:
            self._jobs[name] = replace(self._jobs[name], **changes)  # type: ignore[arg-type]

    def _run(self, spec: ModelSpec, source: Source) -> None:
        def progress(done: int, total: int | None) -> None:
            self._update(spec.name, bytes_done=done, bytes_total=total)

        try:
            fetched = fetch(
                source,
                self.base_url,
                self.weights_dir,
                progress=progress,
                stop=self._stop,
                free_space=self._free_space,
            )
            record = {"url": fetched.url, "sha256": fetched.sha256, "bytes": fetched.size_bytes}
            install_verified(spec, fetched.path, self.weights_dir, record)
        except (DownloadError, InstallError, DownloadInterrupted, OSError) as exc:
            text = exc.text if isinstance(exc, KeyedError) else _os_error_text(exc)
            message = self._public(text)
            log.warning("weights: download of %s failed: %s", spec.name, message["en"])
            self._update(spec.name, state=FAILED, error=message, finished_at=time.time())
            return
        except Exception as exc:  # a bug: the server keeps serving, the log has the traceback
            log.exception("weights: download of %s failed unexpectedly", spec.name)
            message = bilingual("download.failed_unexpectedly", kind=type(exc).__name__)
            self._update(spec.name, state=FAILED, error=message, finished_at=time.time())
            return
        log.info("weights: installed %s from %s", spec.name, fetched.url)
        total = fetched.size_bytes
        self._update(
            spec.name, state=DONE, bytes_done=total, bytes_total=total, finished_at=time.time()
        )

    def _public(self, message: dict[str, str]) -> dict[str, str]:
        # The page is not the place for the server's folders.
        return replaced(message, str(self.weights_dir), "WEIGHTS_DIR")

    def close(self, timeout_s: float = 5.0) -> None:
        """Stops a running download (its partial file is kept for a later resume)."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)


def _os_error_text(exc: OSError) -> dict[str, str]:
    # Not one of download.py's or install.py's own errors: the OS's words, in a sentence.
    return bilingual("download.failed_os", error=exc)


def _percent(status: DownloadStatus) -> dict[str, str]:
    fraction = status.fraction
    if fraction is None:
        return bilingual("download.starting")
    return bilingual("download.progress", percent=f"{fraction:.0%}", size=status.size_label)
