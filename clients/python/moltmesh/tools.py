"""Plain tool functions for agents and LLM frameworks: find agents, send a message, delegate a task and
wait for it, read the inbox, publish on a topic, resolve a name.

Each takes and returns JSON-friendly values (str, int, float, bool, dict, list), so it can be handed
to a model as a tool as it is. Use them bound to a client::

    kit = moltmesh.tools.Toolkit(client)
    kit.find_agents("summarise")

or as module functions that open a client per call (``socket=`` or ``$MOLTMESH_SOCKET``)::

    moltmesh.tools.resolve_name("swift-falcon")

Framework wrappers (imported lazily; install the extra first):
``Toolkit.langchain_tools()`` (``pip install langchain-core``) and ``Toolkit.crewai_tools()``
(``pip install crewai``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from .client import Client
from .gen import types_pb2
from .parts import part_value, parts_text, sender, to_parts

R = TypeVar("R")


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, types_pb2.Artifact):
        return {"cid": value.cid, "size": value.size, "name": value.name, "media_type": value.media_type}
    return value


def _skill(skill: types_pb2.Skill) -> dict[str, Any]:
    return {
        "id": skill.id,
        "name": skill.name,
        "description": skill.description,
        "tags": list(skill.tags),
        "price": skill.price,
    }


def _message(msg: types_pb2.Message) -> dict[str, Any]:
    return {
        "id": msg.id,
        "from": sender(msg),
        "text": parts_text(msg.parts),
        "parts": [_jsonable(part_value(p)) for p in msg.parts],
        "thread_id": msg.thread_id,
        "context_id": msg.context_id,
        "reply_to": msg.reply_to,
        "created_at_ms": msg.created_at_ms,
    }


class Toolkit:
    """The tool functions bound to one client. Every method is a tool: its name, docstring and typed
    arguments are what frameworks show the model."""

    #: The methods exposed as tools by the framework wrappers.
    TOOL_NAMES = ("find_agents", "send_message", "delegate_task", "read_inbox", "publish", "resolve_name")

    def __init__(self, client: Client) -> None:
        self.client = client

    def find_agents(
        self, capability: str, tags: list[str] | None = None, limit: int = 10, timeout_s: float = 10.0
    ) -> list[dict[str, Any]]:
        """Find agents on the moltmesh network offering a capability (a skill id or tag such as
        "summarise"). Returns the best-ranked first: did, name, description, the matching skill
        (id, name, description, tags, price), score and whether the agent is connected."""
        found = []
        with self.client.agents.find(
            capability=capability,
            tags=tags or [],
            limit=limit,
            timeout_ms=int(timeout_s * 1000),
            timeout=timeout_s + 10,
        ) as stream:
            for res in stream:
                found.append(
                    {
                        "did": res.card.did,
                        "name": res.card.name,
                        "claimed_name": res.card.claimed_name,
                        "description": res.card.description,
                        "skill": _skill(res.skill),
                        "score": res.score,
                        "connected": res.connected,
                    }
                )
        return found

    def send_message(self, to: str, text: str, thread_id: str = "", reply_to: str = "") -> dict[str, Any]:
        """Send a text message to another agent (a DID or a claimed name). It is stored and delivered
        even if the agent is offline now. Returns the message id and whether it is queued."""
        res = self.client.messages.send(to=to, parts=text, thread_id=thread_id, reply_to=reply_to)
        return {"id": res.id, "queued": res.queued}

    def delegate_task(
        self,
        skill: str,
        input: Any,
        to: str = "",
        capability: str = "",
        max_price: str = "",
        timeout_s: float = 300.0,
    ) -> dict[str, Any]:
        """Delegate a task to another agent and wait for its result. Give `to` (a DID or name) or
        `capability` (the best-ranked agent offering it is chosen). `input` is text or a JSON value.
        Returns the task id, its final state (COMPLETED, FAILED, REJECTED, CANCELED, or INPUT_REQUIRED
        when the agent asks a question), its output values and its error, if any."""
        task = self.client.tasks.create(
            to=to,
            capability=capability,
            skill=skill or capability,
            input=to_parts(input),
            max_price=max_price,
            timeout_ms=int(timeout_s * 1000),
        ).task
        done = self.client.wait_task(task.id, timeout=timeout_s)
        return {
            "id": done.id,
            "assignee": done.assignee,
            "state": types_pb2.TaskState.Name(done.state).removeprefix("TASK_STATE_"),
            "output": [_jsonable(part_value(p)) for p in done.output],
            "question": [_jsonable(part_value(p)) for p in done.status_message],
            "error": {"reason": done.error.reason, "message": done.error.message} if done.HasField("error") else None,
        }

    def read_inbox(self, unread_only: bool = True, limit: int = 20, mark_read: bool = True) -> list[dict[str, Any]]:
        """Read received messages, oldest first: id, from (DID), text, parts, thread and time. By default
        only unread ones, which are then marked read."""
        res = self.client.inbox.list(unread_only=unread_only, page_size=limit)
        messages = [_message(m) for m in res.messages]
        if mark_read and messages:
            self.client.inbox.mark_read(ids=[m["id"] for m in messages])
        return messages

    def publish(self, topic: str, message: str) -> dict[str, Any]:
        """Publish a text message on a pub/sub topic of the network. Returns its id and how many peers
        it was sent to."""
        res = self.client.topics.publish(topic=topic, payload=message.encode())
        return {"id": res.id, "recipients": res.recipients}

    def resolve_name(self, name: str) -> dict[str, Any]:
        """Resolve a human-readable agent name (e.g. "swift-falcon") to its DID."""
        res = self.client.names.resolve(name=name)
        return {"name": res.name, "did": res.did, "expires_at_ms": res.expires_at_ms}

    def tools(self) -> list[Callable[..., Any]]:
        """The bound tool methods, for frameworks that take plain functions."""
        return [getattr(self, n) for n in self.TOOL_NAMES]

    def langchain_tools(self) -> list[Any]:
        """The tools as LangChain ``StructuredTool``s (needs ``pip install langchain-core``)."""
        try:
            from langchain_core.tools import StructuredTool
        except ImportError as err:  # pragma: no cover - depends on the extra
            raise ImportError("LangChain tools need langchain-core: pip install langchain-core") from err
        return [
            StructuredTool.from_function(func=fn, name=f"moltmesh_{fn.__name__}", description=_doc(fn))
            for fn in self.tools()
        ]

    def crewai_tools(self) -> list[Any]:
        """The tools as CrewAI tools (needs ``pip install crewai``). Untested here: CrewAI
        is a large install; the wrapping follows CrewAI's ``tool`` decorator."""
        try:
            from crewai.tools import tool
        except ImportError as err:  # pragma: no cover - depends on the extra
            raise ImportError("CrewAI tools need crewai: pip install crewai") from err
        wrapped = []
        for fn in self.tools():
            plain = _plain(fn)
            wrapped.append(tool(f"moltmesh_{fn.__name__}")(plain))
        return wrapped


