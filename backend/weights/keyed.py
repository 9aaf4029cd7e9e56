"""Errors of the weights command and of downloads from the page, in keyed bilingual text.

`str(exc)` is the English sentence, which the command (`python -m backend.weights`) prints as
before; `exc.text` has every language (backend.i18n), so a download that fails on the page
can be read in the student's language (api/weights.py picks it by Accept-Language).
"""

from collections.abc import Mapping

from backend.i18n import LANGUAGES, bilingual


class KeyedError(Exception):
    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        self.text = bilingual(key, **values)
        super().__init__(self.text["en"])


def same_in_every_language(text: str) -> dict[str, str]:
    """A value that reads the same in every language (an OS message, a type name, a URL)."""
    return {lang: text for lang in LANGUAGES}


def replaced(text: Mapping[str, str], old: str, new: str) -> dict[str, str]:
    """`text` with `old` replaced by `new` in every language."""
    return {lang: sentence.replace(old, new) for lang, sentence in text.items()}
