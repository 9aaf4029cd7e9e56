"""The lab's rules over HTTP, with runs trained in a thread of the test process (the same
trainer code as the default child process, without its start-up time): the queue, the live
stream (a client leaving, a reconnect with Last-Event-ID), same seed same curves, the caps and
hostile settings, presets."""

import json
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from backend.config import Settings
from backend.lab.store import RunStore
from backend.main import create_app
from tests.lab.helpers import LONG, TINY, parse_sse, wait_for, wait_for_steps


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(
        runs_dir=tmp_path_factory.mktemp("runs"),
        data_dir=tmp_path_factory.mktemp("data"),
        warm_summaries=False,
        training_isolation="thread",
        training_queue_limit=1,
    )
    with TestClient(create_app(settings)) as c:
        yield c


def start(client: TestClient, **body) -> str:
    response = client.post("/training/runs", json=body)
    assert response.status_code == 202, response.text
    return response.json()["id"]


def test_same_seed_same_settings_give_identical_curves(client):
    runs = [wait_for(client, start(client, **TINY, seed=seed)) for seed in (5, 5, 6)]
    assert [r["status"] for r in runs] == ["done"] * 3
    assert runs[0]["curves"] == runs[1]["curves"]  # every step loss, every epoch number
    assert len(runs[0]["curves"]["step_loss"]) == 3
    assert runs[2]["curves"]["step_loss"] != runs[0]["curves"]["step_loss"]  # seed matters


def test_a_full_queue_answers_503_with_retry_after(client):
    running = start(client, **LONG)
    wait_for_steps(client, running)
    waiting = start(client, **TINY)  # the one place in the queue (TRAINING_QUEUE_LIMIT=1)
    refused = client.post("/training/runs", json=TINY)
    assert refused.status_code == 503
    assert int(refused.headers["Retry-After"]) >= 1
    assert "queue is full" in refused.json()["detail"]
    assert "TRAINING_QUEUE_LIMIT=1" in refused.json()["detail"]
    # a waiting run cancelled frees its place at once
    cancelled = client.delete(f"/training/runs/{waiting}").json()
    assert (
        cancelled["status"] == "cancelled" and cancelled["detail"] == "Cancelled before it started."
    )
    again = start(client, **TINY)
    client.delete(f"/training/runs/{again}")
    client.delete(f"/training/runs/{running}")
    assert wait_for(client, running, timeout=60)["status"] == "cancelled"
    assert wait_for(client, again)["status"] == "cancelled"


def test_a_client_leaving_the_stream_does_not_stop_the_run(client):
    run_id = start(client, **{**TINY, "train_images": 320, "epochs": 2})
    seen = []
    with client.stream("GET", f"/training/runs/{run_id}/events") as response:
        for line in response.iter_lines():
            if line.startswith("id: "):
                seen.append(int(line[4:]))
            if len(seen) >= 2:
                break  # leave mid-stream
    assert seen == [1, 2]
    run = wait_for(client, run_id)
    assert run["status"] == "done" and len(run["curves"]["epochs"]) == 2


def test_a_reconnect_with_last_event_id_gets_exactly_what_it_missed(client):
    run_id = start(client, **{**TINY, "train_images": 320, "epochs": 2})
    wait_for(client, run_id)
    everything = parse_sse(client.get(f"/training/runs/{run_id}/events").text)
    assert len(everything) >= 6
    missed = parse_sse(
        client.get(f"/training/runs/{run_id}/events", headers={"Last-Event-ID": "3"}).text
    )
    assert missed == everything[3:]
    assert parse_sse(client.get(f"/training/runs/{run_id}/events?after=3").text) == missed
    tail = client.get(
        f"/training/runs/{run_id}/events", headers={"Last-Event-ID": str(everything[-1]["id"])}
    )
    assert tail.status_code == 200 and parse_sse(tail.text) == []
    bad = client.get(f"/training/runs/{run_id}/events", headers={"Last-Event-ID": "abc"})
    assert bad.status_code == 422 and "last-event-id" in bad.json()["detail"]


