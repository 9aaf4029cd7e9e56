"""Summary latency over HTTP (cold and warm) against torchinfo with a real forward on the CPU.

Cold: the first request for a parameter set (a batch size not asked for before). Rounds
alternate a few cold requests with one anchor call, so that drifting load on a shared machine
hits both alike; the speed-up is the ratio of their medians.
"""

import itertools

import httpx
import torch
import torchinfo

from backend.zoo import get_spec
from bench.stats import median, table, time_calls

CASES = [  # (model, square size)
    ("simplecnn", 28),
    ("alexnet", 224),
    ("vgg16", 224),
    ("resnet18", 32),
    ("vgg16", 1024),
]
_fresh_batch = itertools.count(2)  # a batch size not requested before: a cache miss


def anchor_call(model: torch.nn.Module, channels: int, size: int) -> None:
    """torchinfo as normally used: a real model on the CPU, a real forward pass."""
    torchinfo.summary(model, input_size=(1, channels, size, size), device="cpu", verbose=0)
    torchinfo.torchinfo.clear_cached_forward_pass()


def run(base_url: str, quick: bool = False) -> tuple[str, dict]:
    rounds, cold_per_round, warm_n = (2, 2, 5) if quick else (3, 3, 30)
    rows, data = [], {}
    with httpx.Client(base_url=base_url, timeout=120) as client:
        for name, size in CASES:
            url = f"/models/{name}/summary"

            def get(batch: int, url: str = url, size: int = size) -> None:
                r = client.get(url, params={"height": size, "width": size, "batch_size": batch})
                r.raise_for_status()

            spec = get_spec(name)
            torch.manual_seed(0)
            model = spec.build()
            channels = spec.default_input_shape[0]
            big = size >= 512  # VGG16 at 1024 px: seconds per anchor call, so one call
            if not big:
                anchor_call(model, channels, size)  # the first real forward sets up kernels
            cold, anchor = [], []
            for _ in range(1 if big else rounds):
                per_round = cold_per_round * (rounds if big else 1)
                cold += time_calls(lambda: get(next(_fresh_batch)), per_round)
                anchor += time_calls(lambda m=model, c=channels, s=size: anchor_call(m, c, s), 1)
            del model
            get(1)
            warm = median(time_calls(lambda: get(1), warm_n))
            data[f"{name}@{size}"] = {
                "cold_ms": median(cold),
                "warm_ms": warm,
                "anchor_ms": median(anchor),
                "cold_all_ms": cold,
                "anchor_all_ms": anchor,
            }
            rows.append(
                (
                    f"{name} {size}×{size}",
                    len(cold),
                    median(cold),
                    warm,
                    median(anchor),
                    median(anchor) / median(cold),
                )
            )
    text = table(
        [
            "model",
            "cold n",
            "cold ms (HTTP)",
            "warm ms (HTTP)",
            "torchinfo on CPU ms",
            "speed-up (cold)",
        ],
        rows,
    )
    return text, data
