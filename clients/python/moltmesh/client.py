"""The synchronous client: ``Client(socket=None, timeout=None)``.

Its method groups come from ``surface.json`` (``client.tasks.create(...)``, ``client.inbox.mark_read``,
``client.node.health()``, ...). Every method takes the fields of its request message as keyword
arguments (or the request message positionally) and returns the response message; server streams
return a :class:`Stream`; failures raise typed :class:`~moltmesh.errors.MoltmeshError` subclasses.
"""

from __future__ import annotations

import mimetypes
import os
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import grpc

from ._requests import build_request, put_blob_requests
from ._serving import TERMINAL_STATES
from .errors import MoltmeshError, VersionMismatchError, WaitTimeoutError, to_moltmesh_error
from .gen import a2a_pb2, diag_pb2, types_pb2
from .surface import API_VERSION, MethodSpec, surface
from .worker import Handler, Worker

if TYPE_CHECKING:
    from ._groups import Groups as _Groups
    from ._serving import SkillLike
else:  # the groups are built at run time; _groups.pyi types them
    _Groups = object

T = TypeVar("T")

#: Largest message sent or received (blob chunks are at most 1 MiB; room for large listings).
MAX_MESSAGE_BYTES = 16 * 1024 * 1024
#: Size of the chunks ``put_file`` uploads.
CHUNK_BYTES = 1024 * 1024
#: Longest single WaitTask call made by ``wait_task`` (it calls again until its own timeout).
WAIT_SLICE_S = 30.0



def default_socket() -> str:
    """The daemon socket: ``$MOLTMESH_SOCKET``, else ``~/.moltmesh/moltmesh.sock``."""
    return os.environ.get("MOLTMESH_SOCKET") or os.path.join(os.path.expanduser("~"), ".moltmesh", "moltmesh.sock")


def is_terminal(state: int) -> bool:
    """True for COMPLETED, FAILED, CANCELED and REJECTED (terminal states are final)."""
    return state in TERMINAL_STATES


class Stream(Generic[T]):
    """A server stream: iterate it for the responses. Closing it (``close()``, the end of a ``with``
    block, or dropping it after ``break``) cancels the call on the daemon. Errors are typed; a stream
    closed by its consumer simply ends."""

    def __init__(self, call: Any, fail: Callable[[BaseException], MoltmeshError]) -> None:
        self._call = call
        self._fail = fail
        self._closed = False

    def __iter__(self) -> Stream[T]:
        return self

    def __next__(self) -> T:
        if self._closed:
            raise StopIteration
        try:
            return next(self._call)  # type: ignore[no-any-return]
        except StopIteration:
            self._closed = True
            raise
        except grpc.RpcError as err:
            if self._closed:  # canceled by us (from another thread): just the end
                raise StopIteration from None
            self._closed = True
            raise self._fail(err) from err

    def cancel(self) -> None:
        """Cancels the call (safe from any thread, and more than once)."""
        if not self._closed:
            self._closed = True
            self._call.cancel()

    close = cancel

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()

    def __del__(self) -> None:
        try:
            if not self._closed:
                self._call.cancel()
        except Exception:
            pass


class _MethodSource(Protocol):
    """What builds a group's methods: :class:`Client` or :class:`moltmesh.aio.AsyncClient`."""

    def _method(self, spec: MethodSpec) -> Callable[..., Any]: ...


class Group:
    """One method group (``client.tasks``, ``client.node``, ...); its methods are built from
    surface.json by the client's ``_method`` (so the asyncio client's groups are this class too, with
    coroutines). ``Client`` is typed with per-group stubs (``moltmesh/_groups.pyi``)."""

    #: How ``repr`` names the group's kind.
    _kind = "moltmesh"

    def __init__(self, client: _MethodSource, name: str, specs: Iterable[MethodSpec]) -> None:
        self._client = client
        self._name = name
        self._methods: list[str] = []
        for spec in specs:
            setattr(self, spec.name, client._method(spec))
            self._methods.append(spec.name)

    def __dir__(self) -> list[str]:
        return [*self._methods, *super().__dir__()]

    def __repr__(self) -> str:
        return f"<{self._kind} {self._name}: {', '.join(self._methods)}>"


def _describe(spec: MethodSpec, fn: Callable[..., Any]) -> None:
    fn.__name__ = spec.name
    fn.__qualname__ = f"{spec.group}.{spec.name}"
    fields = ", ".join(f.name for f in spec.request_class.DESCRIPTOR.fields) or "none"
    returns = {
        "unary": spec.response_class.__name__,
        "server_stream": f"a stream of {spec.response_class.__name__}",
        "client_stream": spec.response_class.__name__,
    }[spec.kind]
    fn.__doc__ = (
        f"{spec.service}.{spec.rpc}: takes {spec.request_class.__name__} (fields: {fields}); returns {returns}."
    )


