"""Python client for the moltmesh daemon.

The generated gRPC stubs of the whole API live in ``moltmesh.gen`` (``a2a_pb2``, ``diag_pb2``,
``ext_pb2``, ``types_pb2`` and their ``*_pb2_grpc`` service stubs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import grpc

from .gen import a2a_pb2_grpc, diag_pb2_grpc, ext_pb2_grpc

__version__ = "0.1.0"

__all__ = ["Connection", "connect", "default_socket", "__version__"]


def default_socket() -> str:
    """The daemon socket: ``$MOLTMESH_SOCKET``, else ``~/.moltmesh/moltmesh.sock``."""
    return os.environ.get("MOLTMESH_SOCKET") or os.path.join(os.path.expanduser("~"), ".moltmesh", "moltmesh.sock")


@dataclass
class Connection:
    """A channel to the daemon with one stub per service."""

    channel: grpc.Channel
    a2a: a2a_pb2_grpc.A2ANodeStub = field(init=False)
    diag: diag_pb2_grpc.DiagStub = field(init=False)
    ext: ext_pb2_grpc.ExtStub = field(init=False)

    def __post_init__(self) -> None:
        self.a2a = a2a_pb2_grpc.A2ANodeStub(self.channel)
        self.diag = diag_pb2_grpc.DiagStub(self.channel)
        self.ext = ext_pb2_grpc.ExtStub(self.channel)

    def close(self) -> None:
        self.channel.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(socket: str | None = None) -> Connection:
    """Opens a channel to the daemon's unix socket."""
    return Connection(grpc.insecure_channel(f"unix:{socket or default_socket()}"))
