"""Typed errors of the Python SDK (the same classes as the TypeScript client's ``clients/ts/errors.ts``).

The daemon answers a failed call with a gRPC status and a machine-readable reason, twice: in the
trailing metadata key ``moltmesh-reason`` and as a standard ``google.rpc.ErrorInfo`` in
``grpc-status-details-bin`` (docs/errors.md). The class is chosen by the status; the reason (from
either) is kept as ``.reason`` and the ErrorInfo as ``.error_info``::

    try:
        client.tasks.get(id="task_nope")
    except moltmesh.NotFoundError as err:
        assert err.reason == "TASK_NOT_FOUND"
"""

from __future__ import annotations

import os
import re
from typing import Literal

import grpc
from google.protobuf.message import DecodeError
from google.rpc import error_details_pb2, status_pb2

REASON_METADATA_KEY = "moltmesh-reason"
STATUS_DETAILS_METADATA_KEY = "grpc-status-details-bin"
ERROR_DOMAIN = "moltmesh"

DaemonState = Literal["missing", "stale", "unreachable"]


class MoltmeshError(Exception):
    """A failed call. ``reason`` is the machine-readable reason (e.g. ``INVALID_DID``), ``code`` the
    ``grpc.StatusCode`` and ``details`` the status details sent by the daemon."""

    reason: str
    code: grpc.StatusCode
    details: str
    error_info: error_details_pb2.ErrorInfo | None
    """The standard ``google.rpc.ErrorInfo`` the daemon sent (``metadata["field"]`` names a faulty
    request field), or None (an error made by the SDK, or from an older daemon)."""

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        code: grpc.StatusCode = grpc.StatusCode.UNKNOWN,
        details: str | None = None,
        error_info: error_details_pb2.ErrorInfo | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.code = code
        self.details = message if details is None else details
        self.error_info = error_info

    def __str__(self) -> str:
        return f"{super().__str__()} [{self.reason}]"

    def __reduce__(self) -> tuple[object, ...]:
        info = self.error_info.SerializeToString() if self.error_info is not None else None
        message = str(self.args[0]) if self.args else ""
        return (_rebuild, (type(self), message, self.reason, self.code, self.details, info))


def _rebuild(
    cls: type[MoltmeshError],
    message: str,
    reason: str,
    code: grpc.StatusCode,
    details: str,
    info: bytes | None = None,
) -> MoltmeshError:
    err = cls.__new__(cls)
    error_info = error_details_pb2.ErrorInfo.FromString(info) if info is not None else None
    MoltmeshError.__init__(err, message, reason=reason, code=code, details=details, error_info=error_info)
    return err


class InvalidArgumentError(MoltmeshError):
    """INVALID_ARGUMENT (and OUT_OF_RANGE): a request field is missing, malformed or out of range."""


class NotFoundError(MoltmeshError):
    """NOT_FOUND: no such task, message, card, name, blob, ..."""


class AlreadyExistsError(MoltmeshError):
    """ALREADY_EXISTS."""


class FailedPreconditionError(MoltmeshError):
    """FAILED_PRECONDITION: the call is not allowed in the current state (e.g. ``TASK_TERMINAL``)."""


class PermissionDeniedError(MoltmeshError):
    """PERMISSION_DENIED (e.g. ``NOT_ADMIN``)."""


class UnauthenticatedError(MoltmeshError):
    """UNAUTHENTICATED: the TCP listener wants the right bearer token."""


class ResourceExhaustedError(MoltmeshError):
    """RESOURCE_EXHAUSTED (e.g. ``BLOB_TOO_LARGE``, ``TOO_MANY_TOPICS``)."""


class UnavailableError(MoltmeshError):
    """UNAVAILABLE: a peer could not be reached, or the daemon is still starting (``NOT_READY``)."""


class DeadlineExceededError(MoltmeshError):
    """DEADLINE_EXCEEDED: the call's timeout passed."""


