"""Serving a skill: ``client.run_worker(skill, handler)``.

A worker in ten lines::

    import moltmesh

    def summarise(task: moltmesh.TaskContext):
        task.progress(0.5, note="reading")
        for word in task.text.split():
            task.chunk(word + " ")          # streamed to the requester as CHUNK events
        return {"words": len(task.text.split())}   # the output (a JSON part)

    with moltmesh.Client() as client:
        client.run_worker("summarise", summarise, description="summarises text", tags=["text"])

Serving a skill puts it on the agent's card while the worker runs, if the card lacks it (described
by ``description``, ``tags``, ``price``, ``input_schema``, or by a ``Skill`` / dict given as the
skill); the agent's other skills and a skill it declares itself are left as they are. When the
daemon restarts, the worker says so on stderr and subscribes again; it raises once the daemon has
been away for ``reconnect`` seconds (default 60).

Each task offered for the skill arrives claimed for the worker by the daemon (``preclaim=False``:
the worker claims each offer itself with ClaimTask); the worker renews the lease while the handler runs,
watches the task so a cancel reaches the handler (``task.canceled``), and completes the task with the
handler's return value, or fails it with the exception the handler raised. A handler that is a
generator streams what it yields as chunks.
"""

from __future__ import annotations

import inspect
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

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
from .errors import MoltmeshError
from .gen import a2a_pb2, types_pb2
from .parts import PartLike, to_parts

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._groups import TasksGroup, WorkerGroup
    from ._serving import WorkerKeywords

log = logging.getLogger("moltmesh.worker")

#: A handler: gets the task's context, returns its output (see :func:`moltmesh.parts.to_parts`).
Handler = Callable[["TaskContext"], Any]


class WorkerClient(Protocol):
    """What a worker needs of its client (a :class:`moltmesh.Client` is one): the task and worker
    calls. Typed by shape, so this module does not import client.py, which builds workers."""

    @property
    def tasks(self) -> TasksGroup: ...

    @property
    def worker(self) -> WorkerGroup: ...


