"""The server's one home for text a person reads, in English and Korean (the page has its own,
frontend/js/i18n). Each language is a module of keyed templates with the same keys and the same
`{placeholders}`; `bilingual` fills one key in every language. Each language's text is split
by subject (en.py: models, lessons and the main errors; en_refusals.py: uploads, inspection,
exports, the editor, busy lanes; en_lab.py: the training lab; en_downloads.py: weight downloads
and installs that fail), one key space."""

from collections.abc import Mapping
from types import MappingProxyType

from backend.i18n import (
    en,
    en_downloads,
    en_lab,
    en_refusals,
    ko,
    ko_downloads,
    ko_lab,
    ko_refusals,
)

LANGUAGES = ("en", "ko")


def _merged(*parts: dict[str, str]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for part in parts:
        twice = merged.keys() & part.keys()
        if twice:  # a key in two files: one would silently replace the other
            raise ValueError(f"i18n keys defined twice: {sorted(twice)}")
        merged |= part
    return merged


TEXTS = MappingProxyType(
    {
        "en": _merged(en.TEXT, en_refusals.TEXT, en_lab.TEXT, en_downloads.TEXT),
        "ko": _merged(ko.TEXT, ko_refusals.TEXT, ko_lab.TEXT, ko_downloads.TEXT),
    }
)


def bilingual(key: str, **values: object) -> dict[str, str]:
    """{"en": ..., "ko": ...} for `key`, its placeholders filled with `values`; a value that is
    itself bilingual (a mapping by language, e.g. another `bilingual`) fills each language
    with its own text."""
    return {
        lang: TEXTS[lang][key].format(
            **{k: v[lang] if isinstance(v, Mapping) else v for k, v in values.items()}
        )
        for lang in LANGUAGES
    }
