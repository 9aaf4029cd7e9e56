"""Error sentences in the client's language, and validation errors as written sentences.

`detail` follows the request's Accept-Language: Korean when the client prefers it (the page
sends `Accept-Language: ko` in Korean mode), English otherwise, which is what API clients that
send nothing get. The answer says which with `Content-Language` (and `Vary: Accept-Language`).

FastAPI's validation errors (a query value that is not a number, below its minimum...) come from
pydantic in pydantic's words ("Input should be greater than or equal to 1"); here each becomes a
sentence naming the parameter, what it takes and what was sent, in both languages, and the
parameters are listed in `field` / `fields` like the domain errors' (errors.py).
"""

from typing import Any

from fastapi.exceptions import RequestValidationError
from starlette.requests import Request

from backend.i18n import LANGUAGES
from backend.i18n.validation import validation_sentence

DEFAULT_LANGUAGE = "en"


def preferred_language(request: Request) -> str:
    """The supported language the client ranks highest (RFC 9110 12.5.4), else English."""
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if lang in LANGUAGES and q > best_q:
            best, best_q = lang, q
    return best


def language_headers(lang: str) -> dict[str, str]:
    return {"Content-Language": lang, "Vary": "Accept-Language"}


def _one_error(err: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """(parameter name, its sentence in each language) for one pydantic error."""
    loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body", "header")]
    field = ".".join(loc) or "request"
    return field, validation_sentence(err, field)


def validation_texts(exc: RequestValidationError) -> tuple[dict[str, str], list[str]]:
    """The whole answer's sentence in each language, and the parameters that failed."""
    fields: list[str] = []
    sentences: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
    for err in exc.errors():
        field, text = _one_error(err)
        if field not in fields:
            fields.append(field)
        for lang in LANGUAGES:
            if text[lang] not in sentences[lang]:
                sentences[lang].append(text[lang])
    return {lang: " ".join(parts) for lang, parts in sentences.items()}, fields
