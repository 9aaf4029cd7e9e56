"""A method a route does not take gets 405 with that route's own `Allow` and a JSON detail,
not the static frontend's `Allow: GET, HEAD`; the frontend still serves every other path."""

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", "/models/simplecnn/predict", "POST"),
        ("HEAD", "/models/simplecnn/predict", "POST"),
        ("PUT", "/models/simplecnn/predict", "POST"),
        ("DELETE", "/models/vgg16/predict", "POST"),
        ("OPTIONS", "/models/simplecnn/predict", "POST"),
        ("DELETE", "/models", "GET"),
        ("POST", "/models", "GET"),
        ("PUT", "/models/alexnet", "GET"),
        ("PATCH", "/models/alexnet/summary", "GET"),
        ("POST", "/models/resnet18/summary", "GET"),
        ("POST", "/health", "GET, HEAD"),  # HEAD /health answers too (issue 19)
        ("DELETE", "/health", "GET, HEAD"),
        ("POST", "/models/vgg16/export.onnx", "GET"),
        ("DELETE", "/models/simplecnn/summary.csv", "GET"),
        ("POST", "/openapi.json", "GET, HEAD"),
    ],
)
def test_wrong_methods_on_api_routes_get_the_routes_allow(client, method, path, allow):
    response = client.request(method, path)
    assert response.status_code == 405
    assert sorted(response.headers["allow"].split(", ")) == sorted(allow.split(", "))
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    if method != "HEAD":
        use = " or ".join(m for m in sorted(allow.split(", ")) if m != "HEAD")
        assert response.json() == {"detail": f"{path} does not take {method}. Use {use}."}


def test_a_wrong_method_on_a_static_file_says_get(client: TestClient):
    response = client.post("/index.html")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.json() == {"detail": "/index.html does not take POST. Use GET."}


@pytest.mark.parametrize("path", ["/", "/index.html"])
def test_the_frontend_is_still_served(client: TestClient, path: str):
    response = client.get(path)
    assert response.status_code == 200 and "<html" in response.text.lower()
    assert client.head(path).status_code == 200


def test_unknown_paths_are_404_with_a_detail(client: TestClient):
    for path in ("/models/simplecnn/nothing", "/nothing/here"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["detail"] == f"No such path: {path}. The API is described at /docs."
