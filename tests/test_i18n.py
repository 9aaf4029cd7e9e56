"""The server's bilingual text: one home (backend/i18n), the same keys and placeholders in
English and Korean, whole Korean sentences (no unfilled particle templates)."""

import re
import string

import pytest

from backend.analysis.gradients import activation_lesson
from backend.i18n import LANGUAGES, TEXTS, bilingual, en, en_downloads, en_lab, en_refusals
from backend.zoo import all_specs, get_spec

# A particle left for the reader to choose: 을(를), (을)를, 이(가), (으)로, 은(는), 와(과), ...
UNFILLED_PARTICLE = re.compile(r"\((을|를|이|가|은|는|와|과|으|로|으로|이나|나)\)")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_language_has_exactly_the_same_keys() -> None:
    assert set(TEXTS) == set(LANGUAGES) == {"en", "ko"}
    assert set(TEXTS["en"]) == set(TEXTS["ko"])
    # 10 + the 5 descriptions of custom networks (custom.*) + 37 errors, titles, inits, compare
    # + the 10 kinds of correction of the notes' code (notes.correction.*)
    # + 16 for weight downloads, multipart uploads, model loading, 405 and 504
    # = 78, + 9 moved in from inline dicts (two zoo descriptions, the float32 underflow, six
    # reasons a size fails: shape.*) + what the He-init lesson measured = 88 in en.py
    # + 86 refusals in en_refusals.py: 35 of the architecture editor (arch.*), 21 of images and
    #   JSON bodies, 10 of inspection, 8 of busy lanes, 6 of exports, 2 of uploads, 2 of
    #   freeze, the unknown model and the body that is not UTF-8
    # + 30 of the training lab in en_lab.py: 3 presets × (title, lesson), 3 data sets, the lab
    #   networks' and runs' title and description (4), 17 refusals and their parts
    # + 30 of weight downloads and installs in en_downloads.py: 16 failures of a download and
    #   their parts (the manual steps, the byte counts), 4 reasons a connection was lost, 2
    #   interruptions, the job's 4 (its progress, starting, an OS error, an unexpected one),
    #   4 of installing a file
    assert len(en.TEXT) == 88 and len(en_refusals.TEXT) == 86 and len(en_lab.TEXT) == 30
    assert len(en_downloads.TEXT) == 30
    assert len(TEXTS["en"]) == 88 + 86 + 30 + 30 == 234


@pytest.mark.parametrize("key", sorted(TEXTS["en"]))
def test_each_key_has_the_same_placeholders_in_both_languages(key: str) -> None:
    assert placeholders(TEXTS["en"][key]) == placeholders(TEXTS["ko"][key])


@pytest.mark.parametrize("key", sorted(TEXTS["ko"]))
def test_korean_is_korean_and_has_no_unfilled_particles(key: str) -> None:
    text = TEXTS["ko"][key]
    assert HANGUL.search(text), key
    assert not UNFILLED_PARTICLE.search(text), UNFILLED_PARTICLE.search(text)
    assert not HANGUL.search(TEXTS["en"][key]), key


def test_the_particle_check_catches_templates() -> None:
    assert UNFILLED_PARTICLE.search("모델을(를) 고르세요")
    assert UNFILLED_PARTICLE.search("ResNet(으)로")
    assert not UNFILLED_PARTICLE.search("skip connection(잔차 연결)을 모두 뺀")


def test_bilingual_fills_both_languages() -> None:
    text = bilingual("model.plain", depth=34)
    assert text["en"].startswith("ResNet-34's layers with every skip connection removed")
    assert text["ko"].startswith("ResNet-34에서 skip connection")
    with pytest.raises(KeyError):
        bilingual("model.plain")  # a missing value is an error, never a literal {depth}


def test_the_zoo_and_the_lessons_read_their_text_from_it() -> None:
    for spec in all_specs():
        assert set(spec.description) == {"en", "ko"}
        assert "{" not in spec.description["en"] + spec.description["ko"]
    assert get_spec("vgg19").description == bilingual("model.vgg")
    lesson = activation_lesson(3).explanation
    assert set(lesson) == {"en", "ko"}
    assert lesson["en"].startswith("3 convolutions with the same weights")
    assert lesson["ko"].startswith("같은 가중치의 합성곱 3개에서")
