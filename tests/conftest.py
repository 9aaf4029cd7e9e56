"""Shared fixtures: the app with its lifespan running, driven over HTTP by TestClient."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from backend.main import create_app


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        yield c
