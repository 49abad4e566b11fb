"""Content parts: building them from Python values and reading them back.

Wherever a request has a field of ``Part`` type (``parts``, ``input``, ``output``, ``message``), and
wherever a worker handler returns its output, the SDK accepts plain values (the same rules as the
TypeScript SDK's ``toParts``):

=========================================  =============================================
value                                      parts
=========================================  =============================================
``None`` or an empty list                  none
``str``                                    one text part
``bytes``                                  one raw part
``Part`` / ``Artifact``                    that part / one artifact part
a list of ``Part`` messages (or of part  those parts (a dict like ``{"text": "hi"}``
dicts such as ``{"text": ...}``)           becomes ``Part(text="hi")``)
anything else (dict, list, number, bool)   one JSON part (``application/json``)
=========================================  =============================================

So ``input={"n": 1}`` and ``input=[1, 2]`` are each one JSON part; build several parts with
``[moltmesh.text("a"), moltmesh.data({"n": 1})]``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Union

from .gen import types_pb2
from .gen.types_pb2 import Artifact, Part

#: What the SDK turns into a Part.
PartLike = Union[Part, Artifact, str, bytes, dict[str, Any], list[Any], int, float, bool, None]  # noqa: UP007 (3.10 at run time)


def text(value: str, *, media_type: str = "") -> Part:
    """A text part."""
    return Part(text=value, media_type=media_type)


def data(value: Any, *, media_type: str = "application/json") -> Part:
    """A JSON part: ``value`` serialised with ``json.dumps`` (for JSON text you already have, use
    ``Part(data_json=...)``)."""
    return Part(data_json=json.dumps(value), media_type=media_type)


def raw(value: bytes, *, media_type: str = "") -> Part:
    """A part of raw bytes (small content only; large content goes through blobs)."""
    return Part(raw=value, media_type=media_type)


def artifact(value: Artifact | str, *, media_type: str = "") -> Part:
    """A part naming a blob, by ``Artifact`` or by CID."""
    art = value if isinstance(value, Artifact) else Artifact(cid=value)
    return Part(artifact=art, media_type=media_type)


_CONTENT_KEYS = frozenset({"text", "data_json", "raw", "artifact"})


def _is_part_like(value: Any) -> bool:
    return isinstance(value, (Part, Artifact)) or (isinstance(value, Mapping) and bool(_CONTENT_KEYS & value.keys()))


def to_part(value: PartLike) -> Part:
    """Converts one value to one Part (see the module docs)."""
    if isinstance(value, Part):
        return value
    if isinstance(value, str):
        return text(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return raw(bytes(value))
    if isinstance(value, Artifact):
        return artifact(value)
    return data(value)


def to_parts(value: PartLike | Iterable[PartLike]) -> list[Part]:
    """Converts a value to a list of Parts (see the module docs)."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, bytearray, memoryview, Part, Artifact, Mapping)):
        return [to_part(value)]  # type: ignore[arg-type]
    if isinstance(value, Iterable):
        items = list(value)
        if not items:
            return []
        if all(_is_part_like(v) for v in items):
            return [Part(**v) if isinstance(v, Mapping) else to_part(v) for v in items]
        return [data(items)]
    return [to_part(value)]


def parts_text(parts: Iterable[Part], sep: str = "\n") -> str:
    """The text parts joined by ``sep``."""
    return sep.join(p.text for p in parts if p.WhichOneof("content") == "text")


def parts_data(parts: Iterable[Part]) -> Any:
    """The first JSON part, parsed; ``None`` when there is none."""
    for p in parts:
        if p.WhichOneof("content") == "data_json":
            return json.loads(p.data_json)
    return None


def part_value(part: Part) -> Any:
    """A part's content as a Python value: text as ``str``, JSON parsed, raw as ``bytes``, an
    artifact as its ``Artifact``."""
    kind = part.WhichOneof("content")
    if kind == "text":
        return part.text
    if kind == "data_json":
        return json.loads(part.data_json)
    if kind == "raw":
        return part.raw
    if kind == "artifact":
        return part.artifact
    return None


def sender(message: types_pb2.Message) -> str:
    """A message's sender DID (``from`` is a Python keyword, so ``message.from`` cannot be written)."""
    return str(getattr(message, "from"))


__all__ = [
    "PartLike",
    "artifact",
    "data",
    "part_value",
    "parts_data",
    "parts_text",
    "raw",
    "sender",
    "text",
    "to_part",
    "to_parts",
]
