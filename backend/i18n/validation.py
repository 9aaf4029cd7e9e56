"""Pydantic's validation errors as written sentences in both languages ("height must be at
least 1; got 0.") instead of pydantic's own words ("Input should be greater than or equal to
1"): the query parameters' (api/error_text.py) and the architecture editor's spec fields
(architectures/specs.py) alike."""

from typing import Any

from backend.i18n import bilingual


def shown_value(value: Any) -> str:
    """What was sent, as typed: a query's text bare (0, abc), quoted only when blank or spaced."""
    plain = isinstance(value, str) and value and value == value.strip() and " " not in value
    text = value if plain else repr(value)
    return text if len(text) <= 40 else f"{text[:37]}…"


def validation_sentence(err: dict[str, Any], field: str, got: str | None = None) -> dict[str, str]:
    """The sentence, in each language, for one pydantic error about `field`; `got` shows the
    value sent (default: as a query parameter is typed, `shown_value`)."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    values = {"field": field, "got": shown_value(err.get("input")) if got is None else got}
    if kind == "missing":
        return bilingual("error.validation.missing", **values)
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return bilingual("error.validation.integer", **values)
    if kind in ("float_parsing", "float_type"):
        return bilingual("error.validation.number", **values)
    if kind in ("bool_parsing", "bool_type"):
        return bilingual("error.validation.boolean", **values)
    for bound, key in (("ge", "at_least"), ("gt", "above"), ("le", "at_most"), ("lt", "below")):
        if bound in ctx and kind.startswith(("greater", "less")):
            return bilingual(f"error.validation.{key}", limit=ctx[bound], **values)
    if "max_length" in ctx:
        return bilingual("error.validation.too_long", limit=ctx["max_length"], **values)
    if "expected" in ctx:
        expected = str(ctx["expected"])
        listed = {
            lang: expected.replace(" or ", word)
            for lang, word in bilingual("error.method.or").items()
        }
        return bilingual("error.validation.one_of", expected=listed, **values)
    return bilingual("error.validation.other", **values)
