"""Architectures the lab's experiments train beside the zoo's, and the specs of finished runs.

`stack8-sigmoid` / `stack8-relu` are the activation lesson's plain stack made for MNIST: eight
3×3 convolutions of 16 channels (two at 28×28, three at 14×14, three at 7×7), a global average
pool and a linear layer; they differ only in the activation. They resolve through the zoo's
resolver hook, so every /models/{name}/... route takes them, but /models does not list them.
"""

from functools import partial

from torch import nn

from backend.i18n import bilingual
from backend.zoo.datasets import MNIST
from backend.zoo.registry import ModelSpec, Paper, register_resolver

STACK_WIDTH = 16
STACK_STAGES = (2, 3, 3)  # convolutions per resolution: 28, 14, 7 px
GLOROT = Paper(
    "Understanding the difficulty of training deep feedforward neural networks",
    "Glorot, Bengio",
    2010,
    "https://proceedings.mlr.press/v9/glorot10a.html",
)


def conv_stack(num_classes: int, activation: str) -> nn.Sequential:
    act = {"sigmoid": nn.Sigmoid, "relu": nn.ReLU}[activation]
    layers: list[nn.Module] = []
    channels = 1
    for stage, convs in enumerate(STACK_STAGES):
        if stage:
            layers.append(nn.MaxPool2d(2))
        for _ in range(convs):
            layers += [nn.Conv2d(channels, STACK_WIDTH, 3, padding=1), act()]
            channels = STACK_WIDTH
    return nn.Sequential(
        nn.Sequential(*layers),  # (B, 16, 7, 7)
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(STACK_WIDTH, num_classes),
    )


def _stack_spec(activation: str) -> ModelSpec:
    depth = sum(STACK_STAGES)
    return ModelSpec(
        name=f"stack{depth}-{activation}",
        title=bilingual("lab.stack.title", depth=depth, activation=activation)["en"],
        family="lab",
        builder=partial(conv_stack, activation=activation),
        dataset=MNIST,
        paper=GLOROT,
        description=bilingual(
            "lab.stack.description", depth=depth, width=STACK_WIDTH, activation=activation
        ),
    )


LAB_SPECS: dict[str, ModelSpec] = {s.name: s for s in map(_stack_spec, ("sigmoid", "relu"))}
register_resolver(LAB_SPECS.get)
