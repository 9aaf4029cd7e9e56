"""The seed's architectures and the registry that names them."""

from backend.zoo import catalog as _catalog  # noqa: F401  (fills the registry)
from backend.zoo.registry import ModelSpec, all_specs, get_spec, model_names, register_resolver

__all__ = ["ModelSpec", "all_specs", "get_spec", "model_names", "register_resolver"]
