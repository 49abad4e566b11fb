"""The SDK surface: method groups and names mapped to RPCs, read from ``surface.json``.

``surface.json`` is a copy of the repository's ``clients/surface.json``, which the TypeScript SDK reads
too (a test keeps the copy equal). Python names are the snake_case form of its camelCase names
(``tasks.sendInput`` -> ``client.tasks.send_input``). Each method's request and response classes and
its streaming kind come from the generated descriptors, so nothing here is written per RPC.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import ModuleType
from typing import Any, Literal

from google.protobuf.message import Message

from .gen import a2a_pb2, a2a_pb2_grpc, diag_pb2, diag_pb2_grpc, ext_pb2, ext_pb2_grpc

#: The API version this SDK speaks (``HealthResponse.api_version`` of a matching daemon).
API_VERSION = "moltmesh.v1"

Kind = Literal["unary", "server_stream", "client_stream"]

# Service name -> (messages module, grpc module).
SERVICES: dict[str, tuple[ModuleType, ModuleType]] = {
    "A2ANode": (a2a_pb2, a2a_pb2_grpc),
    "Diag": (diag_pb2, diag_pb2_grpc),
    "Ext": (ext_pb2, ext_pb2_grpc),
}


@dataclass(frozen=True)
class MethodSpec:
    """One SDK method: ``client.<group>.<name>`` calls ``<service>.<rpc>``."""

    group: str
    name: str
    camel_name: str
    service: str
    rpc: str
    kind: Kind
    request_class: type[Message]
    response_class: type[Message]

    @property
    def path(self) -> str:
        """The gRPC method path, ``/moltmesh.v1.<Service>/<Rpc>``."""
        return f"/moltmesh.v1.{self.service}/{self.rpc}"


def snake_case(name: str) -> str:
    """``sendInput`` -> ``send_input``; ``listDemand`` -> ``list_demand``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


@cache
def raw_surface() -> dict[str, dict[str, str]]:
    """surface.json as shipped in the package, without its ``$comment``."""
    text = resources.files(__package__).joinpath("surface.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return {group: dict(methods) for group, methods in data.items() if not group.startswith("$")}


def _message_class(module: ModuleType, descriptor: Any) -> type[Message]:
    cls = getattr(module, descriptor.name, None)
    if cls is None or getattr(cls, "DESCRIPTOR", None) is not descriptor:
        from google.protobuf import message_factory

        cls = message_factory.GetMessageClass(descriptor)
    return cls  # type: ignore[no-any-return]


@cache
def surface() -> dict[str, tuple[MethodSpec, ...]]:
    """Group name -> its methods, in the order of surface.json."""
    groups: dict[str, tuple[MethodSpec, ...]] = {}
    for group, methods in raw_surface().items():
        specs: list[MethodSpec] = []
        for camel, target in methods.items():
            service, _, rpc = target.partition(".")
            if service not in SERVICES:
                raise ValueError(f"surface.json: {group}.{camel} names an unknown service {service!r}")
            module = SERVICES[service][0]
            method = module.DESCRIPTOR.services_by_name[service].methods_by_name.get(rpc)
            if method is None:
                raise ValueError(f"surface.json: {group}.{camel} names an unknown RPC {target!r}")
            if method.client_streaming and method.server_streaming:
                raise ValueError(f"surface.json: {target} is a bidirectional stream, which the SDK does not support")
            kind: Kind = (
                "client_stream" if method.client_streaming else "server_stream" if method.server_streaming else "unary"
            )
            specs.append(
                MethodSpec(
                    group=group,
                    name=snake_case(camel),
                    camel_name=camel,
                    service=service,
                    rpc=rpc,
                    kind=kind,
                    request_class=_message_class(module, method.input_type),
                    response_class=_message_class(module, method.output_type),
                )
            )
        groups[group] = tuple(specs)
    return groups


def all_methods() -> list[MethodSpec]:
    """Every method of every group."""
    return [spec for specs in surface().values() for spec in specs]


__all__ = ["API_VERSION", "MethodSpec", "all_methods", "raw_surface", "snake_case", "surface"]