class NotImplementedError(MoltmeshError):  # shadows the builtin on purpose: the TypeScript name
    """UNIMPLEMENTED: the RPC is part of the API but its subsystem has not landed yet."""


class AbortedError(MoltmeshError):
    """ABORTED."""


class CanceledError(MoltmeshError):
    """CANCELLED: the call was canceled."""


class InternalError(MoltmeshError):
    """INTERNAL, UNKNOWN or DATA_LOSS: a bug (the daemon logs the stack trace)."""


class DaemonNotRunningError(UnavailableError):
    """No daemon answers on the socket: the file is missing, or stale (nothing listens on it).

    ``socket`` is the path (or ``host:port``) that was tried; ``state`` what was found.
    """

    socket: str
    state: DaemonState

    def __init__(self, socket: str, state: DaemonState = "missing") -> None:
        where = {
            "missing": f"no socket at {socket}",
            "stale": f"stale socket at {socket}, nothing listening",
            "unreachable": f"nothing answers on {socket}",
        }[state]
        super().__init__(
            f"moltmesh daemon is not running ({where}) — start it with `moltmesh start`",
            reason="DAEMON_NOT_RUNNING",
            code=grpc.StatusCode.UNAVAILABLE,
        )
        self.socket = socket
        self.state = state

    def __str__(self) -> str:
        return str(self.args[0])

    def __reduce__(self) -> tuple[object, ...]:
        return (DaemonNotRunningError, (self.socket, self.state))


class VersionMismatchError(FailedPreconditionError):
    """The daemon speaks another API version than this SDK (raised by ``check_version()``)."""

    daemon_version: str
    sdk_version: str

    def __init__(self, daemon_version: str, sdk_version: str) -> None:
        spoken = daemon_version or "no API version (an older daemon)"
        super().__init__(
            f"the daemon speaks {spoken}, this SDK speaks {sdk_version}: "
            "upgrade the daemon or the moltmesh Python package so they match",
            reason="API_VERSION_MISMATCH",
            code=grpc.StatusCode.FAILED_PRECONDITION,
        )
        self.daemon_version = daemon_version
        self.sdk_version = sdk_version


class WaitTimeoutError(DeadlineExceededError, TimeoutError):
    """``wait_task`` gave up before the task ended. ``task`` is the task as last seen."""

    def __init__(self, message: str, task: object) -> None:
        super().__init__(message, reason="WAIT_TIMEOUT", code=grpc.StatusCode.DEADLINE_EXCEEDED)
        self.task = task


_CLASS_BY_STATUS: dict[grpc.StatusCode, type[MoltmeshError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    grpc.StatusCode.OUT_OF_RANGE: InvalidArgumentError,
    grpc.StatusCode.NOT_FOUND: NotFoundError,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExistsError,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPreconditionError,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDeniedError,
    grpc.StatusCode.UNAUTHENTICATED: UnauthenticatedError,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    grpc.StatusCode.UNAVAILABLE: UnavailableError,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceededError,
    grpc.StatusCode.UNIMPLEMENTED: NotImplementedError,
    grpc.StatusCode.ABORTED: AbortedError,
    grpc.StatusCode.CANCELLED: CanceledError,
    grpc.StatusCode.INTERNAL: InternalError,
    grpc.StatusCode.DATA_LOSS: InternalError,
    grpc.StatusCode.UNKNOWN: InternalError,
}


def _trailer_value(err: grpc.RpcError, key: str) -> str | bytes | None:
    trailing = getattr(err, "trailing_metadata", None)
    try:
        metadata = trailing() if callable(trailing) else None
    except Exception:  # a call that never started has no metadata to read
        metadata = None
    for item in metadata or ():
        k, v = (item.key, item.value) if hasattr(item, "key") else item
        if k == key:
            return v
    return None


def _trailer(err: grpc.RpcError, key: str) -> str | None:
    value = _trailer_value(err, key)
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)


