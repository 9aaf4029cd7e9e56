"""Installing and removing checkpoints in WEIGHTS_DIR, where the server looks for them.

A file is installed only after it has been read with `torch.load(weights_only=True)` and its
keys and shapes compared with the model's (the same check the server makes at start-up), and
only by an atomic rename inside WEIGHTS_DIR: the running server, which notices a changed
checkpoint at its next request for that model, never sees half a file. Beside `<model>.pt` a
`<model>.json` records where it came from (the URL and SHA-256, or the imported file's name).
"""

import json
import os
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from backend.serving.weights import CheckpointError, expected_shapes, mismatch, read_state_dict
from backend.weights.download import SPACE_MARGIN_BYTES, FreeSpace, free_bytes
from backend.weights.keyed import KeyedError
from backend.weights.sources import MIB
from backend.zoo import ModelSpec


class InstallError(KeyedError):
    """A file that cannot be installed; the message names the first problem."""


def checkpoint_path(weights_dir: Path, model: str) -> Path:
    return weights_dir / f"{model}.pt"


def provenance_path(weights_dir: Path, model: str) -> Path:
    return weights_dir / f"{model}.json"


def check_fits(spec: ModelSpec, path: Path) -> None:
    """Raises InstallError unless `path` is a state dict of `spec`'s keys and shapes."""
    try:
        state = read_state_dict(path)
    except CheckpointError as exc:
        raise InstallError("install.unreadable", path=path, problem=exc) from None
    problem = mismatch(expected_shapes(spec), state)
    if problem is not None:
        raise InstallError("install.does_not_fit", path=path, model=spec.name, problem=problem)


def install_verified(
    spec: ModelSpec, part: Path, weights_dir: Path, provenance: Mapping[str, Any]
) -> Path:
    """Moves a downloaded file (already in `weights_dir`) into place once it fits; removes it
    when it does not."""
    try:
        check_fits(spec, part)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return _commit(spec.name, part, weights_dir, provenance)


def import_file(
    spec: ModelSpec, source: Path, weights_dir: Path, *, free_space: FreeSpace = free_bytes
) -> Path:
    """Checks a local file against the model, then copies it into `weights_dir`."""
    if not source.is_file():
        raise InstallError("install.not_a_file", path=source)
    check_fits(spec, source)
    weights_dir.mkdir(parents=True, exist_ok=True)
    size = source.stat().st_size
    if free_space(weights_dir) < size + SPACE_MARGIN_BYTES:
        raise InstallError("install.no_space", folder=weights_dir, size=f"{size / MIB:,.0f}")
    temporary = weights_dir / f".{spec.name}.pt.importing"
    try:
        shutil.copyfile(source, temporary)
        provenance = {"imported_from": source.name, "bytes": size}
        return _commit(spec.name, temporary, weights_dir, provenance)
    finally:
        temporary.unlink(missing_ok=True)


def _commit(model: str, file: Path, weights_dir: Path, provenance: Mapping[str, Any]) -> Path:
    target = checkpoint_path(weights_dir, model)
    record = {
        "model": model,
        **provenance,
        "installed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    sidecar = provenance_path(weights_dir, model)
    sidecar_tmp = sidecar.with_name(f".{sidecar.name}.tmp")
    sidecar_tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    with file.open("rb") as f:
        os.fsync(f.fileno())  # the bytes reach the disk before the name points at them
    os.replace(file, target)
    os.replace(sidecar_tmp, sidecar)
    return target


def remove(model: str, weights_dir: Path) -> list[Path]:
    """Deletes `<model>.pt` and its record from `weights_dir`; returns what was removed."""
    removed = []
    for path in (checkpoint_path(weights_dir, model), provenance_path(weights_dir, model)):
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed


def provenance(weights_dir: Path, model: str) -> dict[str, Any] | None:
    try:
        record = json.loads(provenance_path(weights_dir, model).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None
