"""What the workers (sync and asyncio) share: their options, the skills they serve and how to describe
them on the card, how a handler's outcome is told (``TaskFailure``, ``TaskRejected``, ``TaskCanceled``),
and how they survive a daemon restart. Both worker modules import this one, and neither imports a
client module: a client builds a worker, never the other way round.

Each subscription starts with a response without a task: the daemon confirms it is serving (and
that the skills are on the card). A stream that breaks after that is reopened with backoff until
the daemon answers again or ``reconnect`` seconds pass without it; then the worker raises.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypedDict, TypeVar

import grpc

from .errors import (
    AbortedError,
    CanceledError,
    DeadlineExceededError,
    InternalError,
    MoltmeshError,
    UnavailableError,
)
from .gen import types_pb2
from .parts import parts_data, parts_text

#: Seconds between reconnection attempts (the last one repeats).
BACKOFF_S = (0.1, 0.25, 0.5, 1.0, 2.0)

#: The reason of a task failed by a handler's exception (other than TaskFailure).
HANDLER_ERROR = "HANDLER_ERROR"

#: Reasons of a worker call on a task that has ended elsewhere (canceled, timed out, lease lost).
TASK_ENDED_REASONS = ("TASK_TERMINAL", "LEASE_EXPIRED", "LEASE_INVALID")

#: COMPLETED, FAILED, CANCELED and REJECTED never change again.
TERMINAL_STATES = frozenset(
    {
        types_pb2.TASK_STATE_COMPLETED,
        types_pb2.TASK_STATE_FAILED,
        types_pb2.TASK_STATE_CANCELED,
        types_pb2.TASK_STATE_REJECTED,
    }
)


class TaskFailure(Exception):
    """Raise it from a handler to fail the task with your own reason (UPPER_SNAKE_CASE), e.g.
    ``raise TaskFailure("UPSTREAM_DOWN", "the model API answered 503")``. Any other exception fails the
    task with reason ``HANDLER_ERROR`` (as the TypeScript SDK) and the exception as message."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason = reason
        self.message = message


class TaskRejected(Exception):
    """Raise it from a handler to refuse the task (REJECTED, reason ``REJECTED_BY_WORKER``)."""


class TaskCanceled(Exception):
    """Raised by the task context's calls once the task was canceled (or ended elsewhere); a handler
    may let it propagate: the worker then leaves the task alone."""


def error_message(err: BaseException) -> str:
    """A handler's exception as a task's error message: ``ValueError: bad input``."""
    text = str(err)
    return f"{type(err).__name__}: {text}" if text else type(err).__name__

#: A skill to serve: its id, a ``Skill`` message, or a mapping with ``id`` and the Skill fields
#: (``input_schema`` / ``output_schema`` may be dicts).
SkillLike = str | types_pb2.Skill | Mapping[str, Any]


def _schema(value: Any) -> str:
    if value is None or value == "":
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def describe_skills(
    skill: SkillLike | Iterable[SkillLike],
    *,
    description: str | None = None,
    tags: Iterable[str] | None = None,
    price: str | None = None,
    input_schema: Any = None,
) -> tuple[list[str], list[types_pb2.Skill]]:
    """The skill ids and their card descriptions. The keyword arguments describe skills given by id
    alone; they are used only for a skill the agent's card lacks (declared skills keep their fields)."""
    items: list[SkillLike] = [skill] if isinstance(skill, (str, types_pb2.Skill, Mapping)) else list(skill)
    ids: list[str] = []
    offers: list[types_pb2.Skill] = []
    for item in items:
        if isinstance(item, types_pb2.Skill):
            offer = item
        elif isinstance(item, Mapping):
            fields = dict(item)
            fields["input_schema_json"] = _schema(fields.pop("input_schema", fields.get("input_schema_json")))
            fields["output_schema_json"] = _schema(fields.pop("output_schema", fields.get("output_schema_json")))
            offer = types_pb2.Skill(**fields)
        else:
            offer = types_pb2.Skill(
                id=item,
                description=description or "",
                tags=list(tags or []),
                price=price or "",
                input_schema_json=_schema(input_schema),
            )
        ids.append(offer.id)
        offers.append(offer)
    return ids, offers


def is_connection_loss(err: BaseException) -> bool:
    """True for errors that mean "the daemon (or the connection to it) went away"."""
    return isinstance(err, (UnavailableError, CanceledError, AbortedError, DeadlineExceededError, InternalError))


def print_status(kind: str, detail: str) -> None:
    """The default ``on_status``: says on stderr when the daemon is lost and when serving again."""
    if kind != "ready":
        print(f"moltmesh worker: {detail}", file=sys.stderr, flush=True)


