"""Each family written again from its spec in plain torch, independently of backend/: the
yardstick the server's summaries and generated code are held to. Module names follow the
seed (and torchvision), which is what makes parameter names comparable."""

from typing import Any

import torch
from torch import Tensor, nn

ACT = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}


class Residual(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, skip: bool, act: str) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.act = ACT[act]()
        self.skip = skip
        if skip and (stride != 1 or cin != cout):
            self.downsample = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)
            )
        else:
            self.downsample = None

    def forward(self, x: Tensor) -> Tensor:
        out = self.bn2(self.conv2(self.act(self.bn1(self.conv1(x)))))
        if self.skip:
            out = out + (self.downsample(x) if self.downsample is not None else x)
        return self.act(out)


class Net(nn.Module):
    """Top-level children in forward order; `flatten_to` reshapes like the seed's view."""

    def __init__(self, parts: dict[str, nn.Module], flatten_before: str, view: int | None) -> None:
        super().__init__()
        for name, part in parts.items():
            self.add_module(name, part)
        self.order = list(parts)
        self.flatten_before = flatten_before
        self.view = view

    def forward(self, x: Tensor) -> Tensor:
        for name in self.order:
            if name == self.flatten_before:
                x = x.reshape(-1, self.view) if self.view else torch.flatten(x, 1)
            x = getattr(self, name)(x)
        return x


def vgg(s: dict[str, Any]) -> nn.Module:
    layers: list[nn.Module] = []
    c = s["in_channels"]
    for v in s["cfg"]:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
            continue
        layers.append(nn.Conv2d(c, v, 3, padding=1))
        if s["batch_norm"]:
            layers.append(nn.BatchNorm2d(v))
        layers.append(ACT[s["activation"]]())
        c = v
    head: list[nn.Module] = []
    width = c * 49
    for h in s["classifier"]:
        head += [nn.Linear(width, h), ACT[s["activation"]](), nn.Dropout()]
        width = h
    head.append(nn.Linear(width, s["num_classes"]))
    parts = {
        "features": nn.Sequential(*layers),
        "avgpool": nn.AdaptiveAvgPool2d(7),
        "classifier": nn.Sequential(*head),
    }
    return Net(parts, "classifier", None)


def resnet(s: dict[str, Any]) -> nn.Module:
    w = s["widths"]
    if s["stem"] == "cifar":
        parts: dict[str, nn.Module] = {
            "conv1": nn.Conv2d(s["in_channels"], w[0], 3, 1, 1, bias=False)
        }
    else:
        parts = {"conv1": nn.Conv2d(s["in_channels"], w[0], 7, 2, 3, bias=False)}
    parts["bn1"] = nn.BatchNorm2d(w[0])
    parts["relu"] = ACT[s["activation"]]()
    if s["stem"] == "imagenet":
        parts["maxpool"] = nn.MaxPool2d(3, 2, 1)
    cin = w[0]
    for i, (n, cout) in enumerate(zip(s["blocks"], w, strict=True)):
        blocks = [Residual(cin, cout, 1 if i == 0 else 2, s["skip"], s["activation"])]
        blocks += [Residual(cout, cout, 1, s["skip"], s["activation"]) for _ in range(n - 1)]
        parts[f"layer{i + 1}"] = nn.Sequential(*blocks)
        cin = cout
    parts["avgpool"] = nn.AdaptiveAvgPool2d(1)
    parts["fc"] = nn.Linear(cin, s["num_classes"])
    return Net(parts, "fc", None)


class SimpleNet(nn.Module):
    def __init__(self, s: dict[str, Any]) -> None:
        super().__init__()
        c, side = s["in_channels"], s["input_size"]
        for i, w in enumerate(s["channels"]):
            self.add_module(f"conv{i + 1}", nn.Conv2d(c, w, 3, padding=1))
            c, side = w, side // 2
        self.pool = nn.MaxPool2d(2)
        self.flat = c * side * side
        self.fc1 = nn.Linear(self.flat, s["hidden"])
        self.fc2 = nn.Linear(s["hidden"], s["num_classes"])
        self.act = ACT[s["activation"]]()
        self.n = len(s["channels"])

    def forward(self, x: Tensor) -> Tensor:
        for i in range(self.n):
            x = self.pool(self.act(getattr(self, f"conv{i + 1}")(x)))
        return self.fc2(self.act(self.fc1(x.reshape(-1, self.flat))))


def alexnet(s: dict[str, Any]) -> nn.Module:
    c1, c2, c3, c4, c5 = s["widths"]
    g2, g4, g5 = s["groups"]
    a = ACT[s["activation"]]
    features = nn.Sequential(
        nn.Conv2d(s["in_channels"], c1, 11, 4, 2),
        a(),
        nn.MaxPool2d(3, 2),
        nn.Conv2d(c1, c2, 5, padding=2, groups=g2),
        a(),
        nn.MaxPool2d(3, 2),
        nn.Conv2d(c2, c3, 3, padding=1),
        a(),
        nn.Conv2d(c3, c4, 3, padding=1, groups=g4),
        a(),
        nn.Conv2d(c4, c5, 3, padding=1, groups=g5),
        a(),
        nn.MaxPool2d(3, 2),
    )
    with torch.device("meta"):
        side = features(torch.empty(1, s["in_channels"], s["input_size"], s["input_size"])).shape[
            -1
        ]
    classifier = nn.Sequential(
        nn.Dropout(),
        nn.Linear(c5 * side * side, 4096),
        a(),
        nn.Dropout(),
        nn.Linear(4096, 4096),
        a(),
        nn.Linear(4096, s["num_classes"]),
    )
    return Net({"features": features, "classifier": classifier}, "classifier", None)


def build(spec: dict[str, Any]) -> nn.Module:
    """On the `meta` device, in eval mode: shapes and parameter counts only."""
    builders = {"vgg": vgg, "resnet": resnet, "simplecnn": SimpleNet, "alexnet": alexnet}
    with torch.device("meta"):
        return builders[spec["family"]](spec).eval()


def leaf_outputs(model: nn.Module, spec: dict[str, Any]) -> dict[str, list[list[int]]]:
    """Output shape of every leaf module with parameters or a spatial effect, per call."""
    shapes: dict[str, list[list[int]]] = {}
    names = {m: n for n, m in model.named_modules()}
    hooks = [
        m.register_forward_hook(
            lambda mod, _i, out: shapes.setdefault(names[mod], []).append(list(out.shape))
        )
        for m in names
        if not list(m.children()) and names[m] and not isinstance(m, tuple(ACT.values()))
    ]
    size = spec["input_size"]
    with torch.no_grad():
        model(torch.empty(1, spec["in_channels"], size, size, device="meta"))
    for h in hooks:
        h.remove()
    return shapes


def conv_linear_mult_adds(model: nn.Module, spec: dict[str, Any]) -> int:
    total = 0

    def count(mod: nn.Module, _inputs: Any, out: Tensor) -> None:
        nonlocal total
        if isinstance(mod, nn.Conv2d):
            k = mod.kernel_size[0] * mod.kernel_size[1]
            total += (
                k * (mod.in_channels // mod.groups) * mod.out_channels * out.shape[2] * out.shape[3]
            )
        else:
            total += mod.in_features * mod.out_features

    hooks = [
        m.register_forward_hook(count)
        for m in model.modules()
        if isinstance(m, nn.Conv2d | nn.Linear)
    ]
    size = spec["input_size"]
    with torch.no_grad():
        model(torch.empty(1, spec["in_channels"], size, size, device="meta"))
    for h in hooks:
        h.remove()
    return total
