"""A download from the page that fails says why in the reader's language: `GET /weights/{name}`
answers the job's `error` in Korean under `Accept-Language: ko`, in English otherwise (the
loopback mirror of test_api_weights.py: a wrong hash, a transfer cut short, a 404, a refused
connection), and the download job keeps every language of the message (jobs.py)."""

import hashlib
import re
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backend.config import Settings
from backend.errors import DownloadConflictError
from backend.i18n import bilingual
from backend.main import create_app
from backend.weights import jobs
from backend.weights.jobs import FAILED, DownloadManager
from backend.weights.sources import load_manifest
from backend.zoo import get_spec
from tests.weights_mirror import Mirror, refused_url, running_mirror, write_manifest

HANGUL = re.compile(r"[\uac00-\ud7a3]")
DATA = bytes(range(256)) * 1024  # 256 KiB: any bytes will do, every test fails before install
KO = {"Accept-Language": "ko"}


def failed_download(tmp_path: Path, base_url: str, file: str) -> tuple[dict, dict, Settings]:
    """Starts a download of resnet18 from `base_url` and waits for it to fail; returns its
    `download` read without Accept-Language and with `ko`, and the server's settings."""
    settings = Settings(
        weights_dir=tmp_path / "checkpoints",
        weights_base_url=base_url,
        weights_manifest=write_manifest(
            tmp_path / "manifest.json", {"resnet18": (file, len(DATA))}
        ),
        allow_weight_downloads=True,
        warm_summaries=False,
    )
    with TestClient(create_app(settings)) as client:
        assert client.post("/weights/resnet18/download").status_code == 202
        deadline = time.monotonic() + 60
        while client.get("/weights/resnet18").json()["download"]["state"] == "running":
            assert time.monotonic() < deadline, "the download did not end"
            time.sleep(0.05)
        english = client.get("/weights/resnet18")
        korean = client.get("/weights/resnet18", headers=KO)
        listed = client.get("/weights", headers=KO).json()["models"]
    assert english.headers["content-language"] == "en"
    assert korean.headers["content-language"] == "ko"
    assert "Accept-Language" in korean.headers["vary"]
    # GET /weights answers in the same language as GET /weights/{name}
    assert next(m for m in listed if m["model"] == "resnet18") == korean.json()
    en, ko = english.json()["download"], korean.json()["download"]
    assert en["state"] == ko["state"] == "failed"
    assert not HANGUL.search(en["error"]), en["error"]
    assert HANGUL.search(ko["error"]), ko["error"]
    assert list(settings.weights_dir.iterdir()) == []  # nothing kept, in either language
    return en, ko, settings


@pytest.fixture
def mirror() -> Mirror:
    with running_mirror() as m:
        yield m


def test_a_wrong_hash_is_told_in_korean_or_english(tmp_path, mirror):
    file = mirror.serve("resnet18-00000000.pth", DATA)
    en, ko, _ = failed_download(tmp_path, mirror.url, file)
    digest = hashlib.sha256(DATA).hexdigest()[:12]
    assert en["error"] == (
        f"the file from {mirror.url}{file} has SHA-256 {digest}…, but its name says it must "
        "start with 00000000: it is damaged or not the published file, and was removed."
    )
    assert ko["error"] == (
        f"{mirror.url}{file}에서 받은 파일의 SHA-256은 {digest}…이지만, 파일 이름에 적힌 "
        "앞부분은 00000000입니다. 손상되었거나 공개된 파일이 아니므로 지웠습니다."
    )


def test_a_transfer_cut_short_every_time_is_told_in_korean_or_english(tmp_path, mirror):
    file = mirror.serve(f"resnet18-{hashlib.sha256(DATA).hexdigest()[:8]}.pth", DATA)
    mirror.cut[file] = 100  # every request hangs up half-way
    en, ko, _ = failed_download(tmp_path, mirror.url, file)
    have = 0
    for _ in range(4):  # the first try and three resumptions, each getting half of the rest
        have += (len(DATA) - have) // 2
    assert len(mirror.requests) == 4
    assert en["error"] == (
        f"the transfer from {mirror.url}{file} stopped at {have:,} of {len(DATA):,} bytes "
        "(the connection closed early), 4 times; the partial file was removed. Try again "
        "later or use a mirror (WEIGHTS_BASE_URL)."
    )
    assert ko["error"] == (
        f"{mirror.url}{file}에서 받던 전송이 {len(DATA):,}바이트 중 {have:,}바이트에서 "
        "멈췄습니다(연결이 일찍 끊겼습니다). 4번 모두 그랬으므로 받다 만 파일은 지웠습니다. "
        "나중에 다시 시도하거나 미러(WEIGHTS_BASE_URL)를 쓰세요."
    )