class Reconnect:
    """The reconnection state of one worker: call ``ready()`` on each confirmation, ``lost(err)`` when
    the stream ended; ``lost`` returns the seconds to wait, or raises once it is time to give up."""

    def __init__(self, give_up_after: float | None, skills: list[str], on_status: Any) -> None:
        self.give_up_after = give_up_after
        self.skills = skills
        self.on_status = on_status or print_status
        self.ever_ready = False
        self.lost_at: float | None = None
        self.attempt = 0

    def ready(self) -> None:
        names = ", ".join(self.skills)
        if self.lost_at is None:
            self.on_status("ready", f"serving {names}")
        else:
            down = time.monotonic() - self.lost_at
            self.on_status("reconnected", f"reconnected after {down:.1f} s; serving {names}")
        self.ever_ready = True
        self.lost_at = None
        self.attempt = 0

    def task_of(self, res: Any) -> types_pb2.Task | None:
        """The task a subscription response offers; None for the first response, which confirms the
        daemon is serving (again)."""
        if not res.HasField("task"):
            self.ready()
            return None
        return res.task

    def offer_of(self, res: Any) -> tuple[types_pb2.Task, str] | None:
        """task_of with the lease token of a task the daemon claimed for the worker ('' if it did not)."""
        task = self.task_of(res)
        return None if task is None else (task, res.lease_token)

    def lost(self, failure: MoltmeshError | None) -> float:
        if failure is None:  # a daemon that ends the stream cleanly is stopping
            failure = UnavailableError(
                "the daemon ended the task subscription", reason="DAEMON_STOPPED", code=grpc.StatusCode.UNAVAILABLE
            )
        if not self.ever_ready or not is_connection_loss(failure) or not self.give_up_after:
            raise failure
        now = time.monotonic()
        if self.lost_at is None:
            self.lost_at = now
            self.on_status("lost", f"lost the daemon ({failure}); reconnecting")
        down = now - self.lost_at
        if down >= self.give_up_after:
            raise UnavailableError(
                f"lost the daemon and could not reconnect within {self.give_up_after:.0f} s: {failure}",
                reason="DAEMON_GONE",
                code=grpc.StatusCode.UNAVAILABLE,
            ) from failure
        wait = BACKOFF_S[min(self.attempt, len(BACKOFF_S) - 1)]
        self.attempt += 1
        return min(wait, self.give_up_after - down)


class WorkerKeywords(TypedDict, total=False):
    """The keyword options of a worker (see :class:`moltmesh.worker.Worker`), for type checkers."""

    lease: float
    concurrency: int
    preclaim: bool
    max_tasks: int | None
    on_error: Callable[[BaseException, Any], None] | None
    description: str | None
    tags: Iterable[str] | None
    price: str | None
    input_schema: Any
    reconnect: float
    on_status: Callable[[str, str], None] | None


C = TypeVar("C")  # the client type: moltmesh.Client or moltmesh.AsyncClient
X = TypeVar("X")  # the task context type given to on_error


class WorkerOptions(Generic[C, X]):
    """The options of :class:`moltmesh.worker.Worker` and :class:`moltmesh.aio.AsyncWorker` (documented
    on ``Worker``), checked and kept in one place."""

    def __init__(
        self,
        client: C,
        skill: SkillLike | Iterable[SkillLike],
        *,
        lease: float = 60.0,
        concurrency: int = 1,
        preclaim: bool = True,
        max_tasks: int | None = None,
        on_error: Callable[[BaseException, X], None] | None = None,
        description: str | None = None,
        tags: Iterable[str] | None = None,
        price: str | None = None,
        input_schema: Any = None,
        reconnect: float = 60.0,
        on_status: Callable[[str, str], None] | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.client = client
        self.skills, self.offers = describe_skills(
            skill, description=description, tags=tags, price=price, input_schema=input_schema
        )
        self.reconnect = reconnect
        self.on_status = on_status
        self.lease = lease
        self.concurrency = concurrency
        self.preclaim = preclaim
        self.max_tasks = max_tasks
        self.on_error = on_error
        #: Tasks handled so far (completed, failed, rejected or canceled while running).
        self.handled = 0

    @property
    def lease_ms(self) -> int:
        return max(1000, int(self.lease * 1000))

    def _subscribe_request(self) -> dict[str, Any]:
        """The SubscribeTasks request: with ``preclaim``, tasks arrive claimed for this worker."""
        request: dict[str, Any] = {"skills": self.skills, "offers": self.offers}
        if self.preclaim:
            request.update(claim=True, lease_ms=self.lease_ms, max_claimed=self.concurrency)
        return request

    def _reconnect_state(self) -> Reconnect:
        """The reconnection state of one run of the task subscription."""
        return Reconnect(self.reconnect, self.skills, self.on_status)


class TaskView:
    """The claimed task as a handler reads it (shared by the sync and the asyncio task context)."""

    task: types_pb2.Task

    @property
    def id(self) -> str:
        return self.task.id

    @property
    def skill(self) -> str:
        return self.task.skill

    @property
    def requester(self) -> str:
        """The requester's DID."""
        return self.task.requester

    @property
    def input(self) -> list[types_pb2.Part]:
        return list(self.task.input)

    @property
    def text(self) -> str:
        """The input's text parts, joined by newlines."""
        return parts_text(self.task.input)

    @property
    def data(self) -> Any:
        """The input's first JSON part, parsed (``None`` when there is none)."""
        return parts_data(self.task.input)
