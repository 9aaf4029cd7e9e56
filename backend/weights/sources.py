"""Where published weights come from: per model, torchvision's file name and its size.

torchvision names each file after the first hex digits of its SHA-256 (`vgg16-397923af.pth`),
so the name alone says what the download must hash to. The files are fetched from
`WEIGHTS_BASE_URL` (torchvision's own server by default, or a mirror holding the same names).
`WEIGHTS_MANIFEST` may name a JSON file that adds or replaces entries, e.g. a mirror's own
files: `{"vgg16": {"file": "vgg16-397923af.pth", "bytes": 553433881}}`.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from backend.errors import NoPublishedWeightsError

TORCHVISION_BASE_URL = "https://download.pytorch.org/models/"
MIB = 1024 * 1024
_HASH_PREFIX = re.compile(r"-([0-9a-f]{6,64})\.[A-Za-z0-9]+$")
_SAFE_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


@dataclass(frozen=True)
class Source:
    """One published state dict: the file to fetch and what it must look like."""

    model: str
    file_name: str  # torchvision's name, `<stem>-<sha256 prefix>.pth`
    size_bytes: int  # as published (torchvision lists MiB to 3 decimals): for display and space
    torchvision_weights: str | None = None  # e.g. "VGG16_Weights.IMAGENET1K_V1" (tests check)

    @property
    def sha256_prefix(self) -> str:
        match = _HASH_PREFIX.search(self.file_name)
        assert match is not None  # checked when the source is made
        return match.group(1)

    @property
    def size_label(self) -> str:
        """The size as a person reads it: '528 MB' (MiB, as torchvision and browsers count)."""
        return f"{self.size_bytes / MIB:.0f} MB"

    def url(self, base_url: str) -> str:
        return base_url.rstrip("/") + "/" + quote(self.file_name)


def _source(model: str, file_name: str, size_bytes: int, weights: str | None = None) -> Source:
    if not _SAFE_FILE_NAME.fullmatch(file_name) or not _HASH_PREFIX.search(file_name):
        raise ValueError(
            f"{model}: {file_name!r} is not a file name ending in -<SHA-256 prefix>.<ext> "
            "(as torchvision's vgg16-397923af.pth)"
        )
    if size_bytes <= 0:
        raise ValueError(f"{model}: the size of {file_name} must be positive")
    return Source(model, file_name, size_bytes, weights)


# torchvision 0.29's IMAGENET1K_V1 weights (their `url` and `_file_size` in MiB);
# tests/test_weights_sources.py checks these against torchvision's weight enums.
_PUBLISHED_MIB = {
    "vgg11": ("vgg11-8a719046.pth", 506.84, "VGG11_Weights"),
    "vgg13": ("vgg13-19584684.pth", 507.545, "VGG13_Weights"),
    "vgg16": ("vgg16-397923af.pth", 527.796, "VGG16_Weights"),
    "vgg19": ("vgg19-dcbb9e9d.pth", 548.051, "VGG19_Weights"),
    "alexnet_torchvision": ("alexnet-owt-7be5be79.pth", 233.087, "AlexNet_Weights"),
    "resnet18_imagenet": ("resnet18-f37072fd.pth", 44.661, "ResNet18_Weights"),
}
PUBLISHED: dict[str, Source] = {
    model: _source(model, name, round(mib * MIB), f"{enum}.IMAGENET1K_V1")
    for model, (name, mib, enum) in _PUBLISHED_MIB.items()
}


def load_manifest(path: Path | None) -> dict[str, Source]:
    """The published sources, with the entries of a manifest file (if any) added or replaced."""
    sources = dict(PUBLISHED)
    if path is None:
        return sources
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"WEIGHTS_MANIFEST {path} cannot be read as JSON: {exc}") from exc
    if not isinstance(entries, Mapping):
        raise ValueError(f"WEIGHTS_MANIFEST {path} must be a JSON object of model -> entry")
    for model, entry in entries.items():
        if not isinstance(entry, Mapping) or not isinstance(entry.get("file"), str):
            raise ValueError(f"WEIGHTS_MANIFEST {path}: {model} needs a 'file' name")
        size = entry.get("bytes")
        if not isinstance(size, int) or isinstance(size, bool):
            raise ValueError(f"WEIGHTS_MANIFEST {path}: {model} needs 'bytes' (an integer)")
        sources[model] = _source(model, entry["file"], size)
    return sources


def source_for(sources: Mapping[str, Source], model: str) -> Source:
    """The source of `model`, or an error that says which models have one."""
    try:
        return sources[model]
    except KeyError:
        raise NoPublishedWeightsError(model, sorted(sources)) from None
