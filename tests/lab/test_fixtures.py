"""The shared test app keeps its training runs out of the repository."""

from fastapi.testclient import TestClient

from backend.config import PROJECT_ROOT


def test_the_shared_client_writes_runs_to_a_temporary_folder(client: TestClient) -> None:
    runs_dir = client.app.state.settings.runs_dir
    assert runs_dir.is_dir()
    assert not runs_dir.is_relative_to(PROJECT_ROOT), runs_dir
    assert client.app.state.lab.settings.runs_dir == runs_dir
