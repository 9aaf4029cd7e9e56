"""Shared fixtures: the app with its lifespan running, driven over HTTP by TestClient."""

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

# The suite starts dozens of apps and servers: each would export every model it predicts with
# to ONNX in the background and write the random weights of every model it loads (VGG16: 0.55
# GB) into the project's cache. They run on eager PyTorch with no cache unless a test says
# otherwise (tests/test_engines.py, tests/test_weight_cache.py).
os.environ.setdefault("INFERENCE_ENGINE", "eager")
os.environ.setdefault("CACHE_DIR", "")

from backend.config import get_settings  # after the environment above
from backend.main import create_app


@pytest.fixture(scope="session")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    # Runs go to a temporary folder: the tests never leave a runs/ folder in the repository.
    settings = get_settings().model_copy(update={"runs_dir": tmp_path_factory.mktemp("runs")})
    with TestClient(create_app(settings)) as c:
        yield c
