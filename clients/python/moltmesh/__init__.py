"""Python SDK of the moltmesh daemon.

``Client`` (and ``AsyncClient`` for asyncio) talk to the local daemon over its unix socket; their
method groups follow ``surface.json`` (``client.tasks.create(...)``, ``client.inbox.subscribe()``,
``client.node.health()``), failures raise typed errors (``moltmesh.NotFoundError``, ...)::

    import moltmesh

    with moltmesh.Client() as client:          # $MOLTMESH_SOCKET or ~/.moltmesh/moltmesh.sock
        print(client.node.health().did)

The generated gRPC stubs of the whole API live in ``moltmesh.gen`` (``a2a_pb2``, ``diag_pb2``,
``ext_pb2``, ``types_pb2`` and their ``*_pb2_grpc`` service stubs); ``connect()`` returns a raw channel
carrying them.

Stubs you generate yourself from the protos (``python -m grpc_tools.protoc -Iproto --python_out=gen
--grpc_python_out=gen proto/moltmesh/v1/*.proto``) import as ``moltmesh.v1``: with ``gen`` on
``sys.path`` before this package is first imported, ``import moltmesh.v1.a2a_pb2`` finds them next to
the SDK (docs/other-languages.md).
"""

from __future__ import annotations

import pkgutil

# Let `moltmesh.v1` (protoc's package for the public protos) come from any `moltmesh/` directory on
# sys.path, so self-generated stubs live alongside the installed SDK instead of clashing with it.
__path__ = pkgutil.extend_path(__path__, __name__)

from typing import Any

import grpc

from . import (
    errors,
    parts,
    tools,
)
from .aio import AsyncClient, AsyncStream, AsyncTaskContext, AsyncWorker
from .client import Client, Stream, default_socket, is_terminal
from .errors import (
    AbortedError,
    AlreadyExistsError,
    CanceledError,
    DaemonNotRunningError,
    DeadlineExceededError,
    FailedPreconditionError,
    InternalError,
    InvalidArgumentError,
    MoltmeshError,
    NotFoundError,
    NotImplementedError,
    PermissionDeniedError,
    ResourceExhaustedError,
    UnauthenticatedError,
    UnavailableError,
    VersionMismatchError,
    WaitTimeoutError,
    is_reason,
)
from .gen import (
    a2a_pb2,
    a2a_pb2_grpc,
    diag_pb2,
    diag_pb2_grpc,
    ext_pb2,
    ext_pb2_grpc,
    types_pb2,
)
from .gen.types_pb2 import Artifact, Part, Task, TaskEvent, TaskEventKind, TaskState
from .parts import artifact, data, part_value, parts_data, parts_text, raw, sender, text, to_part, to_parts
from .surface import API_VERSION
from .worker import TaskCanceled, TaskContext, TaskFailure, TaskRejected, Worker

__version__ = "0.1.0"

__all__ = [
    "API_VERSION",
    "AbortedError",
    "AlreadyExistsError",
    "Artifact",
    "AsyncClient",
    "AsyncStream",
    "AsyncTaskContext",
    "AsyncWorker",
    "CanceledError",
    "Client",
    "Connection",
    "DaemonNotRunningError",
    "DeadlineExceededError",
    "FailedPreconditionError",
    "InternalError",
    "InvalidArgumentError",
    "MoltmeshError",
    "NotFoundError",
    "NotImplementedError",
    "Part",
    "PermissionDeniedError",
    "ResourceExhaustedError",
    "Stream",
    "Task",
    "TaskCanceled",
    "TaskContext",
    "TaskEvent",
    "TaskEventKind",
    "TaskFailure",
    "TaskRejected",
    "TaskState",
    "UnauthenticatedError",
    "UnavailableError",
    "VersionMismatchError",
    "WaitTimeoutError",
    "Worker",
    "__version__",
    "a2a_pb2",
    "a2a_pb2_grpc",
    "a2a_stub",
    "artifact",
    "connect",
    "data",
    "default_socket",
    "diag_pb2",
    "diag_pb2_grpc",
    "diag_stub",
    "errors",
    "ext_pb2",
    "ext_pb2_grpc",
    "ext_stub",
    "is_reason",
    "is_terminal",
    "part_value",
    "parts",
    "parts_data",
    "parts_text",
    "raw",
    "sender",
    "text",
    "to_part",
    "to_parts",
    "tools",
    "types_pb2",
]


def a2a_stub(channel: grpc.Channel) -> a2a_pb2_grpc.A2ANodeStub:
    """A stub of the ``A2ANode`` service on ``channel``."""
    return a2a_pb2_grpc.A2ANodeStub(channel)


def diag_stub(channel: grpc.Channel) -> diag_pb2_grpc.DiagStub:
    """A stub of the ``Diag`` service on ``channel``."""
    return diag_pb2_grpc.DiagStub(channel)


def ext_stub(channel: grpc.Channel) -> ext_pb2_grpc.ExtStub:
    """A stub of the ``Ext`` service on ``channel``."""
    return ext_pb2_grpc.ExtStub(channel)


class Connection(grpc.Channel):
    """A ``grpc.Channel`` to the daemon that also carries one stub per service.

    It delegates every channel method to the wrapped channel, so it can be passed wherever grpc
    expects a channel; ``a2a``, ``diag`` and ``ext`` are the ``A2ANode``, ``Diag`` and ``Ext`` stubs.
    """

    def __init__(self, channel: grpc.Channel) -> None:
        self.channel = channel
        self.a2a = a2a_stub(channel)
        self.diag = diag_stub(channel)
        self.ext = ext_stub(channel)

    def subscribe(self, callback: Any, try_to_connect: bool = False) -> None:
        self.channel.subscribe(callback, try_to_connect=try_to_connect)

    def unsubscribe(self, callback: Any) -> None:
        self.channel.unsubscribe(callback)

    def unary_unary(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.channel.unary_unary(method, *args, **kwargs)

    def unary_stream(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.channel.unary_stream(method, *args, **kwargs)

    def stream_unary(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.channel.stream_unary(method, *args, **kwargs)

    def stream_stream(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.channel.stream_stream(method, *args, **kwargs)

    def close(self) -> None:
        self.channel.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> bool:
        self.close()
        return False


def connect(socket: str | None = None) -> Connection:
    """Opens an insecure channel to ``unix:<socket>`` (default: :func:`default_socket`).

    The result is a ``grpc.Channel`` with ``a2a``, ``diag`` and ``ext`` stubs attached; use it as a
    context manager or call ``close()``.
    """
    return Connection(grpc.insecure_channel(f"unix:{socket or default_socket()}"))
