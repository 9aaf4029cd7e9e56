"""Domain errors. The HTTP layer maps each class to a status in one place (api/errors.py)."""

from typing import Any


class ExplorerError(Exception):
    """A mistake in what a client asked for; `detail` is one sentence a person can act on."""

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class UnknownModelError(ExplorerError):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(
            f"Unknown model {name!r}; available models: {', '.join(known)}.",
            available=known,
        )


class InvalidParameterError(ExplorerError):
    """A parameter outside its allowed range (size, batch, classes...)."""


class InputSizeError(ExplorerError):
    """The network cannot take an input of this size; `layer` names where it fails."""


class NotAClassifierError(ExplorerError):
    """A building block (no classes, no labels) asked to do a classifier's job."""
