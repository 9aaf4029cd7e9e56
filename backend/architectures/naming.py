"""A custom network's name is its spec: canonical, deterministic, URL-safe and bounded.

Readable where it fits in READABLE_MAX characters: the family, a dot, the family's main list
joined by '-', then '~'-separated options that differ from the defaults, in a fixed order:

    vgg.64-64-M-128-128-M~bn~c10~s32     resnet.3-3-3~w16-32-64~plain
    simplecnn.16-32~h64~tanh             alexnet.96-256-384-384-256~g2-2-2

Otherwise compact: `<family>.z<base64url(zlib(JSON of the non-default fields))>`. Decoding
never trusts a name: it is parsed, validated like a POSTed spec (limits and shapes included),
and must re-encode to itself, so every network has exactly one name.
"""

import base64
import binascii
import json
import re
import zlib
from typing import Any

from backend.architectures.specs import (
    FAMILIES,
    MAIN_LIST,
    SPEC_ADAPTER,
    ArchitectureSpec,
)
from backend.errors import InvalidArchitectureError
from backend.i18n import bilingual

READABLE_MAX = 160
NAME_MAX = 1024  # far above any name a spec within the limits encodes to (tests/ check)
COMPACT_JSON_MAX = 64 * 1024  # decompressed bytes a compact name may expand to
NAME_PATTERN = re.compile(r"^(vgg|resnet|simplecnn|alexnet)\.([A-Za-z0-9_~-]+)$")
_NUMBER = re.compile(r"^[1-9][0-9]{0,8}$")

# option token -> field; flags first (a flag's text is never another token's prefix + digits)
FLAGS: dict[str, tuple[str, Any]] = {
    "bn": ("batch_norm", True),
    "plain": ("skip", False),
    "imagenet": ("stem", "imagenet"),
    "sigmoid": ("activation", "sigmoid"),
    "tanh": ("activation", "tanh"),
}
LISTS = {"fc": "classifier", "w": "widths", "g": "groups"}
NUMBERS = {"in": "in_channels", "h": "hidden", "c": "num_classes", "s": "input_size"}
ORDER = ["cfg", "blocks", "channels", "widths", "groups", "classifier", "hidden", "batch_norm"]
ORDER += ["stem", "skip", "activation", "num_classes", "in_channels", "input_size"]


def _defaults(family: str) -> dict[str, Any]:
    return SPEC_ADAPTER.validate_python({"family": family}).model_dump(mode="json")


_DEFAULTS = {f: _defaults(f) for f in FAMILIES}


def _differences(spec: ArchitectureSpec) -> dict[str, Any]:
    data = spec.model_dump(mode="json")
    defaults = _DEFAULTS[spec.family]
    return {k: data[k] for k in ORDER if k in data and data[k] != defaults[k]}


def _token(field: str, value: Any) -> str:
    for token, (f, v) in FLAGS.items():
        if f == field and v == value:
            return token
    for token, f in LISTS.items():
        if f == field:
            return token + "-".join(str(v) for v in value)
    for token, f in NUMBERS.items():
        if f == field:
            return f"{token}{value}"
    raise AssertionError(f"no token for {field}={value!r}")  # every field has one


def readable_name(spec: ArchitectureSpec) -> str:
    main = MAIN_LIST[spec.family]
    parts = ["-".join(str(v) for v in getattr(spec, main))]
    parts += [_token(k, v) for k, v in _differences(spec).items() if k != main]
    return f"{spec.family}.{'~'.join(parts)}"


def compact_name(spec: ArchitectureSpec) -> str:
    text = json.dumps(_differences(spec), separators=(",", ":"), sort_keys=True)
    packed = base64.urlsafe_b64encode(zlib.compress(text.encode(), 9)).decode().rstrip("=")
    return f"{spec.family}.z{packed}"


def encode(spec: ArchitectureSpec) -> str:
    """The canonical name of a (validated) spec."""
    name = readable_name(spec)
    return name if len(name) <= READABLE_MAX else compact_name(spec)


def _bad(name: str, why: dict[str, str]) -> InvalidArchitectureError:
    """`why`: the reason, keyed bilingual text (arch.name.*)."""
    shown = name if len(name) <= 60 else name[:57] + "..."
    return InvalidArchitectureError(
        bilingual("arch.bad_name", name=repr(shown), reason=why), field="name"
    )


def _number(token: str, text: str, name: str) -> int:
    if not _NUMBER.match(text):
        raise _bad(name, bilingual("arch.name.number", token=repr(token)))
    return int(text)


def _numbers(token: str, text: str, name: str, allow_pool: bool = False) -> list[int | str]:
    if text == "":
        return []
    values: list[int | str] = []
    for item in text.split("-"):
        values.append("M" if allow_pool and item == "M" else _number(token, item, name))
    return values


def _parse_readable(family: str, body: str, name: str) -> dict[str, Any]:
    main, *options = body.split("~")
    data: dict[str, Any] = {"family": family}
    data[MAIN_LIST[family]] = _numbers(MAIN_LIST[family], main, name, allow_pool=True)
    for option in options:
        field, value = _option(option, name)
        if field in data:
            raise _bad(name, bilingual("arch.name.twice", field=field))
        data[field] = value
    return data


def _option(option: str, name: str) -> tuple[str, Any]:
    if option in FLAGS:
        return FLAGS[option]
    for token, field in LISTS.items():
        if option.startswith(token):
            return field, _numbers(token, option[len(token) :], name)
    for token, field in NUMBERS.items():
        if option.startswith(token) and option[len(token) : len(token) + 1].isdigit():
            return field, _number(token, option[len(token) :], name)
    raise _bad(name, bilingual("arch.name.option", option=repr(option[:20])))


def _parse_compact(family: str, packed: str, name: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4))
        inflater = zlib.decompressobj()
        text = inflater.decompress(raw, COMPACT_JSON_MAX)
        if inflater.unconsumed_tail or not inflater.eof:
            raise _bad(name, bilingual("arch.name.damaged_long"))
        data = json.loads(text)
    except (binascii.Error, zlib.error, ValueError, UnicodeDecodeError):
        raise _bad(name, bilingual("arch.name.damaged")) from None
    if not isinstance(data, dict) or "family" in data:
        raise _bad(name, bilingual("arch.name.not_fields"))
    return {"family": family, **data}


def looks_custom(name: str) -> bool:
    """Cheap test before any parsing: family, dot, URL-safe characters, bounded length."""
    return len(name) <= NAME_MAX and NAME_PATTERN.match(name) is not None


def decode(name: str) -> dict[str, Any]:
    """A custom name -> the raw fields it spells (validate them before use); names that are
    not custom at all should be filtered with looks_custom first."""
    match = NAME_PATTERN.match(name)
    if len(name) > NAME_MAX or match is None:
        raise _bad(name, bilingual("arch.name.form", families=", ".join(FAMILIES)))
    family, body = match.groups()
    if body.startswith("z"):
        return _parse_compact(family, body[1:], name)
    return _parse_readable(family, body, name)
