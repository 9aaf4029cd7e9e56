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

from backend.main import create_app  # after the environment above


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        yield c
