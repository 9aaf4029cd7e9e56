"""In-process A/B measurements behind the serving choices, each pair alternated round by round
so that drifting load on a shared machine hits both sides alike:

- reduced-size JPEG decoding (Pillow's `draft`) of a 12-megapixel photo;
- `channels_last` against the default memory layout, per model, at the server's thread count;
- micro-batching: images per second of batch-4 forwards against batch-1 forwards, with as many
  worker threads as the server runs predictions at once.
"""

import threading
import time
from collections.abc import Callable

import torch

from backend.config import Settings
from backend.serving.images import ImageLimits, decode_image
from backend.serving.preprocess import draft_size_for
from backend.zoo import get_spec
from backend.zoo.datasets import DATASETS
from bench.images import test_jpegs
from bench.stats import median, table


def alternate(a: Callable[[], float], b: Callable[[], float], rounds: int) -> tuple[list, list]:
    """`rounds` results of a() and b(), interleaved a, b, b, a, a, b... (ABBA: neither side
    always goes first)."""
    xs, ys = [], []
    for i in range(rounds):
        if i % 2 == 0:
            xs.append(a())
            ys.append(b())
        else:
            ys.append(b())
            xs.append(a())
    return xs, ys


def ms_of(fn: Callable[[], object], n: int) -> float:
    """Median ms of `n` calls after one untimed call."""
    fn()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1e3)
    return median(out)


def draft_decoding(settings: Settings, rounds: int) -> tuple[str, dict]:
    limits = ImageLimits(settings.max_upload_bytes, settings.max_image_pixels)
    rows, data = [], {}
    for image_name, jpeg in test_jpegs().items():
        for dataset in ("imagenet", "cifar10"):
            side = draft_size_for(DATASETS[dataset])
            full, drafted = alternate(
                lambda jpeg=jpeg: ms_of(lambda: decode_image(jpeg, limits), 2),
                lambda jpeg=jpeg, side=side: ms_of(
                    lambda: decode_image(jpeg, limits, draft_size=side), 2
                ),
                rounds,
            )
            size = decode_image(jpeg, limits, draft_size=side).size
            rows.append(
                (
                    image_name,
                    f"{dataset} (draft ≥ {side} px)",
                    median(full),
                    median(drafted),
                    median(full) / median(drafted),
                    f"{size[0]}×{size[1]}",
                )
            )
            data[f"{image_name}/{dataset}"] = {"full_ms": full, "draft_ms": drafted}
    text = table(
        ["image", "models of", "full decode ms", "draft decode ms", "speed-up", "decoded size"],
        rows,
    )
    return text, data


def _models(names: tuple[str, ...]) -> dict[str, tuple[torch.nn.Module, torch.Tensor]]:
    out = {}
    for name in names:
        spec = get_spec(name)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            out[name] = (spec.build().eval(), torch.randn(1, *spec.default_input_shape))
    return out


def channels_last(
    names: tuple[str, ...], threads: int, rounds: int, calls: dict[str, int]
) -> tuple[str, dict]:
    rows, data = [], {}
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        for name, (model, x) in _models(names).items():
            cl_model = get_spec(name).build().eval()
            cl_model.load_state_dict(model.state_dict())
            cl_model = cl_model.to(memory_format=torch.channels_last)
            cl_x = x.contiguous(memory_format=torch.channels_last)
            with torch.inference_mode():
                try:
                    same = torch.allclose(model(x), cl_model(cl_x), rtol=1e-4, atol=1e-4)
                except RuntimeError as exc:
                    rows.append((name, "-", "-", "-", f"cannot: {str(exc)[:40]}..."))
                    continue
                plain, cl = alternate(
                    lambda m=model, x=x, n=calls[name]: ms_of(lambda: m(x), n),
                    lambda m=cl_model, x=cl_x, n=calls[name]: ms_of(lambda: m(x), n),
                    rounds,
                )
            ratios = [c / p for p, c in zip(plain, cl, strict=True)]
            rows.append(
                (
                    name,
                    median(plain),
                    median(cl),
                    median(ratios),
                    "outputs equal" if same else "OUTPUTS DIFFER",
                )
            )
            data[name] = {"plain_ms": plain, "channels_last_ms": cl, "ratio": median(ratios)}
    finally:
        torch.set_num_threads(before)
    text = table(
        [
            "model",
            f"contiguous ms ({threads} thread)",
            "channels_last ms",
            "channels_last ÷ contiguous (median of rounds)",
            "check",
        ],
        rows,
    )
    return text, data


def _images_per_s(model: torch.nn.Module, x: torch.Tensor, workers: int, seconds: float) -> float:
    count = 0
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def work() -> None:
        nonlocal count
        torch.set_num_threads(1)
        with torch.inference_mode():
            while time.perf_counter() < stop:
                model(x)
                with lock:
                    count += x.shape[0]

    threads = [threading.Thread(target=work) for _ in range(workers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return count / (time.perf_counter() - start)


def batching(
    names: tuple[str, ...], workers: int, batch: int, rounds: int, seconds: float
) -> tuple[str, dict]:
    rows, data = [], {}
    for name, (model, x) in _models(names).items():
        xb = x.repeat(batch, 1, 1, 1)
        single, batched = alternate(
            lambda m=model, x=x: _images_per_s(m, x, workers, seconds),
            lambda m=model, x=xb: _images_per_s(m, x, workers, seconds),
            rounds,
        )
        rows.append((name, median(single), median(batched), median(batched) / median(single)))
        data[name] = {"batch1_per_s": single, f"batch{batch}_per_s": batched}
    text = table(
        [
            "model",
            f"images/s, batch 1 ({workers} workers × 1 thread)",
            f"images/s, batch {batch}",
            "gain",
        ],
        rows,
    )
    return text, data
