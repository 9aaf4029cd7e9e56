"""What the model list tells a person: titles in both languages, and which paper a network is."""

import re

from fastapi.testclient import TestClient

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_titles_in_both_languages(client: TestClient) -> None:
    models = {m["name"]: m for m in client.get("/models").json()}
    assert models["plain18"]["titles"] == {
        "en": "Plain-18 (CIFAR, no skip connections)",
        "ko": "Plain-18 (CIFAR, 지름길 없음)",
    }
    assert models["plain18"]["title"] == models["plain18"]["titles"]["en"]
    assert models["basicblock"]["titles"]["ko"] == "잔차 블록(항등 지름길)"
    assert models["alexnet_2gpu"]["titles"]["ko"] == "AlexNet (GPU 2개)"
    assert models["vgg16"]["titles"] == {"en": "VGG16", "ko": "VGG16"}
    for model in models.values():
        english_words = re.findall(
            r"\b(no|skip|connections|block|channels|two)\b", model["titles"]["ko"]
        )
        assert english_words == [], model["name"]


def test_simplecnn_is_the_notes_network_in_lenets_tradition(client: TestClient) -> None:
    models = {m["name"]: m for m in client.get("/models").json()}
    assert models["simplecnn"]["paper"]["relation"] == "tradition"
    assert models["simplecnn"]["paper"]["authors"].startswith("LeCun")
    assert models["alexnet"]["paper"]["relation"] == "source"
    assert models["resnet18"]["paper"]["relation"] == "source"