class TaskContext(TaskView):
    """What a handler gets: the claimed task and the calls a worker makes on it.

    ``task`` is the ``Task`` (state WORKING), ``input`` its parts, ``text`` / ``data`` the text parts
    joined and the first JSON part parsed. ``canceled`` turns true when the task is canceled by the
    requester (or ends otherwise, e.g. TIMEOUT); long handlers should look at it, or call
    ``raise_if_canceled()``.
    """

    def __init__(self, client: WorkerClient, task: types_pb2.Task, lease_token: str) -> None:
        self.client = client
        self.task = task
        self.lease_token = lease_token
        self._canceled = threading.Event()
        self._inputs: queue.Queue[tuple[int, list[types_pb2.Part]]] = queue.Queue()
        self.end_state: int = types_pb2.TASK_STATE_UNSPECIFIED

    # ---------------------------------------------------------------- cancellation

    @property
    def canceled(self) -> bool:
        """True once the task was canceled or ended elsewhere."""
        return self._canceled.is_set()

    def wait_canceled(self, timeout: float | None = None) -> bool:
        """Blocks until the task is canceled (True) or ``timeout`` seconds pass (False)."""
        return self._canceled.wait(timeout)

    def raise_if_canceled(self) -> None:
        if self._canceled.is_set():
            raise TaskCanceled(f"task {self.id} was canceled")

    def _cancel(self, state: int = types_pb2.TASK_STATE_CANCELED) -> None:
        self.end_state = state
        self._canceled.set()

    # ---------------------------------------------------------------- events

    def publish(
        self,
        kind: int | str,
        parts: PartLike | Iterable[PartLike] = None,
        *,
        progress: float = 0.0,
        note: str = "",
    ) -> int:
        """Publishes an event (CHUNK, PROGRESS, TOOL_CALL or ARTIFACT) to the requester; returns its
        sequence number."""
        self.raise_if_canceled()
        try:
            res = self.client.worker.publish_event(
                id=self.id, lease_token=self.lease_token, kind=kind, parts=to_parts(parts), progress=progress, note=note
            )
        except MoltmeshError as err:
            self._raise_if_ended(err)
            raise
        return int(res.sequence)

    def chunk(self, content: PartLike | Iterable[PartLike], *, note: str = "") -> int:
        """Streams a piece of output (text, JSON, bytes or parts) as a CHUNK event."""
        return self.publish(types_pb2.TASK_EVENT_KIND_CHUNK, content, note=note)

    def progress(self, fraction: float, *, note: str = "") -> int:
        """Reports progress (``fraction`` done, 0..1) as a PROGRESS event."""
        return self.publish(types_pb2.TASK_EVENT_KIND_PROGRESS, progress=fraction, note=note)

    def tool_call(self, content: PartLike | Iterable[PartLike], *, note: str = "") -> int:
        """Reports a tool call as a TOOL_CALL event."""
        return self.publish(types_pb2.TASK_EVENT_KIND_TOOL_CALL, content, note=note)

    def artifact(self, artifact: types_pb2.Artifact | str, *, note: str = "") -> int:
        """Publishes an artifact (an ``Artifact`` from ``put_file``, or a CID) as an ARTIFACT event."""
        from .parts import artifact as artifact_part

        return self.publish(types_pb2.TASK_EVENT_KIND_ARTIFACT, artifact_part(artifact), note=note)

    def ask(self, question: PartLike | Iterable[PartLike], timeout: float | None = None) -> list[types_pb2.Part]:
        """Asks the requester a question (INPUT_REQUIRED) and waits for the answer (its parts). The task
        goes back to WORKING when the answer arrives. Raises ``TimeoutError`` after ``timeout`` seconds
        and :class:`TaskCanceled` when the task is canceled meanwhile."""
        self.raise_if_canceled()
        try:
            res = self.client.worker.update(
                id=self.id,
                lease_token=self.lease_token,
                state=types_pb2.TASK_STATE_INPUT_REQUIRED,
                message=to_parts(question),
            )
        except MoltmeshError as err:
            self._raise_if_ended(err)
            raise
        after = res.task.last_sequence
        waited = 0.0
        while True:
            self.raise_if_canceled()
            if timeout is not None and waited >= timeout:
                raise TimeoutError(f"no answer to task {self.id} within {timeout} s")
            try:
                seq, parts = self._inputs.get(timeout=0.2)
            except queue.Empty:
                waited += 0.2
                continue
            if seq > after:
                return parts

    def renew(self, lease_ms: int | None = None) -> None:
        """Renews the lease now (the worker does it on its own while the handler runs)."""
        self.client.worker.renew_lease(id=self.id, lease_token=self.lease_token, lease_ms=lease_ms)

    def _raise_if_ended(self, err: MoltmeshError) -> None:
        if err.reason in TASK_ENDED_REASONS:
            self._canceled.set()
            raise TaskCanceled(f"task {self.id} ended: {err}") from err


