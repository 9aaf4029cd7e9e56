"""The lab over HTTP with the default runner (each run in a child process): a SimpleCNN run
completes, streams parseable events, reports a validation accuracy that its `run-<id>` model
reproduces on the same held-out digits sent as PNG files; downloads; cancel; a server restart
during a run. Runs are small (a fixed subset of mnist-5k): the machine is shared."""

import io
from collections.abc import Iterator

import pytest
import torch
from fastapi.testclient import TestClient

from backend.config import Settings
from backend.lab.datasets import load_split, subset
from backend.main import create_app
from backend.serving.weights import expected_shapes, mismatch
from backend.zoo import get_spec
from tests import helpers_images as h
from tests.lab.helpers import LONG, parse_sse, wait_for, wait_for_steps


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(runs_dir=tmp_path_factory.mktemp("runs"), warm_summaries=False)


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def finished(client: TestClient) -> dict:
    body = {"model": "simplecnn", "dataset": "mnist-5k", "epochs": 2, "train_images": 640,
            "validation_images": 150, "augmentation": False, "seed": 3}  # fmt: skip
    response = client.post("/training/runs", json=body)
    assert response.status_code == 202, response.text
    started = response.json()
    assert started["status"] == "queued" and started["model"] is None
    return wait_for(client, started["id"])


def test_a_two_epoch_simplecnn_run_completes_with_its_curves(finished):
    assert finished["status"] == "done", finished["detail"]
    assert finished["model"] == f"run-{finished['id']}"
    assert finished["train_images"] == 640 and finished["validation_images"] == 150
    assert finished["steps_per_epoch"] == 10 and finished["total_steps"] == 20
    assert len(finished["curves"]["step_loss"]) == 20
    epochs = finished["curves"]["epochs"]
    assert [e["epoch"] for e in epochs] == [1, 2]
    assert finished["val_accuracy"] == epochs[-1]["val_accuracy"]
    assert epochs[-1]["train_loss"] < epochs[0]["train_loss"]  # it learned something
    assert finished["val_accuracy"] > 0.5  # 2 epochs of 640 digits: well above chance (0.1)
    assert finished["images_per_s"] > 0 and finished["eta_s"] == 0


def test_its_event_stream_parses_and_tells_the_whole_run(client, finished):
    response = client.get(f"/training/runs/{finished['id']}/events")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    statuses = [e["data"]["status"] for e in events if e["event"] == "status"]
    assert statuses == ["queued", "running", "done"]
    assert events[-1]["data"]["model"] == finished["model"]
    losses = [x for e in events if e["event"] == "step" for x in e["data"]["losses"]]
    assert losses == finished["curves"]["step_loss"]  # throttled, yet no step is lost
    epoch_events = [e["data"] for e in events if e["event"] == "epoch"]
    assert [e["val_accuracy"] for e in epoch_events] == [
        e["val_accuracy"] for e in finished["curves"]["epochs"]
    ]


def test_its_model_classifies_the_heldout_pngs_with_the_reported_accuracy(
    client, settings, finished
):
    split = subset(load_split("mnist-5k", settings.data_dir, settings.runs_dir / ".cache"), 0, 150)
    assert len(split.heldout_labels) == 150
    right = 0
    for pixels, label in zip(
        split.heldout_images.numpy(), split.heldout_labels.tolist(), strict=True
    ):
        response = client.post(
            f"/models/{finished['model']}/predict",
            files={"file": ("digit.png", h.png(pixels), "image/png")},
        )
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["trained"] is True and answer["weights"] == "run"
        right += answer["predictions"][0]["index"] == label
    assert right / 150 == pytest.approx(finished["val_accuracy"], abs=1e-9)


def test_its_model_works_in_the_other_model_routes(client, finished):
    name = finished["model"]
    info = client.get(f"/models/{name}").json()
    assert (
        info["trained"] is True
        and info["dataset"] == "mnist"
        and info["input_shape"] == [1, 28, 28]
    )
    assert info["labels"] == [str(d) for d in range(10)]
    summary = client.get(f"/models/{name}/summary").json()
    assert summary["totals"]["params"] == 421_642  # SimpleCNN's
    digit = h.png(h.digit(7))
    maps = client.post(
        f"/models/{name}/feature_maps?layer=conv1", files={"file": ("d.png", digit, "image/png")}
    )
    assert maps.status_code == 200, maps.text
    cam = client.post(f"/models/{name}/gradcam", files={"file": ("d.png", digit, "image/png")})
    assert cam.status_code == 200, cam.text


def test_checkpoint_and_curves_download(client, finished):
    response = client.get(f"/training/runs/{finished['id']}/checkpoint")
    assert response.status_code == 200
    assert f"run-{finished['id']}.pt" in response.headers["content-disposition"]
    state = torch.load(io.BytesIO(response.content), weights_only=True)
    assert mismatch(expected_shapes(get_spec("simplecnn")), state) is None
    csv = client.get(f"/training/runs/{finished['id']}/curves.csv")
    lines = csv.text.strip().splitlines()
    assert lines[0] == "step,epoch,loss,train_loss,train_accuracy,val_loss,val_accuracy"
    assert len(lines) == 21
    last = lines[-1].split(",")
    assert last[:2] == ["20", "2"] and float(last[6]) == pytest.approx(finished["val_accuracy"])
    assert lines[5].endswith(",,,,")  # mid-epoch rows carry the step loss only


def test_the_list_shows_the_run_without_step_losses(client, finished):
    runs = client.get("/training/runs").json()
    mine = next(r for r in runs if r["id"] == finished["id"])
    assert mine["status"] == "done" and mine["curves"]["step_loss"] == []
    assert len(mine["curves"]["epochs"]) == 2


def test_cancel_a_running_run_then_delete_it(client, finished):
    run_id = client.post("/training/runs", json=LONG).json()["id"]
    assert wait_for_steps(client, run_id)["status"] == "running"
    response = client.delete(f"/training/runs/{run_id}")
    assert response.status_code == 200 and response.json()["cancel_requested"] is True
    ended = wait_for(client, run_id, timeout=60)
    assert ended["status"] == "cancelled" and ended["model"] is None
    assert client.get(f"/models/run-{run_id}").status_code == 404
    checkpoint = client.get(f"/training/runs/{run_id}/checkpoint")
    assert checkpoint.status_code == 409 and "cancelled" in checkpoint.json()["detail"]
    assert client.delete(f"/training/runs/{run_id}").status_code == 204
    assert client.get(f"/training/runs/{run_id}").status_code == 404


def test_a_server_restart_during_a_run_leaves_it_interrupted(settings, finished):
    with TestClient(create_app(settings)) as first:
        run_id = first.post("/training/runs", json=LONG).json()["id"]
        assert wait_for_steps(first, run_id)["status"] == "running"
    # The first server stopped (its lifespan ended) while the run was training.
    with TestClient(create_app(settings)) as second:
        run = second.get(f"/training/runs/{run_id}").json()
        assert run["status"] == "interrupted" and "start it again" in run["detail"]
        assert run["step"] >= 1
        kept = second.get(f"/training/runs/{finished['id']}").json()
        assert kept["status"] == "done" and kept["val_accuracy"] == finished["val_accuracy"]
        digit = {"file": ("d.png", h.png(h.digit(3)), "image/png")}
        assert second.post(f"/models/{finished['model']}/predict", files=digit).status_code == 200
        events = parse_sse(second.get(f"/training/runs/{run_id}/events").text)
        assert events[-1]["data"]["status"] == "interrupted"