def test_a_reconnect_while_training_continues_where_it_left_off(client):
    run_id = start(client, **{**TINY, "train_images": 640, "epochs": 2, "batch_size": 16})
    wait_for_steps(client, run_id)
    first = parse_sse(
        client.get(f"/training/runs/{run_id}/events?after=0").text.split("id: 4\n")[0]
    )  # as if the connection dropped after event 3
    rest = []
    last = first[-1]["id"]
    while not rest or rest[-1]["data"].get("status") not in ("done", "failed"):
        got = parse_sse(
            client.get(f"/training/runs/{run_id}/events", headers={"Last-Event-ID": str(last)}).text
        )
        rest += got
        last = rest[-1]["id"] if rest else last
    ids = [e["id"] for e in first + rest]
    assert ids == list(range(1, len(ids) + 1))
    assert rest[-1]["data"]["status"] == "done"


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"epochs": 10**9}, 422, "over the limit of 50 (TRAINING_MAX_EPOCHS)"),
        ({"epochs": 1e9}, 422, "epochs must be a whole number"),
        ({"augmentation": 0}, 422, "augmentation"),
        ({"epochs": 0}, 422, "epochs"),
        ({"batch_size": 0}, 422, "batch_size"),
        ({"batch_size": 10**6}, 422, "batch_size"),
        ({"lr": "nan"}, 422, "lr"),
        ({"lr": -1}, 422, "lr"),
        ({"lr": 0}, 422, "lr"),
        ({"seed": -1}, 422, "seed"),
        ({"optimizer": "lbfgs"}, 422, "optimizer"),
        ({"dataset": "imagenet"}, 422, "dataset"),
        ({"model": "nonet"}, 404, "Unknown model 'nonet'"),
        ({"model": "basicblock"}, 422, "building block"),
        ({"model": ""}, 422, "model"),
        ({"colour": "red"}, 422, "colour"),
        ({"train_images": 10**6}, 422, "TRAINING_MAX_IMAGES"),
        ({"validation_images": 5000}, 422, "1000 held-out images"),
        ({"model": "vgg16"}, 422, "in_channels: 1 and a 28×28 input"),
        ({"model": "resnet18"}, 422, "3×32×32 images but mnist-5k has 1×28×28"),
        ({"dataset": "mnist"}, 409, "MNIST is not in"),
        ({"dataset": "cifar10", "model": "resnet18"}, 409, "extract it into"),
    ],
)
def test_hostile_settings_get_a_4xx_sentence(client, body, status, words):
    response = client.post("/training/runs", json=body)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert words in detail and detail.endswith(".")


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b'{"lr": NaN}', "lr cannot be nan"),
        (b'{"lr": Infinity}', "lr cannot be inf"),
        (b'{"lr": 1e400}', "lr cannot be inf"),
        (b"[1]", "request cannot be [1]"),
        (b"{", ""),
        (b"SB[\xff", "The body is not JSON text (UTF-8)"),
    ],
)
def test_non_finite_or_broken_json_is_refused(client, raw, words):
    response = client.post(
        "/training/runs", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail.startswith(words) and detail.endswith(".")


def test_a_model_that_does_not_fit_names_what_would(client):
    detail = client.post("/training/runs", json={"model": "alexnet"}).json()
    assert detail["input_shape"] == [1, 28, 28]
    assert (
        "simplecnn" in detail["models_that_fit"] and "stack8-relu" not in detail["models_that_fit"]
    )


def test_a_dataset_that_is_missing_names_its_folder(client):
    body = client.post("/training/runs", json={"dataset": "mnist"}).json()
    assert (
        body["folder"].endswith("MNIST/raw")
        and "python -m backend.train fetch mnist" in body["detail"]
    )
    listing = {d["name"]: d for d in client.get("/training/datasets").json()}
    assert listing["mnist-5k"]["available"] is True
    assert listing["cifar10"]["available"] is False and listing["cifar10"]["missing"]


def test_unknown_runs_are_404_with_a_sentence(client):
    for method, path in [
        ("GET", "/training/runs/nope"),
        ("DELETE", "/training/runs/nope"),
        ("GET", "/training/runs/nope/events"),
        ("GET", "/training/runs/nope/checkpoint"),
        ("GET", "/training/runs/nope/curves.csv"),
    ]:
        response = client.request(method, path)
        assert response.status_code == 404
        assert "No training run 'nope'" in response.json()["detail"]
    assert client.get("/models/run-nope/summary").status_code == 404


def test_presets_say_what_they_need(client):
    presets = {p["name"]: p for p in client.get("/training/presets").json()}
    activation = presets["sigmoid-vs-relu"]
    assert activation["available"] is True
    assert [r["model"] for r in activation["runs"]] == ["stack8-sigmoid", "stack8-relu"]
    assert {r["seed"] for r in activation["runs"]} == {0}
    cifar = presets["degradation-cifar10"]
    assert cifar["available"] is False
    assert len(cifar["missing"]) == 1 and "cifar-10-batches-py" in cifar["missing"][0]
    assert [r["model"] for r in cifar["runs"]] == [
        "resnet.3-3-3~w16-32-64~plain",
        "resnet.9-9-9~w16-32-64~plain",
        "resnet.3-3-3~w16-32-64",
        "resnet.9-9-9~w16-32-64",
    ]
    refused = client.post("/training/presets/degradation-cifar10")
    assert refused.status_code == 409 and "cannot run on this server" in refused.json()["detail"]
    unknown = client.post("/training/presets/nope")
    assert unknown.status_code == 404 and "sigmoid-vs-relu" in unknown.json()["detail"]


def test_presets_say_what_they_lack_in_the_readers_language(client):
    # `missing` is the sentence the page shows under an experiment it cannot run.
    english = client.get("/training/presets")
    korean = client.get("/training/presets", headers={"Accept-Language": "ko"})
    assert english.headers["content-language"] == "en"
    assert (
        korean.headers["content-language"] == "ko" and "Accept-Language" in korean.headers["vary"]
    )
    en = {p["name"]: p for p in english.json()}["degradation-cifar10"]["missing"]
    ko = {p["name"]: p for p in korean.json()}["degradation-cifar10"]["missing"]
    assert len(en) == len(ko) == 1
    assert en[0].startswith("CIFAR-10 is not in ") and "cifar-10-batches-py" in en[0]
    assert ko[0].endswith("cifar-10-batches-py/data_batch_1이 생기게 하세요.")
    assert "폴더에 CIFAR-10이 없습니다(빠진 파일: data_batch_1, " in ko[0]
    # everything but `missing` is the same in both answers
    for a, b in zip(english.json(), korean.json(), strict=True):
        assert {**a, "missing": []} == {**b, "missing": []}


def test_the_degradation_preset_runs_the_four_cifar_style_networks_on_mnist(client):
    presets = {p["name"]: p for p in client.get("/training/presets").json()}
    degradation = presets["degradation"]
    assert degradation["available"] is True and degradation["missing"] == []
    runs = degradation["runs"]
    assert [r["label"] for r in runs] == ["plain-20", "plain-56", "ResNet-20", "ResNet-56"]
    assert [r["model"] for r in runs] == [
        "resnet.3-3-3~w16-32-64~plain~in1~s28",
        "resnet.9-9-9~w16-32-64~plain~in1~s28",
        "resnet.3-3-3~w16-32-64~in1~s28",
        "resnet.9-9-9~w16-32-64~in1~s28",
    ]
    # identical data, seed and optimiser: only the model differs
    shared = [{k: v for k, v in r.items() if k not in ("label", "model")} for r in runs]
    assert all(s == shared[0] for s in shared)
    assert shared[0]["dataset"] == "mnist-5k" and shared[0]["seed"] == 0
    assert (shared[0]["optimizer"], shared[0]["lr"], shared[0]["schedule"]) == (
        "sgd",
        0.1,
        "onecycle",
    )
    for run, depth in zip(runs, (20, 56, 20, 56), strict=True):
        summary = client.get(f"/models/{run['model']}/summary").json()
        assert summary["input_shape"] == [1, 1, 28, 28]
        layers = summary["layers"]
        convs = [r for r in layers if r["type"] == "Conv2d" and "downsample" not in r["name"]]
        linears = [r for r in layers if r["type"] == "Linear"]
        assert len(convs) + len(linears) == depth  # 6n + 2 weighted layers
        shortcuts = [r for r in layers if "downsample" in r["name"] and r["type"] == "Conv2d"]
        assert len(shortcuts) == (2 if run["label"].startswith("ResNet") else 0)
    for lang in ("en", "ko"):
        assert "plain-56" in degradation["lesson"][lang]
    # The four pass every check (they fit 1-channel 28 px digits); this server's queue holds
    # two runs, so starting all four is refused for room, not for the models or data.
    full = client.post("/training/presets/degradation")
    assert full.status_code == 503, full.text


def test_the_lab_architectures_resolve_like_models(client):
    for name in ("stack8-sigmoid", "stack8-relu"):
        summary = client.get(f"/models/{name}/summary").json()
        assert summary["input_shape"] == [1, 1, 28, 28]
        assert sum(r["type"] == "Conv2d" for r in summary["layers"]) == 8


def test_a_run_estimated_over_the_time_cap_is_stopped_with_the_estimate(tmp_path):
    settings = Settings(
        runs_dir=tmp_path,
        warm_summaries=False,
        training_isolation="thread",
        training_max_seconds=0.01,
    )
    with TestClient(create_app(settings)) as c:
        run_id = c.post("/training/runs", json=TINY).json()["id"]
        run = wait_for(c, run_id)
    assert run["status"] == "failed"
    assert run["detail"].startswith("Estimated ")
    assert "images/s measured over the first 3 batches" in run["detail"]
    assert "TRAINING_MAX_SECONDS" in run["detail"]


def test_a_crash_mid_run_leaves_it_interrupted_not_corrupt(tmp_path):
    store = RunStore(tmp_path)
    from backend.lab.settings import RunSettings

    record = store.create(RunSettings())
    store.set_status(record.id, "running")
    store.apply(record.id, {"type": "step", "step": 1, "epoch": 0, "losses": [2.3],
                            "images_per_s": 10.0, "eta_s": 5.0})  # fmt: skip
    with (tmp_path / record.id / "events.jsonl").open("a") as f:
        f.write('{"id": 4, "event": "st')  # a line torn by the crash
    (tmp_path / "junk").mkdir()  # a folder that is not a run is ignored
    # no close(): the process "died"; a new server opens the same folder
    reopened = RunStore(tmp_path)
    run = reopened.get(record.id)
    assert run.status == "interrupted" and run.curves.step_loss == [2.3]
    events, ended = reopened.events_after(record.id, 0)
    assert ended and [e.event for e in events] == ["status", "status", "step", "status"]
    assert events[-1].data["status"] == "interrupted" and events[-1].id == 4
    saved = json.loads((tmp_path / record.id / "run.json").read_text())
    assert saved["status"] == "interrupted"
    assert not list(tmp_path.glob(f"{record.id}/.*.tmp"))  # no temporary file left behind
    time.sleep(0)


def test_a_custom_network_from_the_editor_trains_and_serves(client):
    """The architecture editor's name carries its whole spec, so the trainer resolves it too;
    a 1-stage SimpleCNN with tanh, 16 channels, trained briefly on mnist-5k."""
    name = "simplecnn.16~h64~tanh"
    assert client.get(f"/models/{name}").json()["input_shape"] == [1, 28, 28]
    run = wait_for(client, start(client, **TINY, model=name))
    assert run["status"] == "done", run["detail"]
    served = client.get(f"/models/{run['model']}").json()
    assert (
        served["trained"] is True
        and served["params"] == client.get(f"/models/{name}").json()["params"]
    )


def test_what_a_dataset_or_a_refused_preset_lacks_is_told_in_the_readers_language(client):
    ko = {"Accept-Language": "ko"}
    english = {d["name"]: d for d in client.get("/training/datasets").json()}["cifar10"]
    listing = client.get("/training/datasets", headers=ko)
    assert listing.headers["content-language"] == "ko"
    korean = {d["name"]: d for d in listing.json()}["cifar10"]
    assert english["missing"][0].startswith("CIFAR-10 is not in ")
    assert "폴더에 CIFAR-10이 없습니다(빠진 파일: data_batch_1, " in korean["missing"][0]
    assert {**english, "missing": []} == {**korean, "missing": []}
    # the 409 of a preset that cannot run lists the same sentences, in the asked-for language
    refused_en = client.post("/training/presets/degradation-cifar10")
    refused_ko = client.post("/training/presets/degradation-cifar10", headers=ko)
    assert refused_en.status_code == refused_ko.status_code == 409
    assert refused_en.json()["missing"][0].startswith("CIFAR-10 is not in ")
    assert refused_ko.json()["missing"][0].endswith(
        "cifar-10-batches-py/data_batch_1이 생기게 하세요."
    )
    assert "없습니다" in refused_ko.json()["detail"]
