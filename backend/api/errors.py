"""Every error as JSON `{"detail": "<sentence>", ...}`: domain errors mapped to statuses here.

Each error is logged once, in structured form: the message carries `key=value` pairs (strings
JSON-quoted, so a path or detail cannot forge log lines) and the same fields ride on the record
as `extra` attributes (method, path, status, detail, model) for log shippers. Unexpected
exceptions are logged with their traceback; the client only ever gets a generic sentence,
never a traceback or a file path.
"""

import json
import logging
import math
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from backend import errors
from backend.api.error_text import (
    language_headers,
    preferred_language,
    validation_texts,
)
from backend.i18n import bilingual

log = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[errors.ExplorerError], int] = {
    errors.UnknownModelError: 404,
    errors.InvalidParameterError: 422,
    errors.InputSizeError: 422,
    errors.InvalidArchitectureError: 422,
    errors.RequestTooLargeError: 413,
    errors.NotAClassifierError: 422,
    errors.ServerBusyError: 503,
    errors.ImageTooLargeError: 413,
    errors.UnsupportedFormatError: 415,
    errors.UndecodableImageError: 422,
    errors.ModelUnavailableError: 503,
    errors.RunNotFoundError: 404,
    errors.RunStateError: 409,
    errors.UnknownExperimentError: 404,
    errors.DatasetUnavailableError: 409,
    errors.TrainingBusyError: 503,
    errors.NoPublishedWeightsError: 404,
    errors.DownloadsDisabledError: 403,
    errors.DownloadConflictError: 409,
}
INTERNAL_ERROR = bilingual("error.internal")["en"]  # what a 500 says in English
CLIENT_CLOSED = 499  # nginx's convention: the client went away before the answer; never sent


def _status_for(exc: errors.ExplorerError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400


def retry_after(exc: errors.ExplorerError) -> dict[str, str] | None:
    """An error that knows when to come back (`retry_after_s`, a busy queue or a cooling-down
    model) says so in the standard `Retry-After` header too, whole seconds (RFC 9110 10.2.3),
    so clients and proxies that never read the body still back off."""
    seconds = exc.extra.get("retry_after_s")
    if isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds >= 0:
        return {"Retry-After": str(math.ceil(seconds))}
    return None


def log_fields(request: Request, status: int, detail: str) -> dict[str, Any]:
    model = request.path_params.get("name") if request.path_params else None
    return {
        "method": request.method,
        "path": request.url.path,
        "status": status,
        "detail": detail,
        "model": model,
    }


def log_request_error(
    request: Request, status: int, detail: str, level: int = logging.INFO, **kwargs: Any
) -> None:
    fields = log_fields(request, status, detail)
    pairs = " ".join(
        f"{k}={json.dumps(v) if isinstance(v, str) else v}"
        for k, v in fields.items()
        if v is not None
    )
    log.log(level, "request failed %s", pairs, extra=fields, **kwargs)


def _method_not_allowed(request: Request, allow: str | None) -> dict[str, str]:
    path, method = request.url.path, request.method
    methods = sorted(m.strip() for m in (allow or "").split(",") if m.strip())
    if not methods:
        return bilingual("error.method", path=path, method=method)
    shown = [m for m in methods if m != "HEAD" or methods == ["HEAD"]]
    allowed = {lang: word.join(shown) for lang, word in bilingual("error.method.or").items()}
    return bilingual("error.method.use", path=path, method=method, allowed=allowed)


HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def _api_routes(routes: list) -> list:
    """The app's routes, those of included routers too (FastAPI wraps them)."""
    found = []
    for route in routes:
        inner = getattr(getattr(route, "original_router", None), "routes", None)
        found += _api_routes(inner) if inner is not None else [route]
    return found


def _allowed_methods(request: Request) -> str | None:
    """Every method the API documents at this path (GET and POST /training/runs are two
    routes, and Starlette's own 405 names only the first one it tried); None for paths the
    schema does not describe."""
    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            methods |= {m.upper() for m in operations if m in HTTP_METHODS}
    if methods:  # and what the routes take beyond the document (HEAD /health, left out of it)
        for route in _api_routes(request.app.routes):
            regex, taken = getattr(route, "path_regex", None), getattr(route, "methods", None)
            if regex is not None and taken and regex.fullmatch(request.url.path):
                methods |= set(taken)
    return ", ".join(sorted(methods)) or None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(errors.ExplorerError)
    async def explorer_error(request: Request, exc: errors.ExplorerError) -> JSONResponse:
        status = _status_for(exc)
        log_request_error(request, status, exc.detail)
        wanted = preferred_language(request)
        lang = wanted if wanted in exc.texts else "en"
        headers = language_headers(lang) | (retry_after(exc) or {})
        extra = {
            k: v.get(lang) if isinstance(v, errors.PerLanguage) else v for k, v in exc.extra.items()
        }
        return JSONResponse(
            {"detail": exc.texts[lang], **extra}, status_code=status, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errs = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
            for e in exc.errors()
        ]
        texts, fields = validation_texts(exc)
        lang = preferred_language(request)
        log_request_error(request, 422, texts["en"])
        body = {"detail": texts[lang], "field": fields[0], "fields": fields, "errors": errs}
        return JSONResponse(body, 422, headers=language_headers(lang))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        lang = preferred_language(request)
        if exc.status_code == 404 and detail == "Not Found":
            texts = bilingual("error.not_found", path=request.url.path)
            log_request_error(request, 404, texts["en"])
            return JSONResponse({"detail": texts[lang]}, 404, headers=language_headers(lang))
        if exc.status_code == 400 and detail == "There was an error parsing the body":
            # FastAPI's answer to a JSON body that is not UTF-8 text: a client mistake in the
            # body like any other, so the same 422 as malformed JSON, with what to send
            texts = bilingual("error.body_not_utf8")
            log_request_error(request, 422, texts["en"])
            return JSONResponse({"detail": texts[lang]}, 422, headers=language_headers(lang))
        if exc.status_code == 405:
            allow = _allowed_methods(request) or (exc.headers or {}).get("Allow")
            texts = _method_not_allowed(request, allow)
            log_request_error(request, 405, texts["en"])
            headers = {**(exc.headers or {}), **({"Allow": allow} if allow else {})}
            headers |= language_headers(lang)
            return JSONResponse({"detail": texts[lang]}, 405, headers=headers)
        log_request_error(request, exc.status_code, detail)
        return JSONResponse({"detail": detail}, exc.status_code, headers=exc.headers)

    @app.exception_handler(ClientDisconnect)
    async def client_disconnected(request: Request, exc: ClientDisconnect) -> Response:
        # The client closed the connection while its body was arriving: nothing is left to
        # answer and nothing was handed to a model; the partial body is dropped with the request.
        log_request_error(request, CLIENT_CLOSED, "client disconnected during the upload")
        return Response(status_code=CLIENT_CLOSED)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        log_request_error(
            request, 500, f"unhandled {type(exc).__name__}", level=logging.ERROR, exc_info=exc
        )
        lang = preferred_language(request)
        detail = bilingual("error.internal")[lang]
        return JSONResponse({"detail": detail}, 500, headers=language_headers(lang))
