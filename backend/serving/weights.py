"""Checkpoints: which model has trained weights, where they come from, and loading them safely.

A checkpoint is a state dict saved with `torch.save(model.state_dict(), path)`. Two places are
looked in, the user's first: `<WEIGHTS_DIR>/<name>.pt`, then the repository's shipped
`backend/weights/<name>.pt`. Files are opened with `torch.load(weights_only=True)` (no pickled
code runs) and, at start-up, memory-mapped and compared key by key and shape by shape with an
instance built on the `meta` device, so `/models` can say `trained` truthfully without reading
hundreds of megabytes. A file that does not fit is logged and skipped; the server keeps serving.
torchvision's ImageNet `vgg16` state dict fits the zoo's `vgg16` as is (same module names).

Checkpoints added, replaced or removed while the server runs (`python -m backend.weights`, a
download from the page, a copy by hand) are noticed at the next question about that model: each
`is_trained`/`checkpoint` call stats the model's two candidate paths (microseconds) and, when
what it sees differs from the last validation, validates again exactly as at start-up.
"""

import logging
import os
import threading
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor

from backend.zoo import ModelSpec

log = logging.getLogger(__name__)

SHIPPED_WEIGHTS_DIR = Path(__file__).resolve().parent.parent / "weights"
# Wrappers training scripts commonly save around the state dict itself.
_WRAPPER_KEYS = ("state_dict", "model_state_dict", "model")


class CheckpointError(Exception):
    """A checkpoint that cannot be read or does not fit its model; the message says why."""


@dataclass(frozen=True)
class Checkpoint:
    model: str
    path: Path
    source: str  # "user" (WEIGHTS_DIR), "shipped" (backend/weights) or "run" (a training run)
    stamp: tuple[int, int, int] = (0, 0, 0)  # inode, size, mtime (ns) when it was validated


Stamp = tuple[tuple[int, int, int] | None, ...]  # per candidate path: its stat, or None


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def read_state_dict(path: Path, map_location: str | torch.device = "cpu") -> dict[str, Tensor]:
    """The tensors of a checkpoint file, memory-mapped when the file format allows it."""
    # mmap needs the zip format (torch ≥ 1.6); older files such as torchvision's 2017
    # vgg16-397923af.pth are plain pickles, read whole.
    is_zip = zipfile.is_zipfile(path)
    if not is_zip:
        with path.open("rb") as f:
            if f.read(1) != b"\x80":  # every pickle torch writes starts with PROTO
                raise CheckpointError("is not a PyTorch checkpoint (neither a zip nor a pickle)")
    try:
        loaded = torch.load(path, map_location=map_location, weights_only=True, mmap=is_zip)
    except Exception as exc:  # unpickling refusals, truncated zips...
        raise CheckpointError(
            "cannot be read as a state dict with torch.load(weights_only=True) "
            f"({type(exc).__name__}: {_essential(str(exc))})"
        ) from exc
    return _unwrap(loaded)


