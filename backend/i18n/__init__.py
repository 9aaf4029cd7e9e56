"""The server's one home for text a person reads, in English and Korean (the page has its own,
frontend/js/i18n). Each language is a module of keyed templates with the same keys and the same
`{placeholders}`; `bilingual` fills one key in every language."""

from collections.abc import Mapping
from types import MappingProxyType

from backend.i18n import en, ko

LANGUAGES = ("en", "ko")
TEXTS = MappingProxyType({"en": en.TEXT, "ko": ko.TEXT})


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
