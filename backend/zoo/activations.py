"""Activation functions by name, for the networks whose activation is a choice (the training
lab compares them; the seed uses ReLU everywhere)."""

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn

ACTIVATIONS = ("relu", "sigmoid", "tanh")


def activation_module(name: str = "relu") -> nn.Module:
    """The activation as a layer (`nn.Sequential` stacks, ResNet's stem)."""
    if name == "relu":
        return nn.ReLU(inplace=True)
    if name == "sigmoid":
        return nn.Sigmoid()
    if name == "tanh":
        return nn.Tanh()
    raise ValueError(f"unknown activation {name!r}; one of {', '.join(ACTIVATIONS)}")


def activation_function(name: str = "relu") -> Callable[[Tensor], Tensor]:
    """The activation as a function (`F.relu` in the seed's forward methods)."""
    functions: dict[str, Callable[[Tensor], Tensor]] = {
        "relu": F.relu,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
    }
    if name not in functions:
        raise ValueError(f"unknown activation {name!r}; one of {', '.join(ACTIVATIONS)}")
    return functions[name]
