"""python -m backend.weights: list, fetch, import and remove checkpoints in WEIGHTS_DIR.

    python -m backend.weights list                  # every model: trained?, source, size
    python -m backend.weights fetch vgg16 resnet18_imagenet     # or: fetch all
    python -m backend.weights import vgg16 ~/Downloads/vgg16-397923af.pth
    python -m backend.weights remove vgg16

Downloads come from WEIGHTS_BASE_URL (torchvision's server unless a mirror is set) and are
checked against the SHA-256 prefix in the published file name, then against the model's keys
and shapes, before they replace anything. A running server notices the change by itself.
Exit status: 0 when everything asked for was done, 1 otherwise, 2 for a usage mistake.
"""

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from tqdm import tqdm

from backend.config import Settings, get_settings
from backend.errors import ExplorerError
from backend.serving.weights import WeightStore
from backend.weights.download import (
    DownloadError,
    DownloadInterrupted,
    Fetched,
    FreeSpace,
    SourceUnreachableError,
    fetch,
    free_bytes,
    partial_path,
)
from backend.weights.install import (
    InstallError,
    checkpoint_path,
    import_file,
    install_verified,
    provenance,
    remove,
)
from backend.weights.sources import Source, load_manifest, source_for
from backend.zoo import all_specs, get_spec

Print = Callable[[str], None]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m backend.weights",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every model: trained or not, where from, size")
    fetch_cmd = commands.add_parser("fetch", help="download published ImageNet weights")
    fetch_cmd.add_argument("models", nargs="+", metavar="NAME", help="model names, or all")
    fetch_cmd.add_argument(
        "--force", action="store_true", help="replace a checkpoint already in WEIGHTS_DIR"
    )
    import_cmd = commands.add_parser("import", help="check a local state dict, then install it")
    import_cmd.add_argument("model", metavar="NAME")
    import_cmd.add_argument("file", type=Path, metavar="FILE")
    remove_cmd = commands.add_parser("remove", help="delete a model's checkpoint in WEIGHTS_DIR")
    remove_cmd.add_argument("model", metavar="NAME")
    return parser.parse_args(argv)


def main(
    argv: Sequence[str] | None = None,
    *,
    settings: Settings | None = None,
    free_space: FreeSpace = free_bytes,
    out: Print = print,
) -> int:
    args = parse_args(argv)
    settings = settings or get_settings()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        sources = load_manifest(settings.weights_manifest)
        if args.command == "list":
            return list_models(settings, sources, out)
        if args.command == "fetch":
            return fetch_models(args.models, args.force, settings, sources, free_space, out)
        if args.command == "import":
            spec = get_spec(args.model)
            path = import_file(spec, args.file, settings.weights_dir, free_space=free_space)
            out(f"{spec.name}: {args.file} fits; installed as {path}.")
            return 0
        removed = remove(get_spec(args.model).name, settings.weights_dir)
        if not removed:
            out(f"{args.model}: nothing to remove in {settings.weights_dir}.")
            return 1
        out(f"{args.model}: removed {', '.join(str(p) for p in removed)}.")
        return 0
    except (ExplorerError, InstallError, ValueError) as exc:
        out(f"error: {exc.detail if isinstance(exc, ExplorerError) else exc}")
        return 1


def list_models(settings: Settings, sources: dict[str, Source], out: Print) -> int:
    store = WeightStore(settings.weights_dir)
    found = store.scan(all_specs())
    rows = [("model", "weights", "from", "published")]
    for spec in all_specs():
        if not spec.is_classifier:
            continue
        checkpoint = found.get(spec.name)
        source = sources.get(spec.name)
        published = f"{source.file_name} ({source.size_label})" if source else "-"
        if checkpoint is None:
            rows.append((spec.name, "random", "-", published))
            continue
        record = provenance(checkpoint.path.parent, spec.name) or {}
        origin = (
            record.get("url")
            or (record.get("imported_from") and f"imported {record['imported_from']}")
            or (record.get("data_source") and f"trained here on {record['data_source']}")
            or str(checkpoint.path)
        )
        rows.append((spec.name, f"trained ({checkpoint.source})", str(origin), published))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        out("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
    out(f"\nWEIGHTS_DIR: {settings.weights_dir}   source: {settings.weights_base_url}")
    return 0


def fetch_models(
    names: list[str],
    force: bool,
    settings: Settings,
    sources: dict[str, Source],
    free_space: FreeSpace,
    out: Print,
) -> int:
    if "all" in names:
        names = list(sources)
    specs = [get_spec(name) for name in names]  # an unknown name stops before any download
    chosen = [source_for(sources, spec.name) for spec in specs]
    failures = 0
    for spec, source in zip(specs, chosen, strict=True):
        target = checkpoint_path(settings.weights_dir, spec.name)
        if target.exists() and not force:
            out(f"{spec.name}: {target} already exists; --force replaces it.")
            continue
        try:
            fetched = _fetch_with_bar(source, settings, free_space)
            record = {"url": fetched.url, "sha256": fetched.sha256, "bytes": fetched.size_bytes}
            path = install_verified(spec, fetched.path, settings.weights_dir, record)
        except SourceUnreachableError as exc:
            out(f"{spec.name}: {exc}")
            failures += 1
            continue
        except (DownloadError, InstallError) as exc:
            out(f"{spec.name}: {exc}")
            failures += 1
            continue
        except (DownloadInterrupted, KeyboardInterrupt):
            part = partial_path(settings.weights_dir, source)
            out(f"\n{spec.name}: interrupted; {part} is kept and the same command resumes it.")
            return 130
        resumed = f", resumed at {fetched.resumed_from:,} bytes" if fetched.resumed_from else ""
        out(f"{spec.name}: installed {path} (SHA-256 {fetched.sha256[:12]}…{resumed}).")
    return 1 if failures else 0


def _fetch_with_bar(source: Source, settings: Settings, free_space: FreeSpace) -> Fetched:
    with tqdm(
        total=source.size_bytes,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        desc=source.model,
        file=sys.stderr,
        disable=None,  # no bar when stderr is not a terminal (logs, CI)
    ) as bar:

        def progress(done: int, total: int | None) -> None:
            if total is not None and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        return fetch(
            source,
            settings.weights_base_url,
            settings.weights_dir,
            progress=progress,
            free_space=free_space,
        )


if __name__ == "__main__":
    sys.exit(main())
