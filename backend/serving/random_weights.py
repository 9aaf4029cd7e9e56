"""Seeded random weights on disk: made once per zoo model (seed 0), saved under CACHE_DIR and
memory-mapped by later builds instead of initialising again.

A file is loaded into a module built on the `meta` device with `assign=True`: no random
initialisation of its parameters and no copy; the tensors are the file's pages, read from the
page cache as the first forward touches them. Models that run in NHWC (`CHANNELS_LAST_MODELS`)
have their file saved in that layout, after their forward was checked in it (or contiguous
when the check failed), so that later builds need neither the conversion nor the check.
"""

import contextlib
import hashlib
import logging
import os
import threading
from collections.abc import Collection
from pathlib import Path

import torch
from torch import nn

from backend.zoo import ModelSpec

log = logging.getLogger(__name__)
RANDOM_INIT_SEED = 0  # untrained models get the same random weights on every start


class RandomWeightFiles:
    """The files of a directory, one per (model, torch version, seed, layout)."""

    def __init__(self, directory: Path, channels_last: Collection[str] = ()) -> None:
        self.directory = directory
        self.channels_last = frozenset(channels_last)
        self._digests: dict[str, str] = {}  # zoo name -> the digest in its file's name

    def path(self, spec: ModelSpec) -> Path:
        """The file of `spec`'s seeded random weights, named after what they depend on: the
        model's keys and shapes, the seed and torch's version (its initialisers may change),
        and the layout its weights are kept in (NHWC for the `channels_last` models)."""
        digest = self._digests.get(spec.name)
        if digest is None:  # a meta build per call cost 10–30 ms of each first request
            with torch.device("meta"):
                state = spec.build().state_dict()
            described = repr(
                (
                    torch.__version__,
                    RANDOM_INIT_SEED,
                    [(k, tuple(v.shape), str(v.dtype)) for k, v in state.items()],
                )
            )
            digest = hashlib.sha256(described.encode()).hexdigest()[:16]
            self._digests[spec.name] = digest
        # The layout is part of the name: servers with other CHANNELS_LAST_MODELS share none.
        layout = "-nhwc" if spec.name in self.channels_last else ""
        return self.directory / f"{spec.name}-seed{RANDOM_INIT_SEED}-{digest}{layout}.pt"

    def load(self, spec: ModelSpec) -> nn.Module | None:
        """The model with the file's tensors, memory-mapped; None without a usable file."""
        path = self.path(spec)
        if not path.is_file():
            return None
        try:
            state = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
            with torch.device("meta"):
                module = spec.build()  # no random init: every tensor comes from the file
            module.load_state_dict(state, strict=True, assign=True)  # mapped, not copied
        except Exception as exc:  # a truncated or foreign file: made again and replaced
            log.warning("runtime: cannot use %s (%s); initialising %s again", path,
                        type(exc).__name__, spec.name)  # fmt: skip
            return None
        return module

    def save(self, spec: ModelSpec, module: nn.Module) -> None:
        """Saves `module`'s state dict, strides included (torch.save keeps NHWC as it is)."""
        path = self.path(spec)
        partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            torch.save(module.state_dict(), partial)
            os.replace(partial, path)  # whole or absent: another process never reads half
        # A full or read-only disk costs the next start its speed only (torch.save reports
        # some write failures as RuntimeError).
        except (OSError, RuntimeError) as exc:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            log.warning("runtime: cannot save the random weights of %s to %s (%s)", spec.name,
                        path, exc)  # fmt: skip


def in_channels_last(module: nn.Module) -> bool:
    """Whether the 4-D weights (convolutions) are NHWC: the layout the module runs in."""
    kernels = [p for p in module.parameters() if p.dim() == 4]
    return any(not p.is_contiguous() for p in kernels) and all(
        p.is_contiguous(memory_format=torch.channels_last) for p in kernels
    )
