"""Every error as JSON `{"detail": "<sentence>", ...}`: domain errors mapped to statuses here."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from backend import errors

log = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[errors.ExplorerError], int] = {
    errors.UnknownModelError: 404,
    errors.InvalidParameterError: 422,
    errors.InputSizeError: 422,
    errors.NotAClassifierError: 422,
    errors.ExportBusyError: 503,
    errors.ImageTooLargeError: 413,
    errors.UnsupportedFormatError: 415,
    errors.UndecodableImageError: 422,
    errors.ModelUnavailableError: 503,
}


def _status_for(exc: errors.ExplorerError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400


def _validation_sentence(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body")]
        field = ".".join(loc) or "request"
        got = err.get("input")
        got_text = f" (got {got!r})" if got is not None and not isinstance(got, dict) else ""
        parts.append(f"{field}: {err.get('msg', 'invalid value')}{got_text}")
    return "Invalid request: " + "; ".join(parts) + "."


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(errors.ExplorerError)
    async def explorer_error(request: Request, exc: errors.ExplorerError) -> JSONResponse:
        status = _status_for(exc)
        log.info("client error %s %s: %s", status, request.url.path, exc.detail)
        return JSONResponse({"detail": exc.detail, **exc.extra}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errs = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": _validation_sentence(exc), "errors": errs}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No such path: {request.url.path}. The API is described at /docs."
        return JSONResponse({"detail": detail}, exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "Internal server error; the server log has details."}, 500)
