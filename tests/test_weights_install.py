"""python -m backend.weights import / remove: key and shape checks, atomic installs."""

import json
from pathlib import Path

import pytest
import torch
import torchvision

from backend.config import Settings
from backend.serving.runtime import ModelRuntime
from backend.serving.weights import WeightStore
from backend.weights.__main__ import main
from backend.zoo import all_specs


class Cli:
    def __init__(self, tmp_path: Path) -> None:
        self.dir = tmp_path / "checkpoints"
        self.settings = Settings(weights_dir=self.dir)
        self.lines: list[str] = []

    def __call__(self, *argv: str, free: int = 10**12) -> int:
        self.lines.clear()
        return main(list(argv), settings=self.settings, free_space=lambda _p: free,
                    out=self.lines.append)  # fmt: skip

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def left(self) -> list[str]:
        return sorted(p.name for p in self.dir.iterdir()) if self.dir.exists() else []


def torchvision_format(name: str) -> dict[str, torch.Tensor]:
    """torchvision's builder's state dict, keys and shapes as it makes them; the values are one
    zero per tensor (stride 0), so the file is a few kilobytes instead of half a gigabyte."""
    with torch.device("meta"):
        state = getattr(torchvision.models, name)(weights=None).state_dict()
    return {k: torch.zeros((), dtype=v.dtype).expand(v.shape) for k, v in state.items()}


@pytest.mark.parametrize("depth", [11, 13, 16, 19])
def test_import_accepts_torchvisions_vgg_state_dicts(tmp_path, depth):
    cli = Cli(tmp_path)
    file = tmp_path / f"vgg{depth}-from-torchvision.pth"
    torch.save(torchvision_format(f"vgg{depth}"), file)

    assert cli("import", f"vgg{depth}", str(file)) == 0, cli.text
    assert f"vgg{depth}: {file} fits; installed as {cli.dir / f'vgg{depth}.pt'}." in cli.text
    assert cli.left() == [f"vgg{depth}.json", f"vgg{depth}.pt"]
    record = json.loads((cli.dir / f"vgg{depth}.json").read_text())
    assert record["imported_from"] == file.name
    assert record["bytes"] == file.stat().st_size
    found = WeightStore(cli.dir).scan(all_specs())
    assert found[f"vgg{depth}"].source == "user"


def test_an_imported_torchvision_vgg11_predicts_what_torchvision_predicts(tmp_path):
    cli = Cli(tmp_path)
    torch.manual_seed(0)
    reference = torchvision.models.vgg11(weights=None).eval()
    file = tmp_path / "vgg11.pth"
    torch.save(reference.state_dict(), file)
    assert cli("import", "vgg11", str(file)) == 0, cli.text
    file.unlink()

    store = WeightStore(cli.dir)
    store.scan(all_specs())
    loaded = ModelRuntime(store, torch.device("cpu"), 1).get("vgg11")
    assert loaded.trained and loaded.weights == "user"
    x = torch.randn(1, 3, 224, 224)
    with torch.inference_mode():
        assert torch.allclose(loaded.module(x), reference(x), atol=1e-4)


def test_import_names_the_first_shape_mismatch(tmp_path):
    cli = Cli(tmp_path)
    state = torchvision_format("alexnet")  # the 64-channel AlexNet, not the seed's 96-channel one
    file = tmp_path / "alexnet.pth"
    torch.save(state, file)
    assert cli("import", "alexnet", str(file)) == 1
    assert cli.text == (
        f"error: {file} does not fit alexnet: features.0.weight is [64, 3, 11, 11] in the file "
        "but [96, 3, 11, 11] in the model."
    )
    assert cli.left() == []
    # ...and the same file is exactly the reference AlexNet's.
    assert cli("import", "alexnet_torchvision", str(file)) == 0, cli.text


def test_import_names_missing_and_unexpected_keys(tmp_path):
    cli = Cli(tmp_path)
    file = tmp_path / "resnet.pth"
    torch.save(torchvision_format("resnet18"), file)  # the ImageNet ResNet-18 into CIFAR's
    assert cli("import", "resnet18", str(file)) == 1
    assert "does not fit resnet18: conv1.weight is [64, 3, 7, 7] in the file but [64, 3, 3, 3]" in (
        cli.text
    )
    assert "fc.weight is" not in cli.text  # only the first mismatch
    state = torchvision_format("resnet18")
    del state["fc.bias"]
    state["head.weight"] = torch.zeros(1)
    torch.save(state, file)
    assert cli("import", "resnet18_imagenet", str(file)) == 1
    assert "1 missing key(s), e.g. fc.bias; 1 unexpected key(s), e.g. head.weight" in cli.text
    assert cli.left() == []


def test_import_refuses_what_is_not_a_state_dict(tmp_path):
    cli = Cli(tmp_path)
    file = tmp_path / "notes.txt"
    file.write_text("not a checkpoint")
    assert cli("import", "vgg16", str(file)) == 1
    assert f"error: {file} is not a PyTorch checkpoint" in cli.text
    assert cli("import", "vgg16", str(tmp_path / "missing.pth")) == 1
    assert "missing.pth is not a file." in cli.text
    assert cli("import", "vgg99", str(file)) == 1 and "Unknown model 'vgg99'" in cli.text
    assert cli.left() == []


def test_import_checks_free_space_before_copying(tmp_path):
    cli = Cli(tmp_path)
    file = tmp_path / "vgg16.pth"
    torch.save(torchvision_format("vgg16"), file)
    assert cli("import", "vgg16", str(file), free=1000) == 1
    assert "not enough disk space" in cli.text and cli.left() == []


def test_remove_deletes_the_checkpoint_and_its_record(tmp_path):
    cli = Cli(tmp_path)
    file = tmp_path / "vgg13.pth"
    torch.save(torchvision_format("vgg13"), file)
    assert cli("import", "vgg13", str(file)) == 0
    assert cli("remove", "vgg13") == 0
    assert f"vgg13: removed {cli.dir / 'vgg13.pt'}, {cli.dir / 'vgg13.json'}." == cli.text
    assert cli.left() == []
    assert cli("remove", "vgg13") == 1 and "nothing to remove" in cli.text
    assert file.exists()  # the imported original is the user's: never touched
