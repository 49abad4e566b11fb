"""The Python SDK against a real daemon pair: discovery, messaging, a streamed task served by
``run_worker``, cancel, typed errors, blobs, the plain tools and the asyncio client.

Daemon ``b`` is the provider (it publishes a card with the skills below and runs the workers), ``a``
the requester. The pair is started once for the module (see conftest.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import daemons
import moltmesh
import pytest
from moltmesh import tools
from moltmesh.gen import types_pb2

pytestmark = pytest.mark.daemon

REPO_ROOT = pathlib.Path(__file__).resolve().parents[3]
SKILLS = ["py-sdk-echo", "py-sdk-double", "py-sdk-slow", "py-sdk-fail", "py-sdk-async", "py-sdk-ask", "py-sdk-gen"]


@pytest.fixture(scope="module")
def provider(pair: Any) -> Iterator[moltmesh.Client]:
    """A client of daemon b with its card published (every skill of this suite)."""
    with pair.b.client() as b:
        skills = [types_pb2.Skill(id=s, tags=["python-sdk"], visibility=types_pb2.VISIBILITY_PUBLIC) for s in SKILLS]
        card = b.cards.publish(card=types_pb2.AgentCard(name="py-sdk-provider", skills=skills)).card
        assert card.sequence > 0
        b.names.claim(name="py-sdk-pal")
        yield b


@pytest.fixture(scope="module")
def requester(pair: Any) -> Iterator[moltmesh.Client]:
    with pair.a.client() as a:
        yield a


def event_kinds(events: list[types_pb2.TaskEvent]) -> list[str]:
    return [types_pb2.TaskEventKind.Name(e.kind).removeprefix("TASK_EVENT_KIND_") for e in events]


def state_name(state: int) -> str:
    return str(types_pb2.TaskState.Name(state)).removeprefix("TASK_STATE_")


# ---------------------------------------------------------------------------- discover


def test_check_version(requester: moltmesh.Client) -> None:
    health = requester.check_version()
    assert health.ok and health.api_version == moltmesh.API_VERSION


def test_discover_an_agent_by_capability_and_name(
    pair: Any, provider: moltmesh.Client, requester: moltmesh.Client
) -> None:
    found: list[Any] = []
    deadline = time.monotonic() + 30
    while not found and time.monotonic() < deadline:
        with requester.agents.find(capability="py-sdk-echo", tags=["python-sdk"], limit=5, timeout_ms=3000) as stream:
            found = [r for r in stream if r.card.did == pair.b.did]
    assert found, "b's card was not found"
    assert found[0].skill.id == "py-sdk-echo"
    assert requester.names.resolve(name="py-sdk-pal").did == pair.b.did
    assert requester.cards.get(did="py-sdk-pal").card.name == "py-sdk-provider"


# ---------------------------------------------------------------------------- message


def test_message_is_received_by_an_inbox_subscription_and_acked(
    pair: Any, provider: moltmesh.Client, requester: moltmesh.Client
) -> None:
    # after_cursor "0" replays from the start, so the subscription cannot miss the message.
    with provider.inbox.subscribe(from_=pair.a.did, after_cursor="0", timeout=30) as inbox:
        sent = requester.messages.send(
            to=pair.b.did, parts=[moltmesh.text("hello b"), moltmesh.data({"n": 1})], thread_id="py-sdk"
        )
        assert sent.id.startswith("msg_")
        msg = next(res.message for res in inbox if res.message.id == sent.id)
    assert moltmesh.sender(msg) == pair.a.did
    assert moltmesh.parts_text(msg.parts) == "hello b"
    assert moltmesh.parts_data(msg.parts) == {"n": 1}
    assert provider.inbox.ack(ids=[msg.id]).acknowledged == 1
    assert provider.inbox.mark_read(ids=[msg.id], unread=True).updated == 1
    assert msg.id in [m.id for m in provider.inbox.list(unread_only=True).messages]
    assert sent.id in [m.id for m in requester.messages.outbox(to=pair.b.did).messages]
    # The daemon counts it in its per-minute activity (what the workspace's Overview charts show).
    activity = provider.node.activity(minutes=5)
    assert [s.name for s in activity.series] == ["messages", "tasks", "errors"]
    assert len(activity.series[0].counts) == 5 and sum(activity.series[0].counts) >= 1
    with pytest.raises(moltmesh.InvalidArgumentError):
        provider.node.activity(minutes=61)


def test_a_queued_message_is_canceled_and_an_unknown_ack_is_not_found(requester: moltmesh.Client) -> None:
    # Nobody holds this DID (a typo): the message stays queued until canceled.
    stranger = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    sent = requester.messages.send(to=stranger, parts=[moltmesh.text("anyone?")])
    assert sent.queued
    canceled = requester.messages.cancel(id=sent.id).message
    assert canceled.status == types_pb2.MESSAGE_STATUS_FAILED and canceled.last_error == "CANCELED"
    with pytest.raises(moltmesh.FailedPreconditionError) as again:
        requester.messages.cancel(id=sent.id)
    assert again.value.reason == "MESSAGE_NOT_QUEUED"
    with pytest.raises(moltmesh.NotFoundError) as unknown:
        requester.inbox.ack(ids=["msg_doesnotexist"])
    assert unknown.value.reason == "MESSAGE_NOT_FOUND"


# ---------------------------------------------------------------------------- tasks


def double(task: moltmesh.TaskContext) -> dict[str, int]:
    n = task.data["n"]
    task.progress(0.5, note="halfway")
    task.chunk("thinking")
    return {"n": n * 2}


def test_task_with_streamed_events_served_by_run_worker(
    pair: Any, provider: moltmesh.Client, requester: moltmesh.Client
) -> None:
    handled: list[int] = []
    # run_worker blocks: here it serves one task in a thread (max_tasks=1) and returns.
    thread = threading.Thread(
        target=lambda: handled.append(provider.run_worker("py-sdk-double", double, max_tasks=1, lease=5)),
        daemon=True,
    )
    thread.start()
    task = requester.tasks.create(to=pair.b.did, skill="py-sdk-double", input={"n": 21}).task
    assert state_name(task.state) == "SUBMITTED"

    events = [res.event for res in requester.tasks.events(id=task.id, timeout=60)]
    kinds = event_kinds(events)
    assert kinds[0] == "STATUS"  # the current task first
    assert "PROGRESS" in kinds and "CHUNK" in kinds
    assert kinds.index("PROGRESS") < kinds.index("CHUNK")
    progress = next(e for e in events if e.kind == types_pb2.TASK_EVENT_KIND_PROGRESS)
    assert progress.progress == 0.5 and progress.note == "halfway"
    chunk = next(e for e in events if e.kind == types_pb2.TASK_EVENT_KIND_CHUNK)
    assert moltmesh.parts_text(chunk.parts) == "thinking"
    assert state_name(events[-1].task.state) == "COMPLETED"  # the stream closes at the terminal event

    done = requester.wait_task(task.id, timeout=30)
    assert state_name(done.state) == "COMPLETED"
    assert moltmesh.parts_data(done.output) == {"n": 42}
    thread.join(30)
    assert handled == [1]


def test_a_failing_handler_fails_the_task(pair: Any, provider: moltmesh.Client, requester: moltmesh.Client) -> None:
    errors: list[BaseException] = []

    def broken(task: moltmesh.TaskContext) -> None:
        raise ValueError("no good input")

    with provider.start_worker("py-sdk-fail", broken, on_error=lambda exc, ctx: errors.append(exc)):
        done = requester.run_task(to=pair.b.did, skill="py-sdk-fail", input="x", timeout=30)
    assert state_name(done.state) == "FAILED"
    assert done.error.reason == "HANDLER_ERROR"
    assert "ValueError: no good input" in done.error.message
    assert len(errors) == 1 and isinstance(errors[0], ValueError)


def test_cancel_reaches_a_worker_that_never_finishes(
    pair: Any, provider: moltmesh.Client, requester: moltmesh.Client
) -> None:
    started = threading.Event()
    saw_cancel = threading.Event()

    def slow(task: moltmesh.TaskContext) -> str:
        started.set()
        if task.wait_canceled(60):
            saw_cancel.set()
        return "too late"

    with provider.start_worker("py-sdk-slow", slow, lease=3):
        task = requester.tasks.create(to=pair.b.did, skill="py-sdk-slow", input="forever").task
        with requester.tasks.events(id=task.id, timeout=60) as events:
            for res in events:
                if res.event.task.state == types_pb2.TASK_STATE_WORKING:
                    break  # leaving the loop cancels the stream
        assert started.wait(30)
        canceled = requester.tasks.cancel(id=task.id, reason="changed my mind").task
        assert state_name(canceled.state) == "CANCELED"
        assert saw_cancel.wait(30), "the handler was not told about the cancel"
    final = requester.wait_task(task.id, timeout=10)
    assert state_name(final.state) == "CANCELED"
    assert final.error.reason == "CANCELED"
    # The worker dropped the result: the assignee's copy ends CANCELED too.
    assert state_name(provider.wait_task(task.id, timeout=30).state) == "CANCELED"


def test_a_worker_asks_the_requester_and_streams_from_a_generator(
    pair: Any, provider: moltmesh.Client, requester: moltmesh.Client
) -> None:
    def greet(task: moltmesh.TaskContext) -> Iterator[str]:
        answer = task.ask("what is your name?", timeout=30)
        if moltmesh.parts_text(answer) == "nobody":
            raise moltmesh.TaskRejected("I only greet somebody")
        yield "hello "
        yield moltmesh.parts_text(answer)

    with provider.start_worker("py-sdk-ask", greet, concurrency=2):
        tasks = [requester.tasks.create(to=pair.b.did, skill="py-sdk-ask", input="hi").task for _ in range(2)]
        for task, name in zip(tasks, ["ada", "nobody"], strict=True):
            asking = requester.wait_task(task.id, timeout=30)  # returns when the worker waits for us
            assert state_name(asking.state) == "INPUT_REQUIRED"
            assert moltmesh.parts_text(asking.status_message) == "what is your name?"
            requester.tasks.send_input(id=task.id, input=name)
        greeted, refused = (requester.wait_task(t.id, timeout=30) for t in tasks)
    assert state_name(greeted.state) == "COMPLETED"
    assert moltmesh.parts_text(greeted.output) == "hello ada"  # the yielded text, joined
    chunks = [
        moltmesh.parts_text(r.event.parts)
        for r in requester.tasks.events(id=tasks[0].id)
        if r.event.kind == types_pb2.TASK_EVENT_KIND_CHUNK
    ]
    assert chunks == ["hello ", "ada"]
    assert state_name(refused.state) == "REJECTED"
    assert refused.error.reason == "REJECTED_BY_WORKER" and "only greet somebody" in refused.error.message


# ---------------------------------------------------------------------------- errors


def test_typed_errors(pair: Any, requester: moltmesh.Client, tmp_path: Any) -> None:
    with pytest.raises(moltmesh.InvalidArgumentError) as bad_did:
        requester.node.ping(target="did:key:zBAD")
    assert bad_did.value.reason == "INVALID_DID"
    assert bad_did.value.code.name == "INVALID_ARGUMENT"
    assert "[INVALID_DID]" in str(bad_did.value)
    # The same reason travels as the standard google.rpc.ErrorInfo (grpc-status-details-bin).
    info = bad_did.value.error_info
    assert info is not None and (info.reason, info.domain) == ("INVALID_DID", "moltmesh")
    with pytest.raises(moltmesh.InvalidArgumentError) as no_id:
        requester.identity.convert_id(id="")
    assert no_id.value.error_info is not None and dict(no_id.value.error_info.metadata) == {"field": "id"}

    with pytest.raises(moltmesh.NotFoundError) as missing:
        requester.tasks.get(id="task_01J0000000000000000000000")
    assert missing.value.reason == "TASK_NOT_FOUND"
    # Streams raise typed errors too.
    with pytest.raises(moltmesh.NotFoundError):
        list(requester.tasks.events(id="task_01J0000000000000000000000"))

    socket_path = str(tmp_path / "nobody.sock")
    with moltmesh.Client(socket_path) as nobody, pytest.raises(moltmesh.DaemonNotRunningError) as not_running:
        nobody.node.health()
    assert str(not_running.value) == (
        f"moltmesh daemon is not running (no socket at {socket_path}) — start it with `moltmesh start`"
    )
    assert not_running.value.reason == "DAEMON_NOT_RUNNING" and not_running.value.state == "missing"

    # A socket file that nobody listens on (a daemon that died).
    stale_path = str(tmp_path / "stale.sock")
    s = socket.socket(socket.AF_UNIX)
    s.bind(stale_path)
    s.close()
    with moltmesh.Client(stale_path) as stale, pytest.raises(moltmesh.DaemonNotRunningError) as stale_err:
        stale.node.health()
    assert stale_err.value.state == "stale"


def test_a_tcp_listener_with_a_bearer_token(pair: Any) -> None:
    with moltmesh.Client(address=pair.tcp_rpc, token=pair.TCP_TOKEN, timeout=10) as tcp:
        assert tcp.node.health().did == pair.a.did
    bad = moltmesh.Client(address=pair.tcp_rpc, token="wrong-token-0123456789", timeout=10)
    with bad, pytest.raises(moltmesh.UnauthenticatedError) as err:
        bad.identity.get()
    assert err.value.reason == "UNAUTHENTICATED"

    async def check_async() -> None:
        async with moltmesh.AsyncClient(address=pair.tcp_rpc, token=pair.TCP_TOKEN) as atcp:
            assert (await atcp.identity.get()).did == pair.a.did

    asyncio.run(check_async())
    # Nothing listening on the address: the daemon is not running there.
    nobody = moltmesh.Client(address=f"127.0.0.1:{daemons.free_port()}", timeout=10)
    with nobody, pytest.raises(moltmesh.DaemonNotRunningError) as not_running:
        nobody.node.health()
    assert not_running.value.state == "unreachable"


# ---------------------------------------------------------------------------- blobs


def test_put_file_and_get_file_from_the_other_agent(
    pair: Any, provider: moltmesh.Client, requester: moltmesh.Client, tmp_path: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(moltmesh.client, "CHUNK_BYTES", 64 * 1024)  # several chunks per upload
    src = tmp_path / "report.txt"
    content = os.urandom(300_000)  # larger than an inline artifact
    src.write_bytes(content)
    art = requester.put_file(src)
    assert art.cid.startswith("bafkrei") and art.size == len(content) and art.name == "report.txt"
    assert art.media_type == "text/plain"
    assert requester.blobs.stat(cid=art.cid).artifact.size == len(content)

    dest = tmp_path / "copy.txt"
    got = provider.get_file(art.cid, dest, from_=pair.a.did, timeout=60)
    assert dest.read_bytes() == content
    assert got.cid == art.cid

    def failing_source() -> Iterator[bytes]:
        yield b"abc"
        raise OSError("disk gone")

    # A failing upload source fails the upload with its own error; a bad item with a TypeError.
    with pytest.raises(OSError, match="disk gone"):
        requester.blobs.put(failing_source(), name="broken")
    with pytest.raises(TypeError, match="cannot upload a int"):
        requester.blobs.put([b"x", 42])

    with pytest.raises(moltmesh.InvalidArgumentError) as bad:
        provider.get_file("Qmnope", tmp_path / "never")
    assert bad.value.reason == "INVALID_CID"
    assert not (tmp_path / "never").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.txt", "report.txt"]  # no temp file left


# ---------------------------------------------------------------------------- tools


def test_plain_tools(pair: Any, provider: moltmesh.Client, requester: moltmesh.Client) -> None:
    kit = tools.Toolkit(requester)
    agents: list[dict[str, Any]] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the DHT may need a moment after a card was (re)published
        agents = kit.find_agents("py-sdk-echo", timeout_s=3)
        if any(a["did"] == pair.b.did and a["skill"]["id"] == "py-sdk-echo" for a in agents):
            break
    else:
        pytest.fail(f"b not found by find_agents: {agents}")
    assert kit.resolve_name("py-sdk-pal")["did"] == pair.b.did

    sent = kit.send_message(to=pair.b.did, text="from a tool")
    assert sent["id"].startswith("msg_")
    inbox = tools.Toolkit(provider).read_inbox(limit=50, unread_only=False)
    assert any(m["id"] == sent["id"] and m["text"] == "from a tool" and m["from"] == pair.a.did for m in inbox), (
        sent,
        inbox,
    )

    with provider.start_worker("py-sdk-double", double):
        result = kit.delegate_task(skill="py-sdk-double", input={"n": 5}, to=pair.b.did, timeout_s=30)
    assert result["state"] == "COMPLETED" and result["output"] == [{"n": 10}]

    published = kit.publish("py-sdk/news", "hello topic")
    assert published["id"]
    # The module-level functions open a client on the given socket.
    assert tools.resolve_name("py-sdk-pal", socket=pair.a.socket)["did"] == pair.b.did
    assert json.dumps(agents)  # JSON-friendly results, ready for an LLM


# ---------------------------------------------------------------------------- asyncio


def test_async_client_task_round_trip(pair: Any, provider: moltmesh.Client) -> None:
    async def shout(task: moltmesh.AsyncTaskContext) -> str:
        for word in task.text.split():
            await task.chunk(word.upper())
        return task.text.upper()

    async def scenario() -> None:
        async with moltmesh.AsyncClient(pair.a.socket) as a, moltmesh.AsyncClient(pair.b.socket) as b:
            assert (await a.check_version()).api_version == moltmesh.API_VERSION
            worker = asyncio.create_task(b.run_worker("py-sdk-async", shout, max_tasks=1))
            task = (await a.tasks.create(to=pair.b.did, skill="py-sdk-async", input="hello async world")).task
            chunks = []
            async for res in a.tasks.events(id=task.id, timeout=60):
                if res.event.kind == types_pb2.TASK_EVENT_KIND_CHUNK:
                    chunks.append(moltmesh.parts_text(res.event.parts))
            done = await a.wait_task(task.id, timeout=30)
            assert state_name(done.state) == "COMPLETED"
            assert moltmesh.parts_text(done.output) == "HELLO ASYNC WORLD"
            assert chunks == ["HELLO", "ASYNC", "WORLD"]
            assert await asyncio.wait_for(worker, 30) == 1

            with pytest.raises(moltmesh.NotFoundError) as missing:
                await a.tasks.get(id="task_01J0000000000000000000000")
            assert missing.value.reason == "TASK_NOT_FOUND"

            # Uploads from an async source, whose failure is reported as it is.
            async def chunks(fail: bool) -> Any:
                yield b"async "
                if fail:
                    raise OSError("source broke")
                yield b"bytes"

            art = (await a.blobs.put(chunks(False), name="a.txt")).artifact
            assert art.size == len(b"async bytes")
            with pytest.raises(OSError, match="source broke"):
                await a.blobs.put(chunks(True))

            # Leaving an async for early cancels the stream.
            async with a.tasks.events(id=task.id) as stream:
                async for _ in stream:
                    break
            assert stream.closed

        async with moltmesh.AsyncClient(os.path.join(pair.root, "nobody.sock")) as nobody:
            with pytest.raises(moltmesh.DaemonNotRunningError):
                await nobody.node.health()

    asyncio.run(scenario())


def test_langchain_tools(pair: Any, requester: moltmesh.Client) -> None:
    pytest.importorskip("langchain_core", reason="langchain-core is in requirements-dev.txt")
    lc_tools = {t.name: t for t in tools.Toolkit(requester).langchain_tools()}
    assert sorted(lc_tools) == sorted(f"moltmesh_{n}" for n in tools.Toolkit.TOOL_NAMES)
    assert "capability" in lc_tools["moltmesh_find_agents"].args
    assert lc_tools["moltmesh_resolve_name"].invoke({"name": "py-sdk-pal"})["did"] == pair.b.did


# ---------------------------------------------------------------------------- examples


def test_the_examples_run(pair: Any, provider: moltmesh.Client) -> None:
    """examples/python/worker.py on b serves the task examples/python/requester.py sends from a."""
    examples = REPO_ROOT / "examples" / "python"
    worker = subprocess.Popen(
        [sys.executable, str(examples / "worker.py")],
        env={**os.environ, "MOLTMESH_SOCKET": pair.b.socket},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert worker.stdout is not None
        ready, _, _ = select.select([worker.stdout], [], [], 60)
        assert ready, "examples/python/worker.py printed nothing within 60 s"
        assert "serving word-count" in worker.stdout.readline()
        requester = subprocess.run(
            [sys.executable, str(examples / "requester.py"), "one two three"],
            env={**os.environ, "MOLTMESH_SOCKET": pair.a.socket},
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert requester.returncode == 0, requester.stderr
        out = requester.stdout
        assert f"delegating to {pair.b.did}" in out
        assert "progress 0.5 counting" in out and "chunk: 3 words so far" in out
        assert "status TASK_STATE_COMPLETED" in out
        assert 'result {"words": 3}' in out
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(15)
        except subprocess.TimeoutExpired:
            worker.kill()
        # The worker example replaced b's card: put this suite's skills back.
        skills = [types_pb2.Skill(id=s, tags=["python-sdk"]) for s in SKILLS]
        provider.cards.publish(card=types_pb2.AgentCard(name="py-sdk-provider", skills=skills))
    assert worker.returncode == 0


def test_async_worker_offers_its_skill_on_the_card_and_leaves_the_rest(pair: Any, provider: moltmesh.Client) -> None:
    async def count(task: moltmesh.AsyncTaskContext) -> dict[str, int]:
        return {"words": len(task.text.split())}

    def card_skills() -> dict[str, types_pb2.Skill]:
        return {s.id: s for s in provider.cards.get().card.skills}

    async def scenario() -> None:
        async with moltmesh.AsyncClient(pair.a.socket) as a, moltmesh.AsyncClient(pair.b.socket) as b:
            ready = asyncio.Event()
            worker = asyncio.create_task(
                b.run_worker(
                    "py-sdk-offered",
                    count,
                    max_tasks=1,
                    description="counts words",
                    price="0",
                    tags=["python-sdk"],
                    on_status=lambda kind, message: ready.set() if kind == "ready" else None,
                )
            )
            await asyncio.wait_for(ready.wait(), 30)
            skills = card_skills()
            assert skills["py-sdk-offered"].description == "counts words"
            assert set(SKILLS) <= set(skills)  # the declared skills stayed
            task = (await a.tasks.create(to=pair.b.did, skill="py-sdk-offered", input="one two")).task
            done = await a.wait_task(task.id, timeout=30)
            assert moltmesh.parts_data(done.output) == {"words": 2}
            assert await asyncio.wait_for(worker, 30) == 1

    asyncio.run(scenario())
    deadline = time.monotonic() + 10
    while "py-sdk-offered" in card_skills() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "py-sdk-offered" not in card_skills()
    assert provider.cards.get().card.name == "py-sdk-provider"


# ---------------------------------------------------------------------------- ordered threads


def test_an_ordered_thread_between_the_two_daemons(
    pair: Any, provider: moltmesh.Client, requester: moltmesh.Client
) -> None:
    created = requester.ordered.create(members=[pair.b.did], title="py-sdk plan")
    thread_id = created.thread.id
    assert thread_id.startswith("othr_")
    assert [i.member for i in created.invitations] == [pair.b.did]
    # The invitation travels over durable messaging; b accepts it explicitly.
    deadline = time.monotonic() + 30
    while not any(i.thread_id == thread_id for i in provider.ordered.invitations().invitations):
        assert time.monotonic() < deadline, "the invitation did not arrive"
        time.sleep(0.1)
    assert provider.ordered.accept(thread_id=thread_id).thread.title == "py-sdk plan"

    first = requester.ordered.append(
        thread_id=thread_id, parts=[moltmesh.text("step 1")], client_id="py", seq=1, timeout_ms=30000
    )
    second = provider.ordered.append(thread_id=thread_id, parts=[moltmesh.data({"step": 2})], timeout_ms=30000)
    assert second.index > first.index
    again = requester.ordered.append(
        thread_id=thread_id, parts=[moltmesh.text("step 1")], client_id="py", seq=1, timeout_ms=30000
    )
    assert again.duplicate and again.index == first.index

    # Both members read the same log (linearizable reads).
    log_a = list(requester.ordered.read(thread_id=thread_id, timeout_ms=30000).entries)
    log_b = list(provider.ordered.read(thread_id=thread_id, timeout_ms=30000).entries)
    assert log_a == log_b
    data = [e for e in log_a if e.kind == "data"]
    assert [e.index for e in data] == [first.index, second.index]
    assert moltmesh.parts_text(data[0].parts) == "step 1" and data[0].proposer == pair.a.did
    assert moltmesh.parts_data(data[1].parts) == {"step": 2} and data[1].proposer == pair.b.did

    # A subscription after the first entry starts with the second.
    with provider.ordered.subscribe(thread_id=thread_id, after_index=first.index, timeout=30) as stream:
        entry = next(r.entry for r in stream if r.entry.kind == "data")
    assert entry.index == second.index

    status = requester.ordered.status(thread_id=thread_id)
    assert status.leader in (pair.a.did, pair.b.did) and status.commit_index >= second.index
    assert sorted(m.did for m in status.members) == sorted([pair.a.did, pair.b.did])

    # A member that never starts joins as a learner (no vote needed), then is removed.
    stranger = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    added = requester.ordered.add_member(thread_id=thread_id, member=stranger, timeout_ms=30000)
    assert added.index > second.index and added.invitation.member == stranger
    assert requester.ordered.remove_member(thread_id=thread_id, member=stranger, timeout_ms=30000).index > added.index

    # b's export verifies anywhere; one altered entry does not.
    exported = provider.ordered.export(thread_id=thread_id)
    assert provider.ordered.verify(thread_id=thread_id).ok
    assert requester.ordered.verify(jsonl=exported.jsonl).ok
    lines = exported.jsonl.strip().split("\n")
    altered = json.loads(lines[-1])
    altered["seq"] += 1
    verdict = requester.ordered.verify(jsonl="\n".join([*lines[:-1], json.dumps(altered)]))
    assert not verdict.ok and verdict.bad_index == altered["index"]

    with pytest.raises(moltmesh.NotFoundError) as missing:
        requester.ordered.status(thread_id="othr_" + "0" * 32)
    assert missing.value.reason == "THREAD_NOT_FOUND"