def _doc(fn: Callable[..., Any]) -> str:
    return " ".join((fn.__doc__ or fn.__name__).split())


def _plain(fn: Callable[..., R]) -> Callable[..., R]:
    """A plain function (not a bound method) with the same signature and docstring."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> R:
        return fn(*args, **kwargs)

    return call


def _with_client(name: str) -> Callable[..., Any]:
    method = getattr(Toolkit, name)

    @functools.wraps(method)
    def call(*args: Any, socket: str | None = None, **kwargs: Any) -> Any:
        with Client(socket) as client:
            return getattr(Toolkit(client), name)(*args, **kwargs)

    call.__doc__ = f"{method.__doc__}\n\nOpens a client on ``socket`` (default ``$MOLTMESH_SOCKET``) for the call."
    # The method's parameters without `self`, plus `socket`, for frameworks that read the signature.
    sig = inspect.signature(method)
    params = [p for p in sig.parameters.values() if p.name != "self"]
    params.append(inspect.Parameter("socket", inspect.Parameter.KEYWORD_ONLY, default=None, annotation="str | None"))
    call.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    del call.__wrapped__  # type: ignore[attr-defined]
    return call


find_agents = _with_client("find_agents")
send_message = _with_client("send_message")
delegate_task = _with_client("delegate_task")
read_inbox = _with_client("read_inbox")
publish = _with_client("publish")
resolve_name = _with_client("resolve_name")

__all__ = ["Toolkit", "delegate_task", "find_agents", "publish", "read_inbox", "resolve_name", "send_message"]
