"""Shared fixtures: the app with its lifespan running, driven over HTTP by TestClient."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from backend.config import get_settings
from backend.main import create_app


@pytest.fixture(scope="session")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    # Runs go to a temporary folder: the tests never leave a runs/ folder in the repository.
    settings = get_settings().model_copy(update={"runs_dir": tmp_path_factory.mktemp("runs")})
    with TestClient(create_app(settings)) as c:
        yield c
