"""Settings: the only reader of the environment. Every knob, with its default and a reason."""

import os
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    # Where models run: "auto" (CUDA when available), "cpu", "cuda" or "cuda:N".
    device: str = "auto"
    # User checkpoints, <WEIGHTS_DIR>/<model>.pt (state dicts): the only place they load from,
    # and where `python -m backend.weights` (and the page, if allowed) installs published ones.
    weights_dir: Path = PROJECT_ROOT / "checkpoints"
    # Where published weights are fetched from: torchvision's server, or a mirror holding the
    # same file names (universities and companies run them).
    weights_base_url: str = "https://download.pytorch.org/models/"
    # A JSON file adding or replacing published sources: {"vgg16": {"file": "vgg16-397923af.pth",
    # "bytes": 553433881}} (a mirror's own files; the tests' loopback mirror).
    weights_manifest: Path | None = None
    # Whether the page may start a download on the server (hundreds of MB into WEIGHTS_DIR).
    # Off by default: a server shared by a class should not fill its disk on a student's click;
    # `make run` (one person on their own machine) turns it on.
    allow_weight_downloads: bool = False
    # Caps that keep any single request cheap (summaries run on the meta device, so the cap on
    # size is about the length of the answer and the valid-range search, not memory).
    max_input_size: Annotated[int, Field(ge=8)] = 4096  # px, each side
    max_batch_size: Annotated[int, Field(ge=1)] = 1024
    max_num_classes: Annotated[int, Field(ge=2)] = 100_000
    summary_cache_size: Annotated[int, Field(ge=0)] = 256  # parameter sets kept
    # Summarise one model at start so the first request skips torchinfo's one-off meta warm-up.
    warm_summaries: bool = True
    log_level: str = "info"
    # Origins allowed to call the API from other sites (CORS); empty: same origin only.
    cors_origins: list[str] = []
    # A request that has not started answering by then gets 504 (inference, exports...).
    request_timeout_s: Annotated[float, Field(gt=0)] = 60.0
    # Predictions. Largest request body, bytes (a multipart file, a raw image, or JSON with a
    # data URL, whose base64 makes the file at most ~3/4 of this). Counted while reading, so a
    # bigger body is refused (413) without being buffered.
    max_upload_bytes: Annotated[int, Field(ge=1024)] = 16 * 1024 * 1024
    # Largest image, width × height as its header declares (checked before any decoding).
    # Capped at Pillow's own decompression-bomb threshold, so Pillow never has to warn.
    max_image_pixels: Annotated[int, Field(ge=1, le=89_478_485)] = 50_000_000
    # Models kept in memory at once, least recently used dropped first (VGG16 alone: 0.55 GB).
    max_loaded_models: Annotated[int, Field(ge=1)] = 2
    # Predictions computed at once (default: one per CPU core); up to inference_queue_limit more
    # wait, and beyond that the answer is 503 instead of an unbounded queue.
    inference_concurrency: int = Field(default_factory=lambda: len(os.sched_getaffinity(0)), ge=1)
    inference_queue_limit: Annotated[int, Field(ge=0)] = 32
    # torch threads per forward (0: PyTorch's default). One thread per forward with one forward
    # per core measured +27 % requests/s and -36 % p99 here (8 clients, ResNet18; facts.md).
    torch_threads: Annotated[int, Field(ge=0)] = 1
    # Models whose weights and inputs run in NHWC (torch.channels_last), comma-separated: only
    # where it measured faster here (bench/RESULTS.md, 1 thread: AlexNet and VGG16 ~0.75-0.85×
    # the time, ResNet-18 no gain; SimpleCNN's view() cannot take it and would stay as it is).
    channels_last_models: Annotated[list[str], NoDecode] = ["alexnet", "vgg16"]
    # Models loaded and run once on a blank input at start-up, comma-separated (e.g.
    # "simplecnn,resnet18"), so their first request pays neither the load nor the first
    # forward's kernel set-up. Empty by default: start-up stays short and memory low.
    warm_models: Annotated[list[str], NoDecode] = []
    # Training lab (backend/lab). Runs (settings, curves, events, weights) live in RUNS_DIR;
    # data sets other than the offline MNIST sample are read from DATA_DIR, never downloaded
    # by the server.
    runs_dir: Path = PROJECT_ROOT / "runs"
    data_dir: Path = PROJECT_ROOT / "data"
    # Runs training at once, each in its own process (so its torch threads and its Python
    # never slow the server's predictions down: bench/RESULTS.md), and runs allowed to wait.
    training_concurrency: Annotated[int, Field(ge=1)] = 1
    training_queue_limit: Annotated[int, Field(ge=0)] = 4
    # torch threads of a training process; 1 leaves the other cores to predictions.
    training_threads: Annotated[int, Field(ge=1)] = 1
    # "process": each run in a child process (the default, bench/RESULTS.md); "thread": in a
    # thread of the server's own process (no start-up cost, shares the GIL with requests).
    training_isolation: Literal["process", "thread"] = "process"
    # Caps on one run: epochs, training images per epoch, and the time estimated from the
    # first measured batches (a run estimated to take longer is stopped, with the estimate).
    training_max_epochs: Annotated[int, Field(ge=1)] = 50
    training_max_images: Annotated[int, Field(ge=1)] = 60_000
    training_max_seconds: Annotated[float, Field(gt=0)] = 1800.0
    # Runs kept; beyond it, starting a run asks for finished ones to be deleted first.
    training_max_runs: Annotated[int, Field(ge=1)] = 200
    # Custom networks (POST /architectures and the names it gives): what one may be. Every zoo
    # network fits (VGG19: 143.7 M parameters, 19.6 G mult-adds); a request over a limit is
    # refused (422) before anything is built, so none can hold a core or fill the memory.
    arch_max_layers: Annotated[int, Field(ge=1, le=1000)] = 64  # entries of one list (cfg...)
    arch_max_blocks: Annotated[int, Field(ge=1, le=1000)] = 16  # BasicBlocks in one stage
    arch_max_width: Annotated[int, Field(ge=1)] = 4096  # channels or features of a layer
    arch_max_classes: Annotated[int, Field(ge=2)] = 10_000
    arch_max_input_size: Annotated[int, Field(ge=8)] = 512  # px, the square input side
    arch_max_params: Annotated[int, Field(ge=1)] = 150_000_000
    arch_max_mult_adds: Annotated[int, Field(ge=1)] = 25_000_000_000

    @field_validator("channels_last_models", "warm_models", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [name.strip() for name in value.split(",") if name.strip()]
        return value

    @field_validator("weights_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        v = value.strip()
        if not v.lower().startswith(("http://", "https://")):
            raise ValueError("WEIGHTS_BASE_URL must be an http:// or https:// URL")
        return v if v.endswith("/") else v + "/"

    @field_validator("device")
    @classmethod
    def _device_is_known(cls, value: str) -> str:
        v = value.strip().lower()
        if v in ("auto", "cpu", "cuda") or (v.startswith("cuda:") and v[5:].isdigit()):
            return v
        raise ValueError("DEVICE must be auto, cpu, cuda or cuda:N")


@cache
def get_settings() -> Settings:
    return Settings()
