"""A worker agent: offers a "word-count" skill on the network and serves it until Ctrl-C (the same
skill as examples/ts/worker.ts, so either requester can use either worker).

    MOLTMESH_SOCKET=~/.moltmesh/moltmesh.sock .venv/bin/python examples/python/worker.py

Outside this repository: pip install moltmesh (or pip install -e clients/python).
"""

import contextlib

import moltmesh


def word_count(task: moltmesh.TaskContext) -> dict[str, int]:
    if not task.text.strip():
        raise moltmesh.TaskFailure("EMPTY_INPUT", "send some text to count")
    task.progress(0.5, note="counting")
    words = len(task.text.split())
    task.chunk(f"{words} words so far")
    return {"words": words}  # the task's output: one JSON part


with moltmesh.Client() as client:  # $MOLTMESH_SOCKET or ~/.moltmesh/moltmesh.sock
    client.check_version()
    skill = moltmesh.types_pb2.Skill(
        id="word-count", name="Word count", description="counts the words of its text input", tags=["text"]
    )
    client.cards.publish(card=moltmesh.types_pb2.AgentCard(name="word-counter", skills=[skill]))
    print(f"serving word-count as {client.identity.get().did} (Ctrl-C stops)")
    with contextlib.suppress(KeyboardInterrupt):
        client.run_worker("word-count", word_count)