def error_info_of(err: BaseException) -> error_details_pb2.ErrorInfo | None:
    """The moltmesh ``google.rpc.ErrorInfo`` in a ``grpc.RpcError``'s ``grpc-status-details-bin``
    trailer (what ``grpc_status.rpc_status.from_call`` reads), or None."""
    if isinstance(err, MoltmeshError):
        return err.error_info
    raw = _trailer_value(err, STATUS_DETAILS_METADATA_KEY)  # type: ignore[arg-type]
    if not isinstance(raw, bytes):
        return None
    try:
        st = status_pb2.Status.FromString(raw)
        for detail in st.details:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                if info.domain == ERROR_DOMAIN:
                    return info
    except DecodeError:
        return None
    return None


def _not_running(socket: str | None, address: str | None, details: str) -> DaemonNotRunningError | None:
    if address is not None:
        return DaemonNotRunningError(address, "unreachable") if re.search(r"refused", details, re.I) else None
    if socket is None:
        return None
    # grpcio words a failed connect as "failed to connect to all addresses; ... error: No such file or
    # directory | Connection refused". The file check settles wordings that are less specific.
    if not os.path.exists(socket) or re.search(r"No such file|ENOENT", details):
        return DaemonNotRunningError(socket, "missing")
    if re.search(r"Connection refused|ECONNREFUSED", details):
        return DaemonNotRunningError(socket, "stale")
    if re.search(r"Permission denied|EACCES|EPERM", details):
        return None  # a daemon may well be running; the caller needs the real cause
    if re.search(r"failed to connect|Failed to connect", details):
        return DaemonNotRunningError(socket, "unreachable")
    return None


def to_moltmesh_error(err: BaseException, *, socket: str | None = None, address: str | None = None) -> MoltmeshError:
    """Converts a ``grpc.RpcError`` (sync or aio) into a typed :class:`MoltmeshError` (idempotent).

    ``socket`` (or ``address``) lets a failed connect be reported as :class:`DaemonNotRunningError`
    instead of a bare UNAVAILABLE.
    """
    if isinstance(err, MoltmeshError):
        return err
    code_fn = getattr(err, "code", None)
    code = code_fn() if callable(code_fn) else None
    if not isinstance(code, grpc.StatusCode):
        return InternalError(str(err) or type(err).__name__, reason="INTERNAL", code=grpc.StatusCode.INTERNAL)
    details_fn = getattr(err, "details", None)
    details = (details_fn() if callable(details_fn) else None) or ""
    info = error_info_of(err)
    reason = _trailer(err, REASON_METADATA_KEY) or (info.reason if info is not None else None)
    # A status with a reason came from a daemon, so one is running whatever the wording says.
    if code == grpc.StatusCode.UNAVAILABLE and reason is None:
        not_running = _not_running(socket, address, details)
        if not_running is not None:
            return not_running
    cls = _CLASS_BY_STATUS.get(code, MoltmeshError)
    return cls(details or code.name, reason=reason or code.name, code=code, details=details, error_info=info)


def is_reason(err: BaseException, reason: str) -> bool:
    """True when ``err`` is a :class:`MoltmeshError` with the given reason."""
    return isinstance(err, MoltmeshError) and err.reason == reason


__all__ = [
    "ERROR_DOMAIN",
    "REASON_METADATA_KEY",
    "STATUS_DETAILS_METADATA_KEY",
    "AbortedError",
    "AlreadyExistsError",
    "CanceledError",
    "DaemonNotRunningError",
    "DeadlineExceededError",
    "FailedPreconditionError",
    "InternalError",
    "InvalidArgumentError",
    "MoltmeshError",
    "NotFoundError",
    "NotImplementedError",
    "PermissionDeniedError",
    "ResourceExhaustedError",
    "UnauthenticatedError",
    "UnavailableError",
    "VersionMismatchError",
    "WaitTimeoutError",
    "error_info_of",
    "is_reason",
    "to_moltmesh_error",
]
