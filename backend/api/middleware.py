"""ASGI middleware: security headers on every response, a per-request time limit (504), and
cross-site requests refused on unsafe methods (403).

Written as plain ASGI callables (not BaseHTTPMiddleware) so streaming bodies and client
disconnects pass straight through.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import Request

from backend.api.error_text import preferred_language
from backend.i18n import bilingual

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger(__name__)

# The page loads only its own scripts, styles and images (images also as data:/blob: URLs:
# canvases, previews, feature maps), talks only to its own origin and cannot be framed.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI's page is FastAPI's HTML with an inline bootstrap script; assets are local.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
DOCS_PATHS = frozenset({"/docs", "/redoc"})  # exactly these pages, nothing below them


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        csp = DOCS_CSP if path in DOCS_PATHS else PAGE_CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _log_fields(scope: Scope, status: int, detail: str) -> dict[str, Any]:
    return {
        "method": scope.get("method"),
        "path": scope.get("path"),
        "status": status,
        "detail": detail,
    }


def log_refusal(scope: Scope, status: int, detail: str) -> None:
    """The same structured line backend.api.errors writes for every refused request."""
    fields = _log_fields(scope, status, detail)
    pairs = " ".join(f"{k}={json.dumps(v) if isinstance(v, str) else v}" for k, v in fields.items())
    log.warning("request failed %s", pairs, extra=fields)


async def send_json(
    send: Send, status: int, payload: dict[str, Any], lang: str | None = None
) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if lang is not None:  # the detail is in the client's language (Accept-Language)
        headers += [(b"content-language", lang.encode()), (b"vary", b"Accept-Language")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestTimeout:
    """Answers 504 when a request has not started its response within `seconds`. Once the
    response has started, the limit no longer applies: a long download continues, and a client
    that stops reading is dropped by the response's own send timeout instead."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = asyncio.Event()

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.set()
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, tracking_send))
        waiter = asyncio.ensure_future(started.wait())
        try:
            await asyncio.wait({task, waiter}, timeout=self.seconds, return_when="FIRST_COMPLETED")
        except BaseException:  # this request was cancelled (the server stopping)
            task.cancel()
            raise
        finally:
            waiter.cancel()
        if not task.done() and not started.is_set():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            if started.is_set():
                return  # it started just as it was cancelled: nothing more can be said
            detail = (
                f"The request took longer than {self.seconds:g} s and was stopped; "
                "try again, or with a smaller input."
            )
            log_refusal(scope, 504, detail)
            lang = preferred_language(Request(scope))
            localised = bilingual("error.timeout", seconds=f"{self.seconds:g}")[lang]
            await send_json(send, 504, {"detail": localised}, lang)
            return
        await task  # done, or streaming its response: no limit once it has started


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CrossSiteGuard:
    """Refuses (403) unsafe requests a browser sends on behalf of another site's page.

    Browsers send `Origin` with every cross-origin POST and `Sec-Fetch-Site` with nearly every
    request; a page elsewhere could otherwise make its visitors' browsers spend this server's
    CPU (a "simple" POST needs no CORS preflight). Allowed: no `Origin` and no cross-site
    `Sec-Fetch-Site` (curl, scripts, same-origin navigation), an `Origin` equal to the request's
    own host, or one listed in CORS_ORIGINS."""

    def __init__(self, app: ASGIApp, allowed_origins: list[str]) -> None:
        self.app = app
        self.allowed = {o.rstrip("/").lower() for o in allowed_origins}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin", "").strip().lower()
        fetch_site = headers.get("sec-fetch-site", "").strip().lower()
        if self._allowed(origin, fetch_site, headers.get("host", "").strip().lower()):
            await self.app(scope, receive, send)
            return
        who = f"the page at {origin}" if origin and origin != "null" else "a page of another site"
        detail = (
            f"This request was sent by {who}, which may not {scope.get('method')} to this "
            "server; use the explorer's own page, call the API directly, or ask the operator to "
            "add that origin to CORS_ORIGINS."
        )
        log_refusal(scope, 403, detail)
        await send_json(send, 403, {"detail": detail, "origin": origin or None})

    def _allowed(self, origin: str, fetch_site: str, host: str) -> bool:
        if origin:
            if origin in self.allowed:
                return True
            if origin == "null":
                return False  # sandboxed frames, file: pages
            return origin.split("://", 1)[-1] == host
        return fetch_site not in ("cross-site", "same-site")
