"""The server's one home for text a person reads, in English and Korean (the page has its own,
frontend/js/i18n). Each language is a module of keyed templates with the same keys and the same
`{placeholders}`; `bilingual` fills one key in every language."""

from types import MappingProxyType

from backend.i18n import en, ko

LANGUAGES = ("en", "ko")
TEXTS = MappingProxyType({"en": en.TEXT, "ko": ko.TEXT})


def bilingual(key: str, **values: object) -> dict[str, str]:
    """{"en": ..., "ko": ...} for `key`, its placeholders filled with `values`."""
    return {lang: TEXTS[lang][key].format(**values) for lang in LANGUAGES}
