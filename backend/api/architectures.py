"""POST /architectures (a custom network in the seed's vocabulary -> its name) and
GET /models/{name}/code (any model as a Python file in the seed's style)."""

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from backend import architectures
from backend.api.deps import WeightsDep, WorkloadsDep
from backend.api.schemas import NOT_FOUND, error
from backend.architectures.specs import SPEC_ADAPTER, normalised
from backend.errors import InvalidArchitectureError, RequestTooLargeError
from backend.i18n import bilingual
from backend.zoo import get_spec

router = APIRouter(tags=["architectures"])

BODY_LIMIT = 256 * 1024  # bytes: a spec at the limits is ~2 KB; a 10,000-entry cfg still fits
# The spec's JSON schema, its families under components/schemas (api/openapi.py adds them),
# so /docs shows every field and the schema fuzzer sends real specs.
_SPEC_SCHEMA = SPEC_ADAPTER.json_schema(ref_template="#/components/schemas/{model}")
SPEC_COMPONENTS: dict[str, Any] = _SPEC_SCHEMA.pop("$defs", {})
SPEC_COMPONENTS["ArchitectureSpec"] = _SPEC_SCHEMA


class ArchitectureAnswer(BaseModel):
    name: str = Field(description="The custom model's name: use it in every /models/{name} route.")
    family: str
    title: str
    spec: dict[str, Any] = Field(description="The spec with every default filled in.")
    params: int
    mult_adds: int = Field(description="Of the conv and linear layers at input_size.")
    input_shape: list[int] = Field(description="(C, H, W) the network is made for.")
    features_shape: list[int] = Field(description="(C, H, W) of the last feature map.")
    trained: bool = Field(description="Always false: custom networks have random weights.")
    links: dict[str, str]


async def _read_json(request: Request) -> Any:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > BODY_LIMIT:
        raise _too_large()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > BODY_LIMIT:
            raise _too_large()
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise InvalidArchitectureError(
            bilingual("arch.not_json"),
            field="request",
        ) from None


def _too_large() -> RequestTooLargeError:
    return RequestTooLargeError(
        bilingual("arch.too_large", limit=BODY_LIMIT // 1024),
        max_bytes=BODY_LIMIT,
    )


def links(name: str) -> dict[str, str]:
    base = f"/models/{name}"
    return {
        "model": base,
        "summary": f"{base}/summary",
        "receptive_field": f"{base}/receptive_field",
        "code": f"{base}/code",
        "summary_csv": f"{base}/summary.csv",
        "summary_json": f"{base}/summary.json",
        "onnx": f"{base}/export.onnx",
        "predict": f"{base}/predict",
        "feature_maps": f"{base}/feature_maps",
        "gradcam": f"{base}/gradcam",
        "compare": f"/compare?models={name}",
        "page": f"/#{name}",
    }


@router.post(
    "/architectures",
    response_model=ArchitectureAnswer,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ArchitectureSpec"}}
            },
        }
    },
    responses={
        413: error("A body over 256 KiB."),
        422: error(
            "A spec that is malformed, over a limit, or cannot run at its input size; `field` "
            "names the field (`cfg[13]`)."
        ),
    },
)
async def create_architecture(request: Request, workloads: WorkloadsDep) -> ArchitectureAnswer:
    """Checks a network in the seed's vocabulary and names it; the name is the spec, so it
    works in every /models/{name} route, after restarts and on any replica."""
    data = await _read_json(request)
    # Validation builds the network on the meta device: heavy work for the analysis lane, not
    # for Starlette's shared thread pool (where it would delay every other sync call).
    arch = await workloads.lane("analysis").run(architectures.validate, data)
    model = get_spec(arch.name)
    return ArchitectureAnswer(
        name=arch.name,
        family=arch.spec.family,
        title=model.title,
        spec=normalised(arch.spec),
        params=arch.params,
        mult_adds=arch.mult_adds,
        input_shape=list(model.default_input_shape),
        features_shape=list(arch.output_shape),
        trained=False,
        links=links(arch.name),
    )


@router.get(
    "/models/{name}/code",
    response_class=PlainTextResponse,
    responses={
        200: {"content": {"text/x-python": {}}, "description": "A self-contained Python file."},
        **NOT_FOUND,
        422: error("A custom network name that is not valid; `field` says why."),
    },
)
async def get_code(name: str, weights: WeightsDep, workloads: WorkloadsDep) -> PlainTextResponse:
    """The model as PyTorch code in the seed's style, with the server's parameter names and
    shapes (`cfg` + `make_layers` for VGG, `BasicBlock` + `ResNet` for ResNet)."""
    model = get_spec(name)
    trained = weights.is_trained(name)
    code = await workloads.lane("analysis").run(architectures.model_code, model, trained)
    filename = f"{name}.py" if len(name) <= 100 else f"{name.split('.')[0]}_custom.py"
    return PlainTextResponse(
        code,
        media_type="text/x-python",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
