"""SendMessage ``no_wait`` and pre-claimed task offers (SubscribeTasks ``claim``, which workers use by
default) through the Python SDK, against the daemon pair of conftest.py (``a`` requests, ``b`` serves)."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import moltmesh
import pytest
from moltmesh.gen import types_pb2

pytestmark = pytest.mark.daemon


def wait_until(check: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def serving() -> tuple[threading.Event, Any]:
    """An event set once a worker serves (its skill is on the card), and the on_status that sets it."""
    ready = threading.Event()

    def on_status(kind: str, message: str) -> None:
        if kind == "ready":
            ready.set()

    return ready, on_status


def test_send_no_wait_answers_once_stored_and_the_message_is_delivered_once(pair: Any) -> None:
    with pair.a.client() as a, pair.b.client() as b:
        # Connected peers: the default send waits for the live delivery and says so.
        waited = a.messages.send(to=pair.b.did, parts=[moltmesh.text("waited")])
        assert not waited.queued
        with a.events.watch(types=["message.delivered"], timeout=60) as events:
            sent = a.messages.send(to=pair.b.did, parts=[moltmesh.text("no wait")], no_wait=True)
            assert sent.queued
            assert sent.message.status == types_pb2.MESSAGE_STATUS_QUEUED
            first = next(res.event for res in events if res.event.message.id == sent.id)
        assert first.type == "message.delivered"
        status = a.messages.get(id=sent.id).message.status
        assert status == types_pb2.MESSAGE_STATUS_DELIVERED
        received = [m for m in b.inbox.list(from_=pair.a.did, page_size=1000).messages if m.id == sent.id]
        assert [moltmesh.parts_text(m.parts) for m in received] == ["no wait"]


def test_a_pre_claimed_task_arrives_working_with_its_lease(pair: Any) -> None:
    with pair.a.client() as a, pair.b.client() as b:
        with b.worker.subscribe(skills=["py-pre-raw"], claim=True, max_claimed=1, timeout=60) as stream:
            it = iter(stream)
            assert not next(it).HasField("task")  # the subscription is serving
            task = a.tasks.create(to=pair.b.did, skill="py-pre-raw", input="raw").task
            res = next(it)
            assert res.task.id == task.id
            assert res.task.state == types_pb2.TASK_STATE_WORKING
            assert res.lease_token and res.lease_expires_at_ms > 0
            b.worker.complete(id=task.id, lease_token=res.lease_token, output=moltmesh.to_parts("done"))
        done = a.wait_task(task.id, timeout=30)
        assert done.state == types_pb2.TASK_STATE_COMPLETED and done.attempts == 1
        with pytest.raises(moltmesh.InvalidArgumentError):
            next(iter(b.worker.subscribe(skills=["py-pre-raw"], max_claimed=2, timeout=10)))


@pytest.mark.parametrize("preclaim", [True, False])
def test_run_worker_with_and_without_preclaim(pair: Any, preclaim: bool) -> None:
    skill = f"py-pre-{str(preclaim).lower()}"
    with pair.a.client() as a, pair.b.client() as b:
        ready, on_status = serving()
        with b.start_worker(
            skill, lambda task: task.text.upper(), preclaim=preclaim, concurrency=2, on_status=on_status
        ):
            assert ready.wait(30)
            tasks = [a.tasks.create(to=pair.b.did, skill=skill, input=f"task {i}").task for i in range(6)]
            done = [a.wait_task(t.id, timeout=30) for t in tasks]
        assert [moltmesh.parts_text(t.output) for t in done] == [f"TASK {i}" for i in range(6)]
        assert all(t.attempts == 1 for t in done)


def test_stopping_a_pre_claiming_worker_lets_its_running_task_finish(pair: Any) -> None:
    started = threading.Event()
    release = threading.Event()

    def slow(task: moltmesh.TaskContext) -> str:
        started.set()
        release.wait(30)
        return "finished"

    with pair.a.client() as a, pair.b.client() as b:
        ready, on_status = serving()
        worker = b.start_worker("py-pre-stop", slow, on_status=on_status)
        assert ready.wait(30)
        task = a.tasks.create(to=pair.b.did, skill="py-pre-stop", input="x").task
        assert started.wait(30)
        # stop() waits for the running task; the subscription must stay open until then, since
        # closing it would hand the task back to the daemon.
        stopping = threading.Thread(target=worker.stop, daemon=True)
        stopping.start()
        time.sleep(0.5)
        assert b.tasks.get(id=task.id).task.state == types_pb2.TASK_STATE_WORKING
        release.set()
        stopping.join(30)
        assert not stopping.is_alive()
        done = a.wait_task(task.id, timeout=30)
        assert done.state == types_pb2.TASK_STATE_COMPLETED
        assert moltmesh.parts_text(done.output) == "finished"
        assert done.attempts == 1


def test_a_pre_claimed_task_of_a_cancelled_subscription_goes_to_the_next_worker(pair: Any) -> None:
    with pair.a.client() as a, pair.b.client() as b:
        stream = b.worker.subscribe(skills=["py-pre-handback"], claim=True, timeout=60)
        it = iter(stream)
        next(it)
        task = a.tasks.create(to=pair.b.did, skill="py-pre-handback", input="again").task
        first = next(it)
        assert first.task.id == task.id
        stream.cancel()  # the worker goes away mid-task
        wait_until(
            lambda: b.tasks.get(id=task.id).task.state == types_pb2.TASK_STATE_SUBMITTED, 10, "the hand-back"
        )
        assert b.run_worker("py-pre-handback", lambda t: "second", max_tasks=1) == 1
        done = a.wait_task(task.id, timeout=30)
        assert moltmesh.parts_text(done.output) == "second" and done.attempts == 2


def test_async_worker_with_and_without_preclaim(pair: Any) -> None:
    async def shout(task: moltmesh.AsyncTaskContext) -> str:
        return task.text.upper()

    async def scenario() -> None:
        async with moltmesh.AsyncClient(pair.a.socket) as a, moltmesh.AsyncClient(pair.b.socket) as b:
            for preclaim in (True, False):
                skill = f"py-pre-async-{str(preclaim).lower()}"
                ready, on_status = serving()
                worker = asyncio.create_task(
                    b.run_worker(skill, shout, max_tasks=2, preclaim=preclaim, on_status=on_status)
                )
                while not ready.is_set():
                    await asyncio.sleep(0.05)
                tasks = [(await a.tasks.create(to=pair.b.did, skill=skill, input=f"a{i}")).task for i in range(2)]
                done = [await a.wait_task(t.id, timeout=30) for t in tasks]
                assert [moltmesh.parts_text(t.output) for t in done] == ["A0", "A1"]
                assert await asyncio.wait_for(worker, 30) == 2

    asyncio.run(scenario())
