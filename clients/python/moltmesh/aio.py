"""The asyncio client: ``AsyncClient(socket=None, timeout=None)`` over ``grpc.aio``.

The same groups and methods as :class:`moltmesh.Client`, as coroutines; server streams are
:class:`AsyncStream` async iterators (leaving an ``async for`` early, ``aclose()`` or the end of an
``async with`` block cancels the call)::

    async with moltmesh.AsyncClient() as client:
        task = (await client.tasks.create(to="swift-falcon", skill="summarise", input="...")).task
        async for res in client.tasks.events(id=task.id):
            print(res.event)
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import mimetypes
import os
import tempfile
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import grpc
import grpc.aio

from ._requests import async_put_blob_requests, build_request, put_blob_requests
from ._serving import (
    HANDLER_ERROR,
    TASK_ENDED_REASONS,
    TERMINAL_STATES,
    SkillLike,
    TaskCanceled,
    TaskFailure,
    TaskRejected,
    TaskView,
    WorkerOptions,
    error_message,
)
from .client import (
    CHUNK_BYTES,
    MAX_MESSAGE_BYTES,
    WAIT_SLICE_S,
    Group,
    SourceGuard,
    _describe,
    _settled,
    default_socket,
)
from .errors import MoltmeshError, VersionMismatchError, WaitTimeoutError, to_moltmesh_error
from .gen import a2a_pb2, diag_pb2, types_pb2
from .parts import PartLike, to_parts
from .surface import API_VERSION, MethodSpec, surface

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._groups import AsyncGroups as _AsyncGroups
    from ._serving import WorkerKeywords
else:  # the groups are built at run time; _groups.pyi types them
    _AsyncGroups = object

T = TypeVar("T")
log = logging.getLogger("moltmesh.worker")

#: An async handler: gets the task's context, returns its output.
AsyncHandler = Callable[["AsyncTaskContext"], Awaitable[Any]]


class AsyncStream(Generic[T]):
    """A server stream as an async iterator. ``aclose()``/``cancel()``, the end of an ``async with``
    block, or dropping it after ``break`` cancels the call; errors are typed."""

    def __init__(self, call: Any, fail: Callable[[BaseException], MoltmeshError]) -> None:
        self._call = call
        self._fail = fail
        self._closed = False

    def __aiter__(self) -> AsyncStream[T]:
        return self

    async def __anext__(self) -> T:
        if self._closed:
            raise StopAsyncIteration
        try:
            item = await self._call.read()
        except asyncio.CancelledError:
            if self._closed:  # canceled by us: just the end
                raise StopAsyncIteration from None
            raise
        except grpc.RpcError as err:
            if self._closed or (err.code() == grpc.StatusCode.CANCELLED and self._call.cancelled()):
                self._closed = True
                raise StopAsyncIteration from None
            self._closed = True
            raise self._fail(err) from err
        if item is grpc.aio.EOF:
            self._closed = True
            raise StopAsyncIteration
        return item  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """Cancels the call (more than once is fine)."""
        if not self._closed:
            self._closed = True
            self._call.cancel()

    async def aclose(self) -> None:
        self.cancel()

    @property
    def closed(self) -> bool:
        return self._closed

    async def __aenter__(self) -> AsyncStream[T]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.cancel()

    def __del__(self) -> None:
        try:
            if not self._closed:
                self._call.cancel()
        except Exception:
            pass


class AsyncGroup(Group):
    """One method group of an :class:`AsyncClient`: its methods are coroutines."""

    _kind = "moltmesh async"


class AsyncClient(_AsyncGroups):
    """A connection to the local daemon for asyncio code. Same arguments as :class:`moltmesh.Client`.

    Use ``async with AsyncClient() as client:``, or ``await client.close()``.
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
        self._target = address if address is not None else f"unix:{self.socket}"
        self._metadata: tuple[tuple[str, str], ...] = (("authorization", f"Bearer {token}"),) if token else ()
        # A grpc.aio channel belongs to the event loop it was made in: made at the first call, so an
        # AsyncClient may be created outside the loop (it then serves the loop of its first call).
        self._channel: grpc.aio.Channel | None = None
        self._rpcs: dict[str, Any] = {}
        for group, specs in surface().items():
            setattr(self, group, AsyncGroup(self, group, specs))

    def _fail(self, err: BaseException) -> MoltmeshError:
        return to_moltmesh_error(err, socket=self.socket, address=self.address)

    def _rpc(self, spec: MethodSpec) -> Any:
        """The grpc.aio multi-callable of one method (the channel is made on first use)."""
        if self._channel is None:
            self._channel = grpc.aio.insecure_channel(
                self._target,
                options=[
                    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                    # A local daemon that restarts is back within seconds: retry at that pace (not up to
                    # two minutes apart, grpc's default), so workers resume promptly.
                    ("grpc.initial_reconnect_backoff_ms", 250),
                    ("grpc.max_reconnect_backoff_ms", 2000),
                ],
            )
            self._rpcs = {}
        rpc = self._rpcs.get(spec.path)
        if rpc is None:
            make = {
                "unary": self._channel.unary_unary,
                "server_stream": self._channel.unary_stream,
                "client_stream": self._channel.stream_unary,
            }[spec.kind]
            rpc = make(
                spec.path,
                request_serializer=spec.request_class.SerializeToString,
                response_deserializer=spec.response_class.FromString,
            )
            self._rpcs[spec.path] = rpc
        return rpc

    def _method(self, spec: MethodSpec) -> Callable[..., Any]:
        fail = self._fail
        md = self._metadata or None

        if spec.kind == "unary":

            async def unary(request: Any = None, /, *, timeout: float | None = None, **fields: Any) -> Any:
                req = build_request(spec, request, fields)
                try:
                    return await self._rpc(spec)(
                        req, timeout=timeout if timeout is not None else self.timeout, metadata=md
                    )
                except grpc.RpcError as err:
                    raise fail(err) from err

            _describe(spec, unary)
            return unary

        if spec.kind == "server_stream":

            def server_stream(
                request: Any = None, /, *, timeout: float | None = None, **fields: Any
            ) -> AsyncStream[Any]:
                req = build_request(spec, request, fields)
                return AsyncStream(self._rpc(spec)(req, timeout=timeout, metadata=md), fail)

            _describe(spec, server_stream)
            return server_stream

        async def client_stream(
            requests: Iterable[Any] | AsyncIterable[Any], /, *, timeout: float | None = None, **metadata: Any
        ) -> Any:
            if isinstance(requests, AsyncIterable):
                guard = SourceGuard(async_put_blob_requests(requests, metadata))  # type: ignore[arg-type]
                source: Any = guard.__aiter__()
            else:
                guard = SourceGuard(put_blob_requests(requests, metadata))
                source = iter(guard)
            try:
                return await self._rpc(spec)(source, timeout=timeout, metadata=md)
            except (grpc.RpcError, asyncio.CancelledError) as err:
                # grpc cancels the call when the request source fails: report the source's error.
                if guard.error is not None:
                    raise guard.error from None
                if isinstance(err, asyncio.CancelledError):
                    raise
                raise fail(err) from err

        _describe(spec, client_stream)
        return client_stream

    # ------------------------------------------------------------------ lifecycle

    async def close(self) -> None:
        """Closes the channel; calls in flight are canceled. A later call opens a new one."""
        channel, self._channel = self._channel, None
        if channel is not None:
            await channel.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<moltmesh.AsyncClient {self.address or self.socket}>"

    # ------------------------------------------------------------------ helpers

    async def check_version(self) -> diag_pb2.HealthResponse:
        """See :meth:`moltmesh.Client.check_version`."""
        health: diag_pb2.HealthResponse = await self.node.health()
        if health.api_version != API_VERSION:
            raise VersionMismatchError(health.api_version, API_VERSION)
        return health

    async def wait_task(self, id: str, timeout: float | None = None) -> types_pb2.Task:
        """See :meth:`moltmesh.Client.wait_task`."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = WAIT_SLICE_S if deadline is None else min(WAIT_SLICE_S, deadline - time.monotonic())
            if left <= 0:
                task = (await self.tasks.get(id=id)).task
                if _settled(task):
                    return task
                raise WaitTimeoutError(
                    f"task {id} still {types_pb2.TaskState.Name(task.state)} after {timeout} s", task
                )
            res: a2a_pb2.WaitTaskResponse = await self.tasks.wait(
                id=id, timeout_ms=max(1, int(left * 1000)), timeout=left + 10
            )
            if not res.timed_out or _settled(res.task):
                return res.task

    async def run_task(self, request: Any = None, /, *, timeout: float | None = None, **fields: Any) -> types_pb2.Task:
        """See :meth:`moltmesh.Client.run_task`."""
        task: types_pb2.Task = (await self.tasks.create(request, **fields)).task
        return await self.wait_task(task.id, timeout=timeout)

    async def put_file(
        self, path: str | os.PathLike[str], *, name: str | None = None, media_type: str | None = None
    ) -> types_pb2.Artifact:
        """See :meth:`moltmesh.Client.put_file` (the file is read in a thread)."""
        path = os.fspath(path)

        async def chunks() -> Any:
            with open(path, "rb") as f:
                while chunk := await asyncio.to_thread(f.read, CHUNK_BYTES):
                    yield chunk

        res: a2a_pb2.PutBlobResponse = await self.blobs.put(
            chunks(),
            name=name if name is not None else os.path.basename(path),
            media_type=media_type if media_type is not None else (mimetypes.guess_type(path)[0] or ""),
            size=os.path.getsize(path),
        )
        return res.artifact

    async def get_file(
        self, cid: str, path: str | os.PathLike[str], *, from_: str | None = None, timeout: float | None = None
    ) -> types_pb2.Artifact:
        """See :meth:`moltmesh.Client.get_file`."""
        path = os.fspath(path)
        fd, tmp = tempfile.mkstemp(prefix=".moltmesh-", dir=os.path.dirname(os.path.abspath(path)))
        art = types_pb2.Artifact()
        try:
            with os.fdopen(fd, "wb") as out:
                async with self.blobs.get(cid=cid, from_=from_, timeout=timeout) as stream:
                    async for res in stream:
                        if res.HasField("artifact"):
                            art = res.artifact
                        await asyncio.to_thread(out.write, res.chunk)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return art

    async def run_worker(self, skill: SkillLike | Iterable[SkillLike], handler: AsyncHandler, **options: Any) -> int:
        """Serves tasks of ``skill`` with an async ``handler`` until the coroutine is canceled,
        ``stop()`` is called on :class:`AsyncWorker`, or ``max_tasks`` are done. A cancel of a task
        cancels its handler (``asyncio.CancelledError`` inside it)."""
        return await AsyncWorker(self, skill, handler, **options).run()


class AsyncTaskContext(TaskView):
    """What an async handler gets: see :class:`moltmesh.worker.TaskContext`; the calls are coroutines.
    A cancel of the task cancels the handler; ``canceled`` tells it afterwards."""

    def __init__(self, client: AsyncClient, task: types_pb2.Task, lease_token: str) -> None:
        self.client = client
        self.task = task
        self.lease_token = lease_token
        self._canceled = asyncio.Event()
        self._inputs: asyncio.Queue[tuple[int, list[types_pb2.Part]]] = asyncio.Queue()

    @property
    def canceled(self) -> bool:
        return self._canceled.is_set()

    async def publish(
        self, kind: int | str, parts: PartLike | Iterable[PartLike] = None, *, progress: float = 0.0, note: str = ""
    ) -> int:
        if self.canceled:
            raise TaskCanceled(f"task {self.id} was canceled")
        try:
            res = await self.client.worker.publish_event(
                id=self.id, lease_token=self.lease_token, kind=kind, parts=to_parts(parts), progress=progress, note=note
            )
        except MoltmeshError as err:
            if err.reason in TASK_ENDED_REASONS:
                self._canceled.set()
                raise TaskCanceled(f"task {self.id} ended: {err}") from err
            raise
        return int(res.sequence)

    async def chunk(self, content: PartLike | Iterable[PartLike], *, note: str = "") -> int:
        return await self.publish(types_pb2.TASK_EVENT_KIND_CHUNK, content, note=note)

    async def progress(self, fraction: float, *, note: str = "") -> int:
        return await self.publish(types_pb2.TASK_EVENT_KIND_PROGRESS, progress=fraction, note=note)

    async def tool_call(self, content: PartLike | Iterable[PartLike], *, note: str = "") -> int:
        return await self.publish(types_pb2.TASK_EVENT_KIND_TOOL_CALL, content, note=note)

    async def artifact(self, artifact: types_pb2.Artifact | str, *, note: str = "") -> int:
        from .parts import artifact as artifact_part

        return await self.publish(types_pb2.TASK_EVENT_KIND_ARTIFACT, artifact_part(artifact), note=note)

    async def ask(self, question: PartLike | Iterable[PartLike], timeout: float | None = None) -> list[types_pb2.Part]:
        """Asks the requester (INPUT_REQUIRED) and waits for the answer's parts."""
        res = await self.client.worker.update(
            id=self.id,
            lease_token=self.lease_token,
            state=types_pb2.TASK_STATE_INPUT_REQUIRED,
            message=to_parts(question),
        )
        after = res.task.last_sequence

        async def answer() -> list[types_pb2.Part]:
            while True:
                seq, parts = await self._inputs.get()
                if seq > after:
                    return parts

        return await asyncio.wait_for(answer(), timeout)

    async def renew(self, lease_ms: int | None = None) -> None:
        await self.client.worker.renew_lease(id=self.id, lease_token=self.lease_token, lease_ms=lease_ms)


