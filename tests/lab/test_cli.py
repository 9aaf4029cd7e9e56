"""`python -m backend.train run|promote`: the lab's runs from the command line."""

import json

from backend import train as train_cli
from backend.serving.weights import expected_shapes, mismatch, read_state_dict
from backend.zoo import get_spec

TINY = ["--epochs", "1", "--train-images", "64", "--validation-images", "30", "--no-augmentation"]


def test_run_then_promote_never_overwriting(tmp_path, monkeypatch, capsys):
    runs, weights = tmp_path / "runs", tmp_path / "weights"
    monkeypatch.setenv("WEIGHTS_DIR", str(weights))
    from backend.config import get_settings

    get_settings.cache_clear()
    try:
        assert train_cli.main(["run", *TINY, "--quiet", "--runs-dir", str(runs)]) == 0
        printed = capsys.readouterr().out
        run_id = printed.split()[1].rstrip(":")
        assert f"serves it as run-{run_id}" in printed and "on 30 held-out images" in printed
        record = json.loads((runs / run_id / "run.json").read_text())
        assert record["status"] == "done" and len(record["curves"]["step_loss"]) == 1

        assert train_cli.main(["promote", run_id, "--runs-dir", str(runs)]) == 0
        state = read_state_dict(weights / "simplecnn.pt")
        assert mismatch(expected_shapes(get_spec("simplecnn")), state) is None
        before = (weights / "simplecnn.pt").read_bytes()
        assert train_cli.main(["promote", run_id, "--runs-dir", str(runs)]) == 2
        assert "never overwritten" in capsys.readouterr().err
        assert (weights / "simplecnn.pt").read_bytes() == before
    finally:
        get_settings.cache_clear()


def test_settings_outside_the_caps_are_refused_with_the_sentence(tmp_path, capsys):
    assert train_cli.main(["run", "--epochs", "1000", "--runs-dir", str(tmp_path)]) == 2
    assert "over the limit of 50 (TRAINING_MAX_EPOCHS)" in capsys.readouterr().err
    assert train_cli.main(["run", "--model", "vgg16", "--runs-dir", str(tmp_path)]) == 2
    assert "in_channels: 1" in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith(".")]  # no run made
