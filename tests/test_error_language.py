"""Errors a person reads: written sentences (never pydantic's words), in the language the request
asks for (Accept-Language), naming every parameter at fault in `field` / `fields`."""

import re

import pytest
from fastapi.testclient import TestClient

HANGUL = re.compile(r"[\uac00-\ud7a3]")
KO = {"Accept-Language": "ko"}


def test_both_sides_out_of_range_name_both_fields(client: TestClient) -> None:
    r = client.get("/models/vgg16/summary", params={"height": 100000, "width": 100000})
    assert r.status_code == 422
    body = r.json()
    assert body["detail"] == (
        "height and width must each be between 1 and 4096; got 100000 and 100000."
    )
    assert body["fields"] == ["height", "width"]
    assert body["field"] == "height"
    assert r.headers["content-language"] == "en"


def test_one_side_out_of_range_names_one_field(client: TestClient) -> None:
    body = client.get("/models/vgg16/summary", params={"width": 100000}).json()
    assert body["fields"] == ["width"] and body["field"] == "width"


def test_vgg_does_not_claim_it_needs_square_inputs(client: TestClient) -> None:
    r = client.get("/models/vgg16/summary", params={"height": 8, "width": 224})
    assert r.status_code == 422
    body = r.json()
    assert "square" not in body["detail"]
    assert body["detail"].endswith(
        "VGG16 needs at least 32 px in height and in width (the two need not be equal)."
    )
    assert body["fields"] == ["height"], "only the side that is too small"
    # …and indeed a non-square input at the limit works.
    assert client.get("/models/vgg16/summary", params={"height": 32, "width": 224}).is_success


def test_alexnet_marks_each_side_outside_its_range(client: TestClient) -> None:
    body = client.get("/models/alexnet/summary", params={"height": 200, "width": 300}).json()
    assert body["fields"] == ["height", "width"]
    body = client.get("/models/alexnet/summary", params={"height": 200}).json()
    assert body["fields"] == ["height"]


@pytest.mark.parametrize(
    ("query", "english", "korean"),
    [
        (
            "height=0",
            "height must be at least 1; got 0.",
            "height 값은 1 이상이어야 합니다. 받은 값: 0.",
        ),
        (
            "height=abc",
            "height must be a whole number; got abc.",
            "height 값은 정수여야 합니다. 받은 값: abc.",
        ),
        (
            "batch_size=5000",
            "batch_size must be between 1 and 1024; got 5000.",
            "batch_size 값은 1 이상 1024 이하여야 합니다. 받은 값: 5000.",
        ),
    ],
)
def test_validation_errors_are_written_sentences_in_both_languages(
    client: TestClient, query: str, english: str, korean: str
) -> None:
    field = query.split("=")[0]
    en = client.get(f"/models/vgg16/summary?{query}")
    ko = client.get(f"/models/vgg16/summary?{query}", headers=KO)
    assert en.status_code == ko.status_code == 422
    assert en.json()["detail"] == english
    assert ko.json()["detail"] == korean
    assert ko.headers["content-language"] == "ko"
    assert "accept-language" in ko.headers["vary"].lower()
    assert en.json()["field"] == ko.json()["field"] == field
    assert "Input should" not in en.json()["detail"]


def test_two_validation_errors_name_both_fields(client: TestClient) -> None:
    body = client.get("/models/vgg16/summary?height=0&width=x").json()
    assert body["fields"] == ["height", "width"]
    assert (
        body["detail"] == "height must be at least 1; got 0. width must be a whole number; got x."
    )


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/models/alexnet/summary?height=200", 422),
        ("/models/nope", 404),
        ("/no/such/path", 404),
        ("/gradients/skip_connections?depth=50", 422),
        ("/gradients/skip_connections?batchnorm=train", 422),
        ("/compare?models=vgg16,vgg16", 422),
        ("/models/basicblock/summary?num_classes=10", 422),
    ],
)
def test_korean_requests_get_korean_sentences(client: TestClient, path: str, status: int) -> None:
    en = client.get(path)
    ko = client.get(path, headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.8"})
    assert en.status_code == ko.status_code == status
    assert not HANGUL.search(en.json()["detail"])
    assert HANGUL.search(ko.json()["detail"]), ko.json()["detail"]
    assert not re.search(r"\((을|를|이|가|은|는|와|과|으로|로)\)", ko.json()["detail"])


def test_language_preference_follows_the_quality_values(client: TestClient) -> None:
    path = "/models/nope"
    preferring_english = client.get(path, headers={"Accept-Language": "en-US,ko;q=0.5"})
    assert preferring_english.headers["content-language"] == "en"
    preferring_korean = client.get(path, headers={"Accept-Language": "en;q=0.3, ko"})
    assert preferring_korean.headers["content-language"] == "ko"
    unknown = client.get(path, headers={"Accept-Language": "fr"})
    assert unknown.headers["content-language"] == "en"


def test_one_name_for_the_parameter_at_fault(client: TestClient, tiny_png: bytes) -> None:
    top_k = client.post(
        "/models/simplecnn/predict?top_k=11", files={"file": ("d.png", tiny_png, "image/png")}
    )
    assert top_k.status_code == 422
    assert top_k.json()["field"] == "top_k" and "parameter" not in top_k.json()
    no_file = client.post("/models/simplecnn/predict", files={"other": ("d.png", tiny_png)})
    assert no_file.status_code == 422
    assert no_file.json()["field"] == "file" and no_file.json()["fields"] == ["file"]


@pytest.fixture(scope="module")
def tiny_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (28, 28), 255).save(buffer, format="PNG")
    return buffer.getvalue()


