"""Random weights that depend only on a seed: PyTorch's default initialisation, own generator.

Building a module draws its weights from the global random generator, which every thread of the
server shares; another request could draw in between and change the numbers. Lessons and
exports that promise "a fixed seed" re-initialise with a private `torch.Generator` instead.
"""

import math

import torch
from torch import nn


def materialise(model: nn.Module, device: str | torch.device = "cpu") -> nn.Module:
    """Move a model built on the meta device to real (uninitialised) memory."""
    return model.to_empty(device=device)


@torch.no_grad()
def initialise(model: nn.Module, seed: int, conv_init: str = "pytorch") -> nn.Module:
    """Re-draw every weight from `seed`, in module order.

    conv_init: "pytorch" is PyTorch's default (uniform, Kaiming with a=√5, as `reset_parameters`
    does); "kaiming_normal" is He et al.'s N(0, 2/fan_in) for convolutions (biases zero), the
    initialisation made for ReLU networks.
    """
    generator = torch.Generator(device="cpu").manual_seed(seed)
    for module in model.modules():
        if isinstance(module, nn.Conv2d | nn.Linear):
            weight = module.weight
            fan_in = weight[0].numel()
            values = torch.empty(weight.shape)
            if conv_init == "kaiming_normal" and isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(values, nonlinearity="relu", generator=generator)
                bias_bound = 0.0
            else:
                nn.init.kaiming_uniform_(values, a=math.sqrt(5), generator=generator)
                bias_bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            weight.copy_(values)
            if module.bias is not None:
                bias = torch.empty(module.bias.shape).uniform_(
                    -bias_bound, bias_bound, generator=generator
                )
                module.bias.copy_(bias)
        elif isinstance(module, nn.BatchNorm2d):
            module.reset_parameters()  # weight 1, bias 0, running mean 0, running var 1
    return model
