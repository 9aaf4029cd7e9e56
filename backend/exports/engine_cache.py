"""The serving engine's ONNX files kept across restarts (under CACHE_DIR/onnx).

Without it every start exported each model's graph again in the worker (VGG16: ~15 s and
~3 GB) although nothing it depends on had changed. A file's name says all it depends on: the
model, the input shape, the weights file (its path and version: a replaced checkpoint or
re-made random weights file is a new export), the torch, onnx and onnxscript versions that
wrote the graph, and `FORMAT`, bumped whenever the export code (backend/exports/onnx.py,
worker.py) changes what it writes. The names hash all but the model and shape, so that the
older files of one model and shape can be found and removed when a new one is written.

Files are written by the worker as a temporary name and renamed into place (whole or absent);
one that ONNX Runtime cannot load is deleted by the engine (serving/engines.py) and exported
again.
"""

import hashlib
import logging
from importlib import metadata
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the export code changes the graph it writes for the same inputs
_EXPORTER_PACKAGES = ("torch", "onnx", "onnxscript")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


class EngineOnnxCache:
    """Where the engine's dynamic-batch ONNX files live, one per (model, input shape)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.exporters = tuple((p, _version(p)) for p in _EXPORTER_PACKAGES)

    @staticmethod
    def _prefix(name: str, input_shape: tuple[int, int, int, int]) -> str:
        _, c, h, w = input_shape
        return f"{name}_{c}x{h}x{w}"

    def path(
        self,
        name: str,
        input_shape: tuple[int, int, int, int],
        weights: Path,
        version: tuple[int, ...],
    ) -> Path:
        """The file of `name` at `input_shape` (batch axis dynamic) from `weights`."""
        described = repr(
            (FORMAT, name, input_shape[1:], str(weights.resolve()), version, self.exporters)
        )
        digest = hashlib.sha256(described.encode()).hexdigest()[:16]
        return self.directory / f"{self._prefix(name, input_shape)}-{digest}.onnx"

    def remove_older(self, kept: Path) -> list[Path]:
        """Removes the other files of `kept`'s model and input shape (older weights or
        exporters): one file per model and shape stays. Returns what was removed."""
        prefix = kept.name.rsplit("-", 1)[0]
        removed = []
        for path in self.directory.glob("*.onnx"):
            if path != kept and path.name.rsplit("-", 1)[0] == prefix:
                try:
                    path.unlink()
                except FileNotFoundError:  # another server on the same CACHE_DIR removed it
                    continue
                except OSError as exc:
                    log.warning("exports: cannot remove the old engine file %s (%s)", path, exc)
                    continue
                removed.append(path)
        return removed

    def remove_partials(self, kept: Path) -> None:
        """Removes what a failed export of `kept` left (the worker's `<name>.part-<pid>`, when
        it was killed for time or memory mid-write): nothing at shutdown removes this folder."""
        for path in self.directory.glob(f"{kept.name}.part-*"):
            path.unlink(missing_ok=True)