def test_upload_refusals_in_korean(client: TestClient) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    cases = [
        (b"not an image at all", 422, "아는 형식의 이미지가 아닙니다"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 10, 422, "PNG"),
        (svg, 415, "SVG 파일은 받지 않습니다"),
    ]
    for body, status, words in cases:
        en = client.post("/models/simplecnn/predict", files={"file": ("x.png", body)})
        ko = client.post("/models/simplecnn/predict", files={"file": ("x.png", body)}, headers=KO)
        assert en.status_code == ko.status_code == status
        assert not HANGUL.search(en.json()["detail"])
        assert HANGUL.search(ko.json()["detail"]) and words in ko.json()["detail"]


def test_method_not_allowed_in_korean_keeps_the_allow_header(client: TestClient) -> None:
    en = client.delete("/models")
    ko = client.delete("/models", headers=KO)
    assert en.status_code == ko.status_code == 405
    assert en.json() == {"detail": "/models does not take DELETE. Use GET."}
    assert ko.json() == {"detail": "/models 경로는 DELETE 요청을 받지 않습니다. GET 요청을 쓰세요."}
    assert ko.headers["allow"] == en.headers["allow"]
    assert ko.headers["content-language"] == "ko"


def test_multipart_refusals_in_korean(client: TestClient, tiny_png: bytes) -> None:
    files = {"other": ("d.png", tiny_png)}
    en = client.post("/models/simplecnn/predict", files=files)
    ko = client.post("/models/simplecnn/predict", files=files, headers=KO)
    assert en.status_code == ko.status_code == 422
    assert en.json()["detail"].startswith("The multipart body has no file field named 'file'")
    assert ko.json()["detail"].startswith("multipart 본문에 'file'이라는 파일 필드가 없습니다")
    assert ko.json()["field"] == en.json()["field"] == "file"
    # A multipart body whose framing is broken (no boundary parameter).
    broken = {"Content-Type": "multipart/form-data", **KO}
    bad = client.post("/models/simplecnn/predict", content=b"--x\r\n\r\n", headers=broken)
    assert bad.status_code == 422
    assert bad.json()["detail"].startswith("multipart 본문을 해석할 수 없습니다"), bad.json()


def test_weights_without_a_published_file_refuse_in_korean(client: TestClient) -> None:
    en = client.post("/weights/alexnet/download")
    ko = client.post("/weights/alexnet/download", headers=KO)
    assert en.status_code == ko.status_code == 404
    assert en.json()["detail"].startswith("alexnet has no published weights to fetch")
    assert ko.json()["detail"].startswith("alexnet 모델은 내려받을 공개 가중치가 없습니다")
    assert ko.json()["published"] == en.json()["published"]


@pytest.mark.parametrize(
    ("language", "start"),
    [
        ("ko", "요청이 0.05초보다 오래 걸려 중단되었습니다."),
        ("en", "The request took longer than 0.05 s"),
    ],
)
def test_the_time_limit_answers_in_the_requested_language(language: str, start: str) -> None:
    import asyncio
    import json
    from concurrent.futures import ThreadPoolExecutor

    from backend.api.middleware import RequestTimeout

    async def slow(scope, receive, send) -> None:
        await asyncio.sleep(30)  # cancelled by the time limit

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/slow",
        "headers": [(b"accept-language", language.encode())],
        "query_string": b"",
    }
    # In a thread of its own: the browser tests' Playwright keeps an event loop in this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, RequestTimeout(slow, 0.05)(scope, receive, send)).result()
    assert sent[0]["status"] == 504
    assert (b"content-language", language.encode()) in sent[0]["headers"]
    assert json.loads(sent[1]["body"])["detail"].startswith(start)
