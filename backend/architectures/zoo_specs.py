"""The zoo's networks written as editor specs: "Edit a copy" starts from these, and the code
generator writes the zoo models' code from them. Each builds the zoo model's exact parameter
names and shapes (tests/architectures/test_zoo_specs.py)."""

from typing import Any

from backend.zoo.vgg import cfg

ZOO_SPECS: dict[str, dict[str, Any]] = {
    "simplecnn": {"family": "simplecnn"},
    "alexnet": {"family": "alexnet"},
    "alexnet_2gpu": {"family": "alexnet", "groups": [2, 2, 2]},
    **{f"vgg{d}": {"family": "vgg", "cfg": cfg[f"VGG{d}"]} for d in (11, 13, 16, 19)},
    "resnet18": {"family": "resnet", "blocks": [2, 2, 2, 2]},
    "resnet34": {"family": "resnet", "blocks": [3, 4, 6, 3]},
    "plain18": {"family": "resnet", "blocks": [2, 2, 2, 2], "skip": False},
    "plain34": {"family": "resnet", "blocks": [3, 4, 6, 3], "skip": False},
    "resnet18_imagenet": {
        "family": "resnet",
        "blocks": [2, 2, 2, 2],
        "stem": "imagenet",
        "num_classes": 1000,
        "input_size": 224,
    },
}
# Zoo models outside the editor's families whose code the generator still writes: torchvision's
# AlexNet ("one weird trick" widths, then a 6×6 adaptive pool the seed's AlexNet does not have).
CODE_ONLY_SPECS: dict[str, dict[str, Any]] = {
    "alexnet_torchvision": {"family": "alexnet", "widths": [64, 192, 384, 256, 256]},
}
ADAPTIVE_POOL = {"alexnet_torchvision"}
