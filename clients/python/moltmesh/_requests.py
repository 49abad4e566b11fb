"""Builds request messages from a positional message or dict and keyword arguments (shared by the sync
and async clients)."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from typing import Any

from google.protobuf.message import Message

from .gen import a2a_pb2
from .gen.types_pb2 import Part
from .parts import to_part, to_parts
from .surface import MethodSpec

_PART = Part.DESCRIPTOR


def _field_name(cls: type[Message], key: str) -> str | None:
    fields = cls.DESCRIPTOR.fields_by_name
    if key in fields:
        return key
    # `from` is a Python keyword: `from_=...` stands for it (and any other `<field>_`).
    if key.endswith("_") and key[:-1] in fields:
        return key[:-1]
    return None


def build_message(cls: type[Message], fields: Mapping[str, Any], where: str) -> Message:
    """``cls(**fields)`` with the SDK's conveniences: ``None`` means unset, ``from_`` means ``from``, and
    fields of ``Part`` type accept plain values (see :mod:`moltmesh.parts`)."""
    kwargs: dict[str, Any] = {}
    for key, value in fields.items():
        if value is None:
            continue
        name = _field_name(cls, key)
        if name is None:
            known = ", ".join(f.name for f in cls.DESCRIPTOR.fields)
            raise TypeError(f"{where}() got an unexpected keyword argument {key!r} ({cls.__name__} fields: {known})")
        field = cls.DESCRIPTOR.fields_by_name[name]
        if field.message_type is _PART:
            value = to_parts(value) if field.is_repeated else to_part(value)
        kwargs[name] = value
    return cls(**kwargs)


def build_request(spec: MethodSpec, request: Any, fields: Mapping[str, Any]) -> Message:
    """The request of one call: a message of the right class passed positionally, or a dict, or
    keyword arguments (not both)."""
    where = f"{spec.group}.{spec.name}"
    cls = spec.request_class
    if request is not None:
        if fields:
            raise TypeError(f"{where}() takes a request message or keyword arguments, not both")
        if isinstance(request, cls):
            return request
        if isinstance(request, Mapping):
            return build_message(cls, request, where)
        raise TypeError(f"{where}() expects a {cls.__name__} (or its fields), got {type(request).__name__}")
    return build_message(cls, fields, where)


def to_put_request(item: Any) -> a2a_pb2.PutBlobRequest:
    """One upload message from ``bytes`` (a chunk), a ``PutBlobMetadata``, a ``PutBlobRequest`` or a dict."""
    if isinstance(item, (bytes, bytearray, memoryview)):
        return a2a_pb2.PutBlobRequest(chunk=bytes(item))
    if isinstance(item, a2a_pb2.PutBlobMetadata):
        return a2a_pb2.PutBlobRequest(metadata=item)
    if isinstance(item, a2a_pb2.PutBlobRequest):
        return item
    if isinstance(item, Mapping):
        return a2a_pb2.PutBlobRequest(**item)
    raise TypeError(f"blobs.put(): cannot upload a {type(item).__name__} (bytes or PutBlobRequest expected)")


def lead_requests(first: a2a_pb2.PutBlobRequest | None, metadata: Mapping[str, Any]) -> list[a2a_pb2.PutBlobRequest]:
    """The upload's opening: the metadata message (from ``metadata`` unless ``first`` carries it), then
    ``first``. ``first`` is None for an empty upload."""
    if first is not None and first.WhichOneof("item") == "metadata":
        if metadata:
            raise TypeError("blobs.put(): metadata given twice (as keyword arguments and as the first item)")
        return [first]
    meta = build_message(a2a_pb2.PutBlobMetadata, metadata, "blobs.put")
    head = a2a_pb2.PutBlobRequest(metadata=meta)
    return [head] if first is None else [head, first]


def put_blob_requests(items: Iterable[Any], metadata: Mapping[str, Any]) -> Iterator[a2a_pb2.PutBlobRequest]:
    """The messages of an upload: ``items`` may be ``bytes`` chunks, ``PutBlobRequest``s, a leading
    ``PutBlobMetadata`` or dicts. Without leading metadata, one is sent first from ``metadata``
    (``name``, ``media_type``, ``size``; all optional)."""
    it = iter(items)
    first = next(it, None)
    yield from lead_requests(None if first is None else to_put_request(first), metadata)
    for item in it:
        yield to_put_request(item)


async def async_put_blob_requests(
    items: AsyncIterable[Any], metadata: Mapping[str, Any]
) -> AsyncIterator[a2a_pb2.PutBlobRequest]:
    """:func:`put_blob_requests` for an async iterable of items."""
    first = True
    async for item in items:
        if first:
            first = False
            for req in lead_requests(to_put_request(item), metadata):
                yield req
        else:
            yield to_put_request(item)
    if first:
        for req in lead_requests(None, metadata):
            yield req
