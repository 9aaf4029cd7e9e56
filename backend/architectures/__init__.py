"""Networks the user edits in the seed's vocabulary, beside the zoo (issue 13).

`validate(data)` checks a spec (structure, limits, shapes, then parameters and mult-adds on
the `meta` device) and names it; the name alone resolves back to the network, through the
resolver this package installs in the zoo's registry at import, so every /models/{name} route
serves custom networks with no server-side state.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from backend.architectures import naming
from backend.architectures.build import model_spec
from backend.architectures.codegen import identity_block_code, spec_code
from backend.architectures.limits import (
    ArchitectureLimits,
    check_limits,
    check_mult_adds,
    check_params,
    shapes_and_mult_adds,
)
from backend.architectures.specs import ArchitectureSpec, normalised, parse_spec
from backend.architectures.zoo_specs import ADAPTIVE_POOL, CODE_ONLY_SPECS, ZOO_SPECS
from backend.errors import InvalidArchitectureError, InvalidParameterError
from backend.i18n import bilingual
from backend.zoo.registry import ModelSpec, register_resolver

__all__ = [
    "Architecture",
    "ArchitectureLimits",
    "install",
    "model_code",
    "resolve",
    "spec_of",
    "validate",
]


@dataclass(frozen=True)
class Architecture:
    name: str
    spec: ArchitectureSpec
    params: int
    mult_adds: int  # of the conv and linear layers at the spec's input size
    output_shape: tuple[int, int, int]  # (C, H, W) of the last feature map


_limits = ArchitectureLimits()


def install(limits: ArchitectureLimits) -> None:
    """The limits from Settings (the app calls this at start); names already resolved under
    other limits are forgotten."""
    global _limits
    _limits = limits
    _resolve_cached.cache_clear()


def limits() -> ArchitectureLimits:
    return _limits


def check(spec: ArchitectureSpec, limits: ArchitectureLimits) -> Architecture:
    """Limits, then shapes, then mult-adds and parameters; names the spec. Nothing is built:
    the counts come from the layers' formulas (limits.py)."""
    check_limits(spec, limits)
    output_shape, mult_adds = shapes_and_mult_adds(spec)
    check_mult_adds(spec, mult_adds, limits)
    params = check_params(spec, limits)
    return Architecture(naming.encode(spec), spec, params, mult_adds, output_shape)


def validate(data: Any, limits: ArchitectureLimits | None = None) -> Architecture:
    """Untrusted JSON -> a checked, named network; InvalidArchitectureError naming the field."""
    return check(parse_spec(data), limits or _limits)


def from_name(name: str, limits: ArchitectureLimits | None = None) -> Architecture:
    """A custom name -> its network, re-validated; only the canonical spelling is accepted."""
    try:
        architecture = validate(naming.decode(name), limits)
    except InvalidArchitectureError as exc:
        if exc.extra.get("field") == "name":
            raise
        raise InvalidArchitectureError(
            bilingual("arch.not_accepted", name=repr(name[:60]), reason=exc.texts), **exc.extra
        ) from None
    if architecture.name != name:
        raise InvalidArchitectureError(
            bilingual(
                "arch.not_canonical", name=repr(name[:60]), canonical=repr(architecture.name)
            ),
            field="name",
            canonical=architecture.name,
        )
    return architecture


@lru_cache(maxsize=256)
def _resolve_cached(name: str) -> ModelSpec:
    return model_spec(name, from_name(name).spec)


def resolve(name: str) -> ModelSpec | None:
    """The zoo registry's resolver: None for names that are not custom at all."""
    if not naming.looks_custom(name):
        return None
    return _resolve_cached(name)


def spec_of(name: str) -> dict[str, Any] | None:
    """The normalised spec behind a model name: a custom one, or a zoo model the editor can
    express (None for the others, such as `basicblock`)."""
    if name in ZOO_SPECS:
        return normalised(parse_spec(ZOO_SPECS[name]))
    if naming.looks_custom(name):
        return normalised(from_name(name).spec)
    return None


register_resolver(resolve)


def model_code(model: ModelSpec, trained: bool = False) -> str:
    """GET /models/{name}/code: the model as a self-contained Python file in the seed's style."""
    name = model.name
    if name in ZOO_SPECS or name in CODE_ONLY_SPECS:
        spec = parse_spec(ZOO_SPECS.get(name) or CODE_ONLY_SPECS[name])
    elif naming.looks_custom(name):
        spec = from_name(name).spec
    elif name == "basicblock":  # the seed's standalone residual block: no family describes it
        channels, side, _ = model.default_input_shape
        return identity_block_code(name, channels, side)
    else:  # a zoo model added without a spec here: say so rather than write wrong code
        raise InvalidParameterError(bilingual("arch.no_code", model=name), model=name)
    return spec_code(spec, model.title, name, trained, adaptive_pool=name in ADAPTIVE_POOL)