def test_a_missing_file_is_told_in_korean_or_english(tmp_path, mirror):
    en, ko, _ = failed_download(tmp_path, mirror.url, "resnet18-12345678.pth")
    url = f"{mirror.url}resnet18-12345678.pth"
    assert en["error"] == (
        f"{url} answered HTTP 404 Not Found: the file is not there; check WEIGHTS_BASE_URL; "
        "nothing was kept."
    )
    assert ko["error"] == (
        f"{url} 주소의 답: HTTP 404 Not Found. 그 파일이 없으니 WEIGHTS_BASE_URL을 확인하세요. "
        "남긴 파일은 없습니다."
    )


def test_a_refused_connection_is_told_in_korean_or_english_with_the_manual_steps(tmp_path):
    base = refused_url()
    en, ko, _ = failed_download(tmp_path, base, "resnet18-12345678.pth")
    url = f"{base}resnet18-12345678.pth"
    assert en["error"].startswith(f"cannot reach {url} (")
    assert "Connection refused" in en["error"]
    assert en["error"].endswith(
        f"To install it by hand, download {url} (0 MB) on a machine that can reach it, then "
        "run: python -m backend.weights import resnet18 resnet18-12345678.pth"
    )
    assert ko["error"].startswith(f"{url} 주소에 연결할 수 없습니다(")
    assert "Connection refused" in ko["error"]  # the operating system's own words
    assert ko["error"].endswith(
        f"직접 설치하려면 {url} 파일(0 MB)을 그 주소에 닿는 컴퓨터에서 내려받은 뒤 다음 "
        "명령을 실행하세요: python -m backend.weights import resnet18 resnet18-12345678.pth"
    )


def job_that_fails_with(tmp_path: Path, monkeypatch, error: BaseException) -> dict[str, str]:
    """Runs a DownloadManager job whose fetch raises `error`; returns the job's `error`."""

    def failing_fetch(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(jobs, "fetch", failing_fetch)
    manifest = write_manifest(
        tmp_path / "manifest.json", {"resnet18": ("resnet18-12345678.pth", 10)}
    )
    manager = DownloadManager(
        tmp_path / "checkpoints",
        "http://127.0.0.1:9/",
        load_manifest(manifest),
        is_trained=lambda _name: False,
    )
    manager.start(get_spec("resnet18"))
    manager.close(timeout_s=30)
    status = manager.status("resnet18")
    assert status is not None and status.state == FAILED and status.finished_at is not None
    assert status.error is not None and set(status.error) == {"en", "ko"}
    return status.error


def test_an_unexpected_failure_is_told_in_both_languages(tmp_path, monkeypatch):
    error = job_that_fails_with(tmp_path, monkeypatch, ZeroDivisionError("a bug"))
    assert error == {
        "en": "the download failed unexpectedly (ZeroDivisionError); see the log.",
        "ko": "내려받기가 예상하지 못한 오류(ZeroDivisionError)로 실패했습니다. 서버 로그를 "
        "확인하세요.",
    }


def test_an_os_error_is_told_in_both_languages_without_the_servers_folder(tmp_path, monkeypatch):
    folder = tmp_path / "checkpoints"
    error = job_that_fails_with(
        tmp_path, monkeypatch, PermissionError(13, "Permission denied", str(folder / "x.pt"))
    )
    assert error == bilingual(
        "download.failed_os", error="[Errno 13] Permission denied: 'WEIGHTS_DIR/x.pt'"
    )
    assert error["ko"] == (
        "내려받은 가중치를 설치하지 못했습니다: [Errno 13] Permission denied: 'WEIGHTS_DIR/x.pt'"
    )
    assert str(folder) not in error["en"] + error["ko"]


def test_a_second_download_is_refused_with_the_first_ones_progress_in_korean(tmp_path, monkeypatch):
    release = threading.Event()

    def waiting_fetch(*args: object, progress, **kwargs: object) -> None:
        progress(264_000_000, 528_000_000)
        release.wait(30)
        raise ZeroDivisionError("ended by the test")

    monkeypatch.setattr(jobs, "fetch", waiting_fetch)
    entries = {
        "vgg16": ("vgg16-397923af.pth", 528_000_000),
        "resnet18": ("resnet18-12345678.pth", 10),
    }
    manager = DownloadManager(
        tmp_path / "checkpoints",
        "http://127.0.0.1:9/",
        load_manifest(write_manifest(tmp_path / "manifest.json", entries)),
        is_trained=lambda _name: False,
    )
    try:
        manager.start(get_spec("vgg16"))
        deadline = time.monotonic() + 30
        while manager.status("vgg16").bytes_done == 0:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        with pytest.raises(DownloadConflictError) as refused:
            manager.start(get_spec("resnet18"))
    finally:
        release.set()
        manager.close(timeout_s=30)
    label = manager.status("vgg16").size_label
    assert refused.value.texts["en"].startswith(
        f"vgg16's weights are downloading (50% of {label});"
    )
    assert refused.value.texts["ko"].startswith(
        f"vgg16 가중치를 내려받는 중입니다({label} 중 50%)."
    )