def _essential(message: str) -> str:
    """The line of a torch.load error that names the problem (its first lines are advice)."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    for line in lines:
        if "WeightsUnpickler error:" in line:
            return line.split("WeightsUnpickler error:", 1)[1].split(". Please")[0].strip()
    return (lines[0] if lines else "no message")[:200]


def _unwrap(loaded: object) -> dict[str, Tensor]:
    if isinstance(loaded, Mapping):
        for key in _WRAPPER_KEYS:
            inner = loaded.get(key)
            if isinstance(inner, Mapping) and inner and all(isinstance(k, str) for k in inner):
                loaded = inner
                break
    if not isinstance(loaded, Mapping) or not loaded:
        raise CheckpointError(
            f"holds a {type(loaded).__name__}, not a state dict "
            "(save one with torch.save(model.state_dict(), path))"
        )
    state = dict(loaded)
    if all(k.startswith("module.") for k in state):  # saved from nn.DataParallel
        state = {k.removeprefix("module."): v for k, v in state.items()}
    not_tensors = [k for k, v in state.items() if not isinstance(v, Tensor)]
    if not_tensors:
        raise CheckpointError(f"has entries that are not tensors: {', '.join(not_tensors[:3])}")
    return state


def expected_shapes(spec: ModelSpec) -> dict[str, torch.Size]:
    """Every state-dict key of the model and its shape, from an instance on the meta device."""
    with torch.device("meta"):
        model = spec.build()
    return {k: v.shape for k, v in model.state_dict().items()}


def mismatch(expected: Mapping[str, torch.Size], state: Mapping[str, Tensor]) -> str | None:
    """One sentence on how `state` differs from `expected`, or None when it fits exactly."""
    problems = []
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    if missing:
        problems.append(f"{len(missing)} missing key(s), e.g. {', '.join(missing[:3])}")
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected key(s), e.g. {', '.join(unexpected[:3])}")
    for key, shape in expected.items():
        if key in state and state[key].shape != shape:
            problems.append(
                f"{key} is {list(state[key].shape)} in the file but {list(shape)} in the model"
            )
            break
    return "; ".join(problems) or None


class WeightStore:
    """Knows, per model name, the checkpoint that fits (if any). Thread-safe."""

    def __init__(self, user_dir: Path, shipped_dir: Path = SHIPPED_WEIGHTS_DIR) -> None:
        self.user_dir = user_dir
        self.shipped_dir = shipped_dir
        self._found: dict[str, Checkpoint] = {}
        self._specs: dict[str, ModelSpec] = {}  # the classifiers of the last scan
        self._stamps: dict[str, Stamp] = {}  # what the last validation of each model saw
        self._lock = threading.Lock()
        self._validate_lock = threading.Lock()  # one validation at a time (reads file headers)
        # Checkpoints made at run time (a finished training run's), looked up after the scan.
        self._lookups: list[Callable[[str], Checkpoint | None]] = []

    def add_lookup(self, lookup: Callable[[str], Checkpoint | None]) -> None:
        """`lookup(name)` answers the checkpoint of a name the start-up scan did not know (the
        training lab's `run-<id>` models) or None; consulted on every question about it."""
        self._lookups.append(lookup)

    def _looked_up(self, name: str) -> Checkpoint | None:
        for lookup in self._lookups:
            found = lookup(name)
            if found is not None:
                return found
        return None

    def scan(self, specs: Iterable[ModelSpec]) -> dict[str, Checkpoint]:
        """Validates the candidate checkpoints of every classifier; returns those that fit."""
        classifiers = [s for s in specs if s.is_classifier]
        found: dict[str, Checkpoint] = {}
        stamps: dict[str, Stamp] = {}
        for spec in classifiers:
            stamps[spec.name] = self._stamp(spec.name)
            checkpoint = self._first_fitting(spec)
            if checkpoint is not None:
                found[spec.name] = checkpoint
        untrained = [s.name for s in classifiers if s.name not in found]
        if untrained:
            log.info("weights: random weights (trained: false) for %s", ", ".join(untrained))
        self._report_strays({s.name for s in classifiers})
        with self._lock:
            self._found = found
            self._specs = {s.name: s for s in classifiers}
            self._stamps = stamps
        return dict(found)

    def _paths(self, name: str) -> list[tuple[Path, str]]:
        return [
            (self.user_dir / f"{name}.pt", "user"),
            (self.shipped_dir / f"{name}.pt", "shipped"),
        ]

    def _stamp(self, name: str) -> Stamp:
        return tuple(_stat(path) for path, _ in self._paths(name))

    def _candidates(self, name: str) -> list[Checkpoint]:
        candidates = []
        for path, source in self._paths(name):
            stat = _stat(path)
            if stat is not None and path.is_file():
                candidates.append(Checkpoint(name, path, source, stat))
        return candidates

    def refresh(self, name: str) -> None:
        """Validates `name` again if its files changed since the last look (a cheap stat)."""
        with self._lock:
            spec = self._specs.get(name)
            seen = self._stamps.get(name)
        if spec is None or self._stamp(name) == seen:
            return
        with self._validate_lock:
            stamp = self._stamp(name)
            with self._lock:
                if stamp == self._stamps.get(name):
                    return  # another thread validated it while this one waited
                before = self._found.get(name)
            log.info("weights: the checkpoint files of %s changed; checking them again", name)
            checkpoint = self._first_fitting(spec)
            with self._lock:
                self._stamps[name] = stamp
                if checkpoint is None:
                    self._found.pop(name, None)
                else:
                    self._found[name] = checkpoint
        if before is not None and checkpoint is None:
            log.warning(
                "weights: %s no longer has a checkpoint that fits; %s now runs with random "
                "weights (trained: false).",
                name,
                name,
            )

    def _first_fitting(self, spec: ModelSpec) -> Checkpoint | None:
        candidates = self._candidates(spec.name)
        if not candidates:
            return None
        shapes = expected_shapes(spec)
        for i, checkpoint in enumerate(candidates):
            try:
                problem = mismatch(shapes, read_state_dict(checkpoint.path))
            except CheckpointError as exc:
                problem = str(exc)
            if problem is None:
                log.info("weights: %s <- %s (%s)", spec.name, checkpoint.path, checkpoint.source)
                return checkpoint
            fallback = (
                f"trying {candidates[i + 1].path}"
                if i + 1 < len(candidates)
                else f"{spec.name} runs with random weights (trained: false)"
            )
            log.warning(
                "weights: %s does not fit %s: %s; %s.",
                checkpoint.path,
                spec.name,
                problem,
                fallback,
            )
        return None

    def _report_strays(self, names: set[str]) -> None:
        if not self.user_dir.is_dir():
            return
        for path in sorted(self.user_dir.iterdir()):
            looks_like_checkpoint = path.suffix in (".pt", ".pth", ".ckpt", ".bin")
            if looks_like_checkpoint and not (path.suffix == ".pt" and path.stem in names):
                log.warning(
                    "weights: ignoring %s: checkpoints are named <model>.pt, model one of %s",
                    path,
                    ", ".join(sorted(names)),
                )

    def is_trained(self, name: str) -> bool:
        return self.checkpoint(name) is not None

    def checkpoint(self, name: str) -> Checkpoint | None:
        self.refresh(name)
        with self._lock:
            found = self._found.get(name)
        return found if found is not None else self._looked_up(name)

    def forget(self, name: str, reason: str) -> None:
        """A checkpoint that failed to load after the scan (changed on disk, say)."""
        with self._lock:
            checkpoint = self._found.pop(name, None)
        if checkpoint is not None:
            log.warning(
                "weights: %s could not be loaded into %s: %s; %s now runs with random weights "
                "(trained: false).",
                checkpoint.path,
                name,
                reason,
                name,
            )