class Worker(WorkerOptions["WorkerClient", "TaskContext"]):
    """Serves the tasks of one or more skills with a handler.

    Options: ``lease`` (seconds per claim, renewed every third of it while the handler runs; default
    60), ``concurrency`` (tasks run at once, each in its own thread; default 1), ``preclaim`` (default
    True: the daemon claims each task for this worker before sending it, which saves a ClaimTask call
    per task, and hands a task back at once when the worker's subscription ends before it is finished;
    a task sent while the worker is stopping is handed back that way, counting as an attempt like an
    expired lease; False: each offer is claimed with ClaimTask), ``max_tasks`` (stop
    after handling that many; default: run until stopped), ``on_error(exc, ctx)`` (called when a
    handler raised, after the task was failed; default: log it).

    The skill is an id, a ``Skill`` message or a dict of its fields (or a list of them);
    ``description``, ``tags``, ``price`` and ``input_schema`` (a dict or JSON text) describe skills
    given by id, for the card, when the agent does not declare them itself. ``reconnect``: seconds to
    keep trying when the daemon goes away (0 = raise at once); ``on_status(kind, message)`` is called
    with ``ready``, ``lost`` and ``reconnected`` (default: the last two are printed on stderr).

    ``run()`` blocks; ``start()`` runs it in a background thread; ``stop()`` ends it (tasks running are
    finished first).
    """

    def __init__(
        self,
        client: WorkerClient,
        skill: SkillLike | Iterable[SkillLike],
        handler: Handler,
        **options: Unpack[WorkerKeywords],
    ) -> None:
        super().__init__(client, skill, **options)
        self.handler = handler
        self._stopping = threading.Event()
        self._stream: Any = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        # Tasks running now: with pre-claimed tasks the subscription stays open until they are done,
        # since closing it hands them back.
        self._active = 0

    # ---------------------------------------------------------------- lifecycle

    def run(self) -> int:
        """Serves tasks until ``stop()`` (or Ctrl-C, or ``max_tasks``); returns the number handled."""
        slots = threading.Semaphore(self.concurrency)
        running: list[threading.Thread] = []
        claimed = 0
        tasks = self._tasks()
        try:
            for task, lease_token in tasks:
                if self._stopping.is_set():
                    break
                slots.acquire()
                if self._stopping.is_set():
                    slots.release()
                    break
                if lease_token:
                    claim: Any = a2a_pb2.ClaimTaskResponse(task=task, lease_token=lease_token)
                else:
                    try:
                        claim = self.client.worker.claim(id=task.id, lease_ms=self.lease_ms)
                    except MoltmeshError as err:
                        slots.release()  # claimed by another worker meanwhile, or already ended
                        log.debug("task %s not claimed: %s", task.id, err)
                        continue
                claimed += 1
                with self._lock:
                    self._active += 1
                thread = threading.Thread(
                    target=self._run_one, args=(claim, slots), name=f"moltmesh-task-{task.id}", daemon=True
                )
                running = [t for t in running if t.is_alive()]
                running.append(thread)
                thread.start()
                if self.max_tasks is not None and claimed >= self.max_tasks:
                    break
        finally:
            tasks.close()
            if self.preclaim:  # closing the subscription hands back what it holds: finish first
                for thread in running:
                    thread.join()
            if self._stream is not None:
                self._stream.cancel()
            for thread in running:
                thread.join()
        return self.handled

    def _tasks(self) -> Iterator[tuple[types_pb2.Task, str]]:
        """Tasks offered for the skills with their lease token when pre-claimed, across daemon
        restarts (see moltmesh._serving)."""
        state = self._reconnect_state()
        while not self._stopping.is_set():
            failure: MoltmeshError | None = None
            self._stream = self.client.worker.subscribe(**self._subscribe_request())
            if self._stopping.is_set():
                self._stream.cancel()
            try:
                for res in self._stream:
                    if (offer := state.offer_of(res)) is not None:
                        yield offer
            except MoltmeshError as err:
                failure = err
            if self._stopping.is_set():
                return
            if self._stopping.wait(state.lost(failure)):
                return

    def start(self) -> Worker:
        """Runs the worker in a background thread; returns self."""

        def target() -> None:
            try:
                self.run()
            except BaseException as err:  # kept for join()
                self._error = err

        self._thread = threading.Thread(target=target, name="moltmesh-worker", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        """Stops taking tasks; with a background thread, waits for it (and the tasks running)."""
        self._stopping.set()
        with self._lock:
            idle = self._active == 0
        # With pre-claimed tasks the last running task closes the subscription (_run_one).
        if (idle or not self.preclaim) and self._stream is not None:
            self._stream.cancel()
        if self._thread is not None:
            self.join(timeout)

    def join(self, timeout: float | None = None) -> None:
        """Waits for the background thread; re-raises what ended it, if anything did."""
        if self._thread is not None:
            self._thread.join(timeout)
            if self._error is not None:
                raise self._error

    def __enter__(self) -> Worker:
        return self if self._thread is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---------------------------------------------------------------- one task

    def _run_one(self, claim: Any, slots: threading.Semaphore) -> None:
        ctx = TaskContext(self.client, claim.task, claim.lease_token)
        done = threading.Event()
        events = self.client.tasks.events(id=ctx.id)
        watcher = threading.Thread(target=self._watch, args=(ctx, events), daemon=True)
        renewer = threading.Thread(target=self._renew, args=(ctx, done), daemon=True)
        watcher.start()
        renewer.start()
        try:
            self._handle(ctx)
        finally:
            done.set()
            events.cancel()
            renewer.join()
            watcher.join()
            with self._lock:
                self.handled += 1
                self._active -= 1
                last = self._active == 0
            slots.release()
            if last and self._stopping.is_set() and self._stream is not None:
                self._stream.cancel()

    def _handle(self, ctx: TaskContext) -> None:
        w = self.client.worker
        try:
            result = self.handler(ctx)
            if inspect.isgenerator(result):
                result = self._drain(ctx, result)
        except TaskCanceled:
            log.info("task %s canceled while running", ctx.id)
            return
        except TaskRejected as rejected:
            reason = str(rejected)
            self._report(ctx, lambda: w.reject(id=ctx.id, lease_token=ctx.lease_token, reason=reason))
            return
        except TaskFailure as err:
            error = types_pb2.TaskError(reason=err.reason, message=err.message)
            self._report(ctx, lambda: w.fail(id=ctx.id, lease_token=ctx.lease_token, error=error))
            return
        except Exception as err:
            if ctx.canceled:
                log.info("task %s canceled; the handler ended with %s", ctx.id, error_message(err))
                return
            error = types_pb2.TaskError(reason=HANDLER_ERROR, message=error_message(err))
            self._report(ctx, lambda: w.fail(id=ctx.id, lease_token=ctx.lease_token, error=error))
            if self.on_error is not None:
                self.on_error(err, ctx)
            else:
                log.warning("task %s failed: %s", ctx.id, error_message(err), exc_info=err)
            return
        if ctx.canceled:
            log.info("task %s canceled; its result is dropped", ctx.id)
            return
        output = to_parts(result)
        self._report(ctx, lambda: w.complete(id=ctx.id, lease_token=ctx.lease_token, output=output))

    @staticmethod
    def _drain(ctx: TaskContext, gen: Any) -> Any:
        """Streams what a generator handler yields as chunks; its output is its return value, else the
        text it yielded (or every item, when not all were text)."""
        items: list[Any] = []
        while True:
            try:
                item = next(gen)
            except StopIteration as stop:
                if stop.value is not None:
                    return stop.value
                return "".join(items) if all(isinstance(i, str) for i in items) else items
            ctx.chunk(item)
            items.append(item)

    @staticmethod
    def _report(ctx: TaskContext, call: Callable[[], Any]) -> None:
        try:
            call()
        except MoltmeshError as err:
            # Canceled (or timed out) while finishing: the task already ended elsewhere.
            level = logging.INFO if err.reason in TASK_ENDED_REASONS else logging.WARNING
            log.log(level, "task %s: result not reported: %s", ctx.id, err)

    def _watch(self, ctx: TaskContext, events: Any) -> None:
        """Follows the task's events: a terminal STATUS ends it for the handler, INPUT carries answers."""
        try:
            for res in events:
                ev = res.event
                if ev.kind == types_pb2.TASK_EVENT_KIND_STATUS and ev.task.state in TERMINAL_STATES:
                    ctx._cancel(ev.task.state)
                elif ev.kind == types_pb2.TASK_EVENT_KIND_INPUT:
                    ctx._inputs.put((int(ev.sequence), list(ev.parts)))
        except MoltmeshError as err:
            log.debug("task %s: event watch ended: %s", ctx.id, err)

    def _renew(self, ctx: TaskContext, done: threading.Event) -> None:
        interval = max(0.5, self.lease / 3)
        while not done.wait(interval):
            try:
                ctx.renew(self.lease_ms)
            except MoltmeshError as err:
                if err.reason in (*TASK_ENDED_REASONS, "TASK_NOT_FOUND"):
                    log.info("task %s: lease lost (%s)", ctx.id, err.reason)
                    ctx._canceled.set()
                    return
                log.warning("task %s: lease renewal failed: %s", ctx.id, err)


__all__ = ["HANDLER_ERROR", "Handler", "TaskCanceled", "TaskContext", "TaskFailure", "TaskRejected", "Worker"]