class Client(_Groups):
    """A connection to the local daemon (synchronous).

    ``socket``: the daemon's unix socket (default ``$MOLTMESH_SOCKET``, else
    ``~/.moltmesh/moltmesh.sock``). ``timeout``: default deadline in seconds of unary calls (none by
    default; streams only get one when a call passes ``timeout=``). ``address`` and ``token`` reach a
    daemon's TCP listener (``host:port``, bearer token) instead of the socket.

    Use it as a context manager, or call ``close()``.
    """

    def __init__(
        self,
        socket: str | os.PathLike[str] | None = None,
        timeout: float | None = None,
        *,
        address: str | None = None,
        token: str | None = None,
    ) -> None:
        self.address = address
        self.socket: str | None = None if address is not None else os.fspath(socket or default_socket())
        self.timeout = timeout
        target = address if address is not None else f"unix:{self.socket}"
        self._metadata: tuple[tuple[str, str], ...] = (("authorization", f"Bearer {token}"),) if token else ()
        self._channel = grpc.insecure_channel(
            target,
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                # A local daemon that restarts is back within seconds: retry at that pace (not up to
                # two minutes apart, grpc's default), so workers resume promptly.
                ("grpc.initial_reconnect_backoff_ms", 250),
                ("grpc.max_reconnect_backoff_ms", 2000),
            ],
        )
        for group, specs in surface().items():
            setattr(self, group, Group(self, group, specs))

    # ------------------------------------------------------------------ calls

    def _fail(self, err: BaseException) -> MoltmeshError:
        return to_moltmesh_error(err, socket=self.socket, address=self.address)

    def _method(self, spec: MethodSpec) -> Callable[..., Any]:
        ser = spec.request_class.SerializeToString
        de = spec.response_class.FromString
        fail = self._fail
        md = self._metadata or None

        if spec.kind == "unary":
            rpc = self._channel.unary_unary(spec.path, request_serializer=ser, response_deserializer=de)

            def unary(request: Any = None, /, *, timeout: float | None = None, **fields: Any) -> Any:
                req = build_request(spec, request, fields)
                try:
                    return rpc(req, timeout=timeout if timeout is not None else self.timeout, metadata=md)
                except grpc.RpcError as err:
                    raise fail(err) from err

            _describe(spec, unary)
            return unary

        if spec.kind == "server_stream":
            srpc = self._channel.unary_stream(spec.path, request_serializer=ser, response_deserializer=de)

            def server_stream(request: Any = None, /, *, timeout: float | None = None, **fields: Any) -> Stream[Any]:
                req = build_request(spec, request, fields)
                return Stream(srpc(req, timeout=timeout, metadata=md), fail)

            _describe(spec, server_stream)
            return server_stream

        crpc = self._channel.stream_unary(spec.path, request_serializer=ser, response_deserializer=de)

        def client_stream(requests: Iterable[Any], /, *, timeout: float | None = None, **metadata: Any) -> Any:
            source = SourceGuard(put_blob_requests(requests, metadata))
            try:
                return crpc(iter(source), timeout=timeout, metadata=md)
            except grpc.RpcError as err:
                # grpc cancels the call when the request source fails: report the source's error.
                if source.error is not None:
                    raise source.error from None
                raise fail(err) from err

        _describe(spec, client_stream)
        return client_stream

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Closes the channel; calls in flight fail."""
        self._channel.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<moltmesh.Client {self.address or self.socket}>"

    # ------------------------------------------------------------------ helpers

    def check_version(self) -> diag_pb2.HealthResponse:
        """Checks that the daemon speaks this SDK's API version (``moltmesh.v1``); returns its Health.

        Raises :class:`~moltmesh.errors.VersionMismatchError` when it does not, and
        :class:`~moltmesh.errors.DaemonNotRunningError` when no daemon answers.
        """
        health: diag_pb2.HealthResponse = self.node.health()
        if health.api_version != API_VERSION:
            raise VersionMismatchError(health.api_version, API_VERSION)
        return health

    def wait_task(self, id: str, timeout: float | None = None) -> types_pb2.Task:
        """Waits until the task is terminal, or waits for the requester (INPUT_REQUIRED /
        AUTH_REQUIRED), and returns it. ``timeout`` in seconds (``None``: no limit); when it passes,
        :class:`~moltmesh.errors.WaitTimeoutError` (a ``TimeoutError``) carries the task as last seen."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = WAIT_SLICE_S if deadline is None else min(WAIT_SLICE_S, deadline - time.monotonic())
            if left <= 0:
                task = self.tasks.get(id=id).task
                if _settled(task):
                    return task
                raise WaitTimeoutError(
                    f"task {id} still {types_pb2.TaskState.Name(task.state)} after {timeout} s", task
                )
            res: a2a_pb2.WaitTaskResponse = self.tasks.wait(
                id=id, timeout_ms=max(1, int(left * 1000)), timeout=left + 10
            )
            if not res.timed_out or _settled(res.task):
                return res.task

    def run_task(self, request: Any = None, /, *, timeout: float | None = None, **fields: Any) -> types_pb2.Task:
        """Creates a task (the fields of ``CreateTaskRequest``, e.g. ``to=``, ``skill=``, ``input=``) and
        waits for it with :meth:`wait_task` (``timeout`` in seconds, none by default)."""
        task: types_pb2.Task = self.tasks.create(request, **fields).task
        return self.wait_task(task.id, timeout=timeout)

    def put_file(
        self, path: str | os.PathLike[str], *, name: str | None = None, media_type: str | None = None
    ) -> types_pb2.Artifact:
        """Uploads a file to the local blob store (streamed in 1 MiB chunks) and returns its
        ``Artifact`` (``cid``, ``size``, ...). Reference it in a part with ``moltmesh.artifact(art)``."""
        path = os.fspath(path)
        with open(path, "rb") as f:
            res: a2a_pb2.PutBlobResponse = self.blobs.put(
                iter(lambda: f.read(CHUNK_BYTES), b""),
                name=name if name is not None else os.path.basename(path),
                media_type=media_type if media_type is not None else (mimetypes.guess_type(path)[0] or ""),
                size=os.path.getsize(path),
            )
        return res.artifact

    def get_file(
        self, cid: str, path: str | os.PathLike[str], *, from_: str | None = None, timeout: float | None = None
    ) -> types_pb2.Artifact:
        """Downloads a blob into ``path`` (written to a temporary file beside it, then renamed, so
        ``path`` never holds a partial download). ``from_``: the agent to fetch it from when the local
        daemon does not hold it (DID or name). Returns its ``Artifact``."""
        path = os.fspath(path)
        directory = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".moltmesh-", dir=directory)
        art = types_pb2.Artifact()
        try:
            with os.fdopen(fd, "wb") as out, self.blobs.get(cid=cid, from_=from_, timeout=timeout) as stream:
                for res in stream:
                    if res.HasField("artifact"):
                        art = res.artifact
                    out.write(res.chunk)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return art

    def run_worker(self, skill: SkillLike | Iterable[SkillLike], handler: Handler, **options: Any) -> int:
        """Serves tasks of ``skill`` with ``handler`` until interrupted (or ``max_tasks`` are done);
        returns the number of tasks handled. See :class:`moltmesh.worker.Worker` for the options and
        :class:`moltmesh.worker.TaskContext` for what the handler gets."""
        return Worker(self, skill, handler, **options).run()

    def start_worker(self, skill: SkillLike | Iterable[SkillLike], handler: Handler, **options: Any) -> Worker:
        """Like :meth:`run_worker`, in a background thread: returns the running
        :class:`~moltmesh.worker.Worker` (``stop()`` it when done)."""
        return Worker(self, skill, handler, **options).start()


class SourceGuard:
    """Iterates a request source and keeps the exception it raised, if any (grpc only cancels the
    call then, with a bare CANCELLED)."""

    def __init__(self, source: Iterable[Any]) -> None:
        self.source = source
        self.error: BaseException | None = None

    def __iter__(self) -> Iterator[Any]:
        try:
            yield from self.source
        except Exception as err:
            self.error = err
            raise

    async def __aiter__(self) -> AsyncIterator[Any]:
        try:
            async for item in self.source:  # type: ignore[attr-defined]
                yield item
        except Exception as err:
            self.error = err
            raise


def _settled(task: types_pb2.Task) -> bool:
    return is_terminal(task.state) or task.state in (
        types_pb2.TASK_STATE_INPUT_REQUIRED,
        types_pb2.TASK_STATE_AUTH_REQUIRED,
    )


__all__ = ["CHUNK_BYTES", "MAX_MESSAGE_BYTES", "Client", "Group", "Stream", "default_socket", "is_terminal"]
