"""Settings: the only reader of the environment. Every knob, with its default and a reason."""

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from backend.workloads import LaneLimits

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
    # Peak memory one image's decode may take, estimated from its header (decoder buffers,
    # EXIF rotation, conversion to L/RGB): a 1.9 KB one-colour 7000×7000 RGBA WebP needs
    # ~790 MiB in libwebp alone. Past it: 413 saying why and what size would fit.
    max_decode_bytes: Annotated[int, Field(ge=1 << 20)] = 256 * 1024 * 1024
    # All decodes running at once share this many bytes; one that does not fit waits up to
    # decode_wait_s for others to finish, then gets 503 with Retry-After.
    decode_memory_bytes: Annotated[int, Field(ge=1 << 20)] = 768 * 1024 * 1024
    decode_wait_s: Annotated[float, Field(ge=0)] = 5.0
    # A prediction whose image needs more than this to decode (header estimate; a 12 MP JPEG
    # at reduced scale ~3 MiB, a 3000×3000 RGBA PNG ~50 MiB) runs in a lane of its own
    # ("large_images"), so seconds-long decodes never hold the slots small images use.
    large_image_bytes: Annotated[int, Field(ge=0)] = 32 * 1024 * 1024
    # Models kept in memory for predictions: while their weights fit in model_memory_bytes
    # (VGG16 alone: 0.55 GB, AlexNet 0.25 GB) and they are at most max_loaded_models; least
    # recently used dropped first. Shipped trained models (SimpleCNN) stay and count in neither.
    model_memory_bytes: Annotated[int, Field(ge=1 << 20)] = 1536 * 1024 * 1024
    max_loaded_models: Annotated[int, Field(ge=1)] = 4
    # Predictions in progress at once (decoding, waiting for their forward pass or in it); up to
    # inference_queue_limit more wait, and beyond that the answer is 503 instead of an
    # unbounded queue.
    inference_concurrency: Annotated[int, Field(ge=1)] = 16
    inference_queue_limit: Annotated[int, Field(ge=0)] = 32
    # torch threads per forward, and ONNX Runtime's intra-op threads (0: their defaults, all
    # the cores). With inference_forwards=1, a lone request uses every core and under load the
    # forwards take turns, each with every core, their requests batched (below).
    torch_threads: Annotated[int, Field(ge=0)] = 0
    # Forward passes of predictions running at once (0: no bound but inference_concurrency).
    inference_forwards: Annotated[int, Field(ge=0)] = 1
    # Micro-batching (serving/batching.py): predictions of the same model, input size and
    # weights that meet while a forward runs share the next one, up to inference_batch_max
    # images (1: every request its own forward). The forward that starts waits up to
    # inference_batch_window_ms for requests of its model still being decoded, never when
    # there are none: a lone request goes at once. In the full make bench of 2026-12-02 (load
    # 2), batches of up to 8 with a 2 ms window matched or beat the old one-thread-per-forward
    # policy at 16 clients (ResNet-18 1.00x, VGG16 1.10x) with a lone request on every core
    # (11.3 vs 17.1 ms, 162 vs 254 ms); one forward at a time without batching measured 0.79x
    # and 0.91x (bench/RESULTS.md, "Thread policies and micro-batching").
    inference_batch_max: Annotated[int, Field(ge=1)] = 8
    inference_batch_window_ms: Annotated[float, Field(ge=0, le=1000)] = 2.0
    # Models whose weights and inputs run in NHWC (torch.channels_last), comma-separated: only
    # where it measured faster here (bench/RESULTS.md, 1 thread: AlexNet and VGG16 ~0.75-0.85×
    # the time, ResNet-18 no gain; SimpleCNN's view() cannot take it and would stay as it is).
    channels_last_models: Annotated[list[str], NoDecode] = ["alexnet", "vgg16"]
    # Models loaded and run once on a blank input at start-up, comma-separated (e.g.
    # "simplecnn,resnet18"), so their first request pays neither the load nor the first
    # forward's kernel set-up. Empty by default: start-up stays short and memory low.
    warm_models: Annotated[list[str], NoDecode] = []
    # ONNX exports run in a worker process (backend/exports/). An export whose file would pass
    # max_export_bytes (~4 bytes per parameter; protobuf caps one file at 2 GB anyway) is
    # refused with 422 before any work: VGG19 at 1000 classes is 0.58 GB, with 100,000 2.2 GB.
    max_export_bytes: Annotated[int, Field(ge=1 << 20)] = 1 << 30
    # The worker's address space (RLIMIT_AS; torch alone reserves ~3.3 GB of it, VGG16's
    # export peaks at 6.5 GB): past it the export fails inside the worker with 503.
    export_memory_bytes: Annotated[int, Field(ge=0)] = 10 << 30
    # Where exported files are written (a fresh folder under it; system temp by default) and
    # how many bytes of them are kept for the next request of the same file.
    export_dir: Path | None = None
    export_disk_bytes: Annotated[int, Field(ge=0)] = 2 << 30
    export_timeout_s: Annotated[float, Field(gt=0)] = 300.0
    # A client that reads nothing of a streamed file for this long is dropped (its socket
    # closed), so a reader that never reads holds a file handle, not the file in memory.
    send_timeout_s: Annotated[float, Field(gt=0)] = 30.0
    # The server process (python -m backend.server, what `make run` and Docker start): a request
    # head must be complete this many seconds after its first byte and be at most this long,
    # else the connection is closed (slowloris); uvicorn answers 503 itself past max_connections
    # connections and requests at once, and closes keep-alive connections idle for keep_alive_s.
    header_timeout_s: Annotated[float, Field(gt=0)] = 10.0
    max_request_head_bytes: Annotated[int, Field(ge=1024)] = 64 * 1024
    max_connections: Annotated[int, Field(ge=1)] = 2048
    keep_alive_s: Annotated[int, Field(ge=1)] = 5
    # Heavy work by kind (backend/workloads.py), JSON: {"kind": {"concurrency": n,
    # "queue_limit": m, "retry_after_s": s}}. Known kinds: analysis (uncached summaries,
    # receptive fields, compare, custom specs; default 1 running, 16 waiting), gradients (1, 8),
    # inspection (feature maps, Grad-CAM; 1, 8), large_images (1, 4), bodies (JSON, data URLs;
    # 2, 32), exports (1, 2); any other kind asked for gets 1 running, 4 waiting.
    # Predictions keep INFERENCE_CONCURRENCY and INFERENCE_QUEUE_LIMIT.
    workload_limits: dict[str, LaneLimits] = {}
    # The engine of a prediction's forward pass: "eager" (PyTorch) or "onnxruntime", for every
    # model, optionally followed by per-model choices: "onnxruntime,alexnet=eager". ONNX
    # Runtime measured 0.5-0.95x eager's time here at one thread (bench/RESULTS.md); its session
    # is built in the background after a model's first request, which eager answers.
    inference_engine: str = "onnxruntime"
    # Files made once and reused by later starts: the seeded random weights of untrained zoo
    # models (memory-mapped when loaded) and the ONNX Runtime engine's exported graphs
    # (onnx/, one per model and input size). Empty: none kept.
    cache_dir: Path | None = PROJECT_ROOT / ".cache"
    # Static files of the page: gzip-compressed on the wire (when the browser accepts it) and
    # revalidated with ETag / Last-Modified (304 when unchanged).
    compress_static: bool = True
    # index.html names its scripts and stylesheets, and modules their imports, with ?v=<digest
    # of the page's files>; those URLs are cached for a year (immutable), so a return visit
    # revalidates index.html only. Any edited file gives every URL a new version.
    version_static: bool = True
    # index.html loads every module of the page as one script, js/bundle.js, made from the
    # modules when the page is asked for (backend/api/page_bundle.py): one request instead of
    # ~60 on a first visit. False: the modules one by one, as they are on disk.
    bundle_static: bool = True

    @field_validator("cache_dir", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("inference_engine")
    @classmethod
    def _engines_are_known(cls, value: str) -> str:
        parse_engines(value)  # raises ValueError with the offending item
        return value.strip()

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


ENGINE_NAMES = ("eager", "onnxruntime")


def parse_engines(value: str) -> tuple[str, dict[str, str]]:
    """ "onnxruntime,alexnet=eager" -> ("onnxruntime", {"alexnet": "eager"}): the default engine
    (eager when only per-model choices are given) and the per-model ones."""
    default = "eager"
    per_model: dict[str, str] = {}
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        name, _, engine = item.rpartition("=")
        engine = engine.strip().lower()
        if engine not in ENGINE_NAMES:
            raise ValueError(
                f"INFERENCE_ENGINE: {item!r} names no engine; use eager or onnxruntime, for all "
                "models or per model (vgg16=onnxruntime)"
            )
        if name.strip():
            per_model[name.strip()] = engine
        else:
            default = engine
    return default, per_model


@cache
def get_settings() -> Settings:
    return Settings()
