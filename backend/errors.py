"""Domain errors. The HTTP layer maps each class to a status in one place (api/errors.py)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from backend.i18n import bilingual


@dataclass(frozen=True)
class PerLanguage:
    """An error's extra field that reads differently per language (e.g. a list of sentences):
    the HTTP layer answers the client's language, English when that one is missing."""

    values: Mapping[str, Any]

    def get(self, lang: str) -> Any:
        return self.values.get(lang, self.values["en"])


class ShuttingDown(RuntimeError):
    """Work asked for, or cut short, after its pool was closed: only while the server stops,
    when no request is left to answer, so it never becomes an HTTP status (an engine's session
    build in its background thread is told this way)."""


class ExplorerError(Exception):
    """A mistake in what a client asked for; `detail` is one sentence a person can act on.

    `detail` is English, or the sentence in several languages ({"en": ..., "ko": ...}, as
    backend.i18n.bilingual makes it): the HTTP layer answers in the client's language.
    `field` names the request parameter at fault; `fields` lists every one (both height and
    width when both are out of range) and is filled from `field` when only that is given.
    """

    def __init__(self, detail: str | Mapping[str, str], **extra: Any) -> None:
        texts = {"en": detail} if isinstance(detail, str) else dict(detail)
        super().__init__(texts["en"])
        self.detail = texts["en"]
        self.texts = texts
        if "field" in extra and "fields" not in extra:
            extra["fields"] = [extra["field"]]
        elif "fields" in extra and "field" not in extra:
            extra["field"] = extra["fields"][0]
        self.extra = extra


class UnknownModelError(ExplorerError):
    def __init__(self, name: str, known: list[str]) -> None:
        listed = ", ".join(known)
        super().__init__(
            bilingual("unknown_model", name=repr(name), listed=listed), available=known
        )


class InvalidParameterError(ExplorerError):
    """A parameter outside its allowed range (size, batch, classes...)."""


class InputSizeError(ExplorerError):
    """The network cannot take an input of this size; `layer` names where it fails."""


class InvalidArchitectureError(ExplorerError):
    """A custom network (the editor's spec, or a name that encodes one) that is malformed, over
    a limit, or cannot run at its input size; `field` names the spec field at fault."""


class RequestTooLargeError(ExplorerError):
    """A JSON request body over its size limit (images have ImageTooLargeError)."""


class NotAClassifierError(ExplorerError):
    """A building block (no classes, no labels) asked to do a classifier's job."""


class ImageRejectedError(ExplorerError):
    """An upload the server will not turn into an image; subclasses say why."""


class ImageTooLargeError(ImageRejectedError):
    """An allowed format, but too many bytes or declared pixels."""


class UnsupportedFormatError(ImageRejectedError):
    """A real file format outside the allow-list (SVG, PDF, TIFF...), or a request body type
    the endpoint does not take."""


class UndecodableImageError(ImageRejectedError):
    """Empty, truncated, zero-size, corrupt, or not an image at all."""


class ServerBusyError(ExplorerError):
    """One kind of heavy work is at capacity (its workers busy and its queue full, or its
    memory budget taken); `retry_after_s` says when to come back. Other kinds still run."""


class ModelUnavailableError(ServerBusyError):
    """The model cannot run right now (too many requests waiting, out of memory)."""


class ExportBusyError(ServerBusyError):
    """Exports are at capacity; this one waited too long for its turn."""


class RunNotFoundError(ExplorerError):
    """No training run with this id (never made, or deleted)."""


class RunStateError(ExplorerError):
    """The run exists but cannot do this yet (a checkpoint of a run still training...)."""


class UnknownExperimentError(ExplorerError):
    """No lab preset of this name."""


class DatasetUnavailableError(ExplorerError):
    """A data set that is not on this machine; the detail names the folder and the manual step."""


class TrainingBusyError(ExplorerError):
    """The training queue is full; `retry_after_s` says when to try again."""


class NoPublishedWeightsError(ExplorerError):
    """A model with no published state dict to fetch (the seed's AlexNet, the CIFAR ResNets)."""

    def __init__(self, model: str, published: list[str]) -> None:
        super().__init__(
            bilingual("error.weights.none_published", model=model, published=", ".join(published)),
            model=model,
            published=published,
        )


class DownloadsDisabledError(ExplorerError):
    """Server-side weight downloads are off (ALLOW_WEIGHT_DOWNLOADS); `command` does it by hand."""


class DownloadConflictError(ExplorerError):
    """Another model's download is running, or the model already has trained weights."""
