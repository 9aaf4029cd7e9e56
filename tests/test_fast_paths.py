"""The speed and boundedness choices behave as documented (their timings live in bench/, not
here): a full inference queue answers 503 with a Retry-After header; models in channels_last
give the same answers, and those that cannot take it stay as they are; WARM_MODELS loads and
runs models before the first request."""

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import torch
from fastapi.testclient import TestClient

import backend.api.predict as predict_api
from backend.api.errors import retry_after
from backend.config import Settings
from backend.errors import ModelUnavailableError, NotAClassifierError, UnknownModelError
from backend.main import create_app
from backend.serving.inference import classify, warm_up
from backend.serving.runtime import ModelRuntime
from backend.serving.weights import WeightStore
from backend.zoo import all_specs
from backend.zoo.datasets import DATASETS
from bench.server import wait_until
from tests import helpers_images as h


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict = {"warm_summaries": False, "weights_dir": tmp_path}
    values.update(overrides)
    return Settings(**values)


def hold_predictions(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Predictions wait (in the inference lane) until the returned event is set."""
    release = threading.Event()
    real = predict_api.predict_image

    def held(*args: object):
        release.wait(20)
        return real(*args)

    monkeypatch.setattr(predict_api, "predict_image", held)
    return release


def test_a_full_queue_answers_503_with_a_retry_after_header(tmp_path, monkeypatch):
    settings = make_settings(tmp_path, inference_concurrency=1, inference_queue_limit=0)
    release = hold_predictions(monkeypatch)
    files = {"file": ("d.png", h.png(h.digit(3)), "image/png")}
    with TestClient(create_app(settings)) as client, ThreadPoolExecutor(1) as pool:
        gate = client.app.state.inference  # type: ignore[attr-defined]
        first = pool.submit(client.post, "/models/simplecnn/predict", files=files)
        wait_until(lambda: gate.running == 1, "the first prediction to run", 20)
        refused = client.post("/models/simplecnn/predict", files=files)
        release.set()
        served = first.result(timeout=60)
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == str(refused.json()["retry_after_s"]) == "1"
    assert "busy" in refused.json()["detail"]
    assert served.status_code == 200 and "retry-after" not in served.headers


@pytest.mark.parametrize("seconds, header", [(1, "1"), (2.2, "3"), (0, "0")])
def test_retry_after_is_whole_seconds_rounded_up(seconds, header):
    assert retry_after(ModelUnavailableError("busy", retry_after_s=seconds)) == {
        "Retry-After": header
    }
    assert retry_after(ModelUnavailableError("no hint")) is None


# ---- channels_last: only where the model can take it, same answers ----------------------------


def runtime(tmp_path: Path, channels_last: tuple[str, ...] = ()) -> ModelRuntime:
    store = WeightStore(tmp_path)  # no user checkpoints: shipped SimpleCNN, random others
    store.scan(all_specs())
    return ModelRuntime(store, torch.device("cpu"), max_loaded=4, channels_last=channels_last)


def test_channels_last_models_give_the_same_probabilities(tmp_path):
    plain = runtime(tmp_path).get("resnet18")
    nhwc = runtime(tmp_path, channels_last=("resnet18",)).get("resnet18")
    assert not plain.channels_last and nhwc.channels_last
    conv = nhwc.module.get_submodule("conv1")
    assert conv.weight.is_contiguous(memory_format=torch.channels_last)
    assert not conv.weight.is_contiguous()
    batch = torch.randn(1, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    (a, _), (b, _) = classify(plain, batch, top_k=10), classify(nhwc, batch, top_k=10)
    assert [s.index for s in a] == [s.index for s in b]
    for x, y in zip(a, b, strict=True):
        assert x.probability == pytest.approx(y.probability, abs=1e-5)


def test_a_model_whose_forward_needs_contiguous_tensors_stays_as_it_is(tmp_path, caplog):
    # SimpleCNN's view(-1, 3136) cannot take an NHWC tensor: it is kept in the default layout.
    loaded = runtime(tmp_path, channels_last=("simplecnn",)).get("simplecnn")
    assert not loaded.channels_last
    assert loaded.module.get_submodule("conv2").weight.is_contiguous()
    assert "cannot run in channels_last" in caplog.text
    mnist = DATASETS["mnist"]
    digit = torch.from_numpy(h.digit(7)).float().div(255)[None, None]
    batch = (digit - mnist.mean[0]) / mnist.std[0]
    assert classify(loaded, batch, top_k=1)[0][0].index == 7


def test_settings_take_comma_separated_model_lists(monkeypatch):
    monkeypatch.setenv("WARM_MODELS", "simplecnn, resnet18")
    monkeypatch.setenv("CHANNELS_LAST_MODELS", "")
    settings = Settings()
    assert settings.warm_models == ["simplecnn", "resnet18"]
    assert settings.channels_last_models == []
    assert Settings(channels_last_models="vgg16,alexnet").channels_last_models == [
        "vgg16",
        "alexnet",
    ]


# ---- warm-up at start -------------------------------------------------------------------------


def test_warm_up_loads_and_runs_the_named_models(tmp_path):
    rt = runtime(tmp_path)
    spent = warm_up(rt, ["resnet18", "simplecnn", "resnet18"])
    assert list(spent) == ["resnet18", "simplecnn"] and all(s > 0 for s in spent.values())
    assert rt.loaded_names() == ["resnet18", "simplecnn"]


@pytest.mark.parametrize(
    "name, error", [("resnet81", UnknownModelError), ("basicblock", NotAClassifierError)]
)
def test_warm_up_refuses_names_that_cannot_be_served(tmp_path, name, error):
    with pytest.raises(error):
        warm_up(runtime(tmp_path), [name])


def test_the_app_warms_the_models_of_its_settings_before_serving(tmp_path):
    settings = make_settings(tmp_path, warm_models=["resnet18"])
    with TestClient(create_app(settings)) as client:
        rt: ModelRuntime = client.app.state.runtime  # type: ignore[attr-defined]
        assert "resnet18" in rt.loaded_names()  # before any request
        warmed = rt.get("resnet18")
        files = {"file": ("p.png", h.png(h.digit(1)), "image/png")}
        answer = client.post("/models/resnet18/predict", files=files)
        assert rt.get("resnet18") is warmed  # served by the warmed instance, not a new build
    assert answer.status_code == 200
