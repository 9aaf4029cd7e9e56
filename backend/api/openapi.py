"""The OpenAPI document, completed: every status an operation can answer, with the one error
schema (`ErrorResponse`), and short stable operation ids that generated clients use as names."""

import warnings
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from backend.api.architectures import SPEC_COMPONENTS
from backend.api.schemas import ErrorResponse
from backend.api.uploads import UPLOAD_SCHEMAS

ERROR = ErrorResponse.__name__
ALWAYS = {"504": "The request took longer than the configured time limit."}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR}"}}},
    }


def install_openapi(app: FastAPI) -> None:
    """Errors are `{"detail": "<sentence>", ...}` everywhere (api/errors.py renders them so),
    including request-validation errors, which FastAPI would document as a list."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        with warnings.catch_warnings():
            # A route taking GET and HEAD (/health) has one operation id for both; HEAD is
            # dropped from the document below, so a generated client has one name each.
            warnings.filterwarnings("ignore", message="Duplicate Operation ID")
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
        for path_item in schema.get("paths", {}).values():
            if "get" in path_item:
                path_item.pop("head", None)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas[ERROR] = ErrorResponse.model_json_schema()
        schemas.update(UPLOAD_SCHEMAS)
        schemas.update(SPEC_COMPONENTS)  # POST /architectures' body (a discriminated union)
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                for status, response in responses.items():
                    if status[0] in "45":
                        responses[status] = _error(response.get("description", "Error"))
                if operation.get("parameters") or operation.get("requestBody"):
                    responses.setdefault("422", _error("A parameter or body was invalid."))
                for status, description in ALWAYS.items():
                    responses.setdefault(status, _error(description))
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def operation_id(route: APIRoute) -> str:
    """`<tag>-<function name>` (`models-get_summary`), as FastAPI's documentation and its
    full-stack template do: short, and stable as long as the function keeps its name."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name