class AsyncWorker(WorkerOptions["AsyncClient", "AsyncTaskContext"]):
    """The asyncio twin of :class:`moltmesh.worker.Worker` (same options); handlers are coroutines
    and run as tasks of the event loop (``concurrency`` at a time)."""

    def __init__(
        self,
        client: AsyncClient,
        skill: SkillLike | Iterable[SkillLike],
        handler: AsyncHandler,
        **options: Unpack[WorkerKeywords],
    ) -> None:
        super().__init__(client, skill, **options)
        self.handler = handler
        self._stream: AsyncStream[Any] | None = None
        self._stopping = False
        # Tasks running now: with pre-claimed tasks the subscription stays open until they are done,
        # since closing it hands them back.
        self._active = 0

    def stop(self) -> None:
        """Stops taking tasks; ``run()`` returns once the running ones are done."""
        self._stopping = True
        # With pre-claimed tasks the last running task closes the subscription (_run_one).
        if (self._active == 0 or not self.preclaim) and self._stream is not None:
            self._stream.cancel()

    async def run(self) -> int:
        slots = asyncio.Semaphore(self.concurrency)
        running: set[asyncio.Task[None]] = set()
        claimed = 0
        tasks = self._tasks()
        try:
            async for task, lease_token in tasks:
                if self._stopping:
                    break
                await slots.acquire()
                if lease_token:
                    claim: Any = a2a_pb2.ClaimTaskResponse(task=task, lease_token=lease_token)
                else:
                    try:
                        claim = await self.client.worker.claim(id=task.id, lease_ms=self.lease_ms)
                    except MoltmeshError as err:
                        slots.release()
                        log.debug("task %s not claimed: %s", task.id, err)
                        continue
                claimed += 1
                self._active += 1
                job = asyncio.create_task(self._run_one(claim, slots))
                running.add(job)
                job.add_done_callback(running.discard)
                if self.max_tasks is not None and claimed >= self.max_tasks:
                    break
        except asyncio.CancelledError:
            for job in running:  # the worker itself is canceled: so are its handlers
                job.cancel()
            raise
        finally:
            await tasks.aclose()
            if self.preclaim and running:  # closing the subscription hands back what it holds
                await asyncio.gather(*running, return_exceptions=True)
            if self._stream is not None:
                self._stream.cancel()
            if running:
                await asyncio.gather(*running, return_exceptions=True)
        return self.handled

    async def _tasks(self) -> AsyncIterator[tuple[types_pb2.Task, str]]:
        """Tasks offered for the skills with their lease token when pre-claimed, across daemon
        restarts (see moltmesh._serving)."""
        state = self._reconnect_state()
        while not self._stopping:
            failure: MoltmeshError | None = None
            self._stream = self.client.worker.subscribe(**self._subscribe_request())
            try:
                async for res in self._stream:
                    if (offer := state.offer_of(res)) is not None:
                        yield offer
            except MoltmeshError as err:
                failure = err
            if self._stopping:
                return
            await asyncio.sleep(state.lost(failure))

    async def _run_one(self, claim: Any, slots: asyncio.Semaphore) -> None:
        ctx = AsyncTaskContext(self.client, claim.task, claim.lease_token)
        job = asyncio.create_task(self._call_handler(ctx))
        events = self.client.tasks.events(id=ctx.id)
        watcher = asyncio.create_task(self._watch(ctx, events, job))
        renewer = asyncio.create_task(self._renew(ctx, job))
        try:
            await self._finish(ctx, job)
        finally:
            events.cancel()
            renewer.cancel()
            watcher.cancel()
            await asyncio.gather(watcher, renewer, return_exceptions=True)
            self.handled += 1
            self._active -= 1
            slots.release()
            if self._active == 0 and self._stopping and self._stream is not None:
                self._stream.cancel()

    async def _call_handler(self, ctx: AsyncTaskContext) -> Any:
        result = self.handler(ctx)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def _finish(self, ctx: AsyncTaskContext, job: asyncio.Task[Any]) -> None:
        w = self.client.worker
        try:
            result = await job
        except (asyncio.CancelledError, TaskCanceled):
            if not ctx.canceled:
                raise  # the worker itself is being canceled
            log.info("task %s canceled while running", ctx.id)
            return
        except TaskRejected as err:
            await self._report(ctx, w.reject(id=ctx.id, lease_token=ctx.lease_token, reason=str(err)))
            return
        except TaskFailure as err:
            error = types_pb2.TaskError(reason=err.reason, message=err.message)
            await self._report(ctx, w.fail(id=ctx.id, lease_token=ctx.lease_token, error=error))
            return
        except Exception as err:
            if ctx.canceled:
                return
            error = types_pb2.TaskError(reason=HANDLER_ERROR, message=error_message(err))
            await self._report(ctx, w.fail(id=ctx.id, lease_token=ctx.lease_token, error=error))
            if self.on_error is not None:
                self.on_error(err, ctx)
            else:
                log.warning("task %s failed: %s", ctx.id, error_message(err), exc_info=err)
            return
        if ctx.canceled:
            return
        await self._report(ctx, w.complete(id=ctx.id, lease_token=ctx.lease_token, output=to_parts(result)))

    @staticmethod
    async def _report(ctx: AsyncTaskContext, call: Awaitable[Any]) -> None:
        try:
            await call
        except MoltmeshError as err:
            log.info("task %s: result not reported: %s", ctx.id, err)

    @staticmethod
    async def _watch(ctx: AsyncTaskContext, events: AsyncStream[Any], job: asyncio.Task[Any]) -> None:
        try:
            async for res in events:
                ev = res.event
                if ev.kind == types_pb2.TASK_EVENT_KIND_STATUS and ev.task.state in TERMINAL_STATES:
                    ctx._canceled.set()
                    job.cancel()
                elif ev.kind == types_pb2.TASK_EVENT_KIND_INPUT:
                    ctx._inputs.put_nowait((int(ev.sequence), list(ev.parts)))
        except MoltmeshError as err:
            log.debug("task %s: event watch ended: %s", ctx.id, err)

    async def _renew(self, ctx: AsyncTaskContext, job: asyncio.Task[Any]) -> None:
        while True:
            await asyncio.sleep(max(0.5, self.lease / 3))
            try:
                await ctx.renew(self.lease_ms)
            except MoltmeshError as err:
                if err.reason in (*TASK_ENDED_REASONS, "TASK_NOT_FOUND"):
                    ctx._canceled.set()
                    job.cancel()
                    return
                log.warning("task %s: lease renewal failed: %s", ctx.id, err)


__all__ = ["AsyncClient", "AsyncGroup", "AsyncHandler", "AsyncStream", "AsyncTaskContext", "AsyncWorker"]
