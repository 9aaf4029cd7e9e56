"""Summary latency over HTTP (cold and warm) against torchinfo with a real forward on the CPU."""

import itertools

import httpx
import torch
import torchinfo

from backend.zoo import get_spec
from bench.stats import median, table, time_calls

CASES = [  # (model, square size)
    ("simplecnn", 28), ("alexnet", 224), ("vgg16", 224), ("resnet18", 32), ("vgg16", 1024),
]
_fresh_batch = itertools.count(2)  # a batch size not requested before: a cache miss


def anchor_ms(name: str, size: int, repeat: int) -> float:
    """torchinfo as normally used: a real model on the CPU, a real forward pass."""
    spec = get_spec(name)
    torch.manual_seed(0)
    model = spec.build()
    channels = spec.default_input_shape[0]
    times = time_calls(
        lambda: torchinfo.summary(
            model, input_size=(1, channels, size, size), device="cpu", verbose=0
        ),
        repeat,
    )
    torchinfo.torchinfo.clear_cached_forward_pass()
    return median(times)


def run(base_url: str, quick: bool = False) -> tuple[str, dict]:
    cold_n, warm_n, anchor_n = (2, 5, 1) if quick else (5, 30, 3)
    rows, data = [], {}
    with httpx.Client(base_url=base_url, timeout=120) as client:
        for name, size in CASES:
            url = f"/models/{name}/summary"

            def get(batch: int, url: str = url, size: int = size) -> None:
                r = client.get(url, params={"height": size, "width": size, "batch_size": batch})
                r.raise_for_status()

            cold = median(time_calls(lambda: get(next(_fresh_batch)), cold_n))
            get(1)
            warm = median(time_calls(lambda: get(1), warm_n))
            anchor = anchor_ms(name, size, anchor_n)
            data[f"{name}@{size}"] = {"cold_ms": cold, "warm_ms": warm, "anchor_ms": anchor}
            rows.append((f"{name} {size}×{size}", cold, warm, anchor, anchor / cold))
    text = table(
        ["model", "cold ms (HTTP)", "warm ms (HTTP)", "torchinfo on CPU ms", "speed-up (cold)"],
        rows,
    )
    return text, data
