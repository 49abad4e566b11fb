"""A worker agent: offers a "word-count" skill on the network and serves it until Ctrl-C (the same
skill as examples/ts/worker.ts, so either requester can use either worker). Serving the skill puts
it on the agent's card while the worker runs (described as below, unless the agent declares it
itself); the agent's name and other skills stay as they are.

    MOLTMESH_SOCKET=~/.moltmesh/moltmesh.sock .venv/bin/python examples/python/worker.py

Outside this repository: pip install -e clients/python (the package is not on PyPI).
"""

import contextlib
import sys

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
    did = client.identity.get().did

    def status(kind: str, message: str) -> None:
        if kind == "ready":
            print(f"serving word-count as {did} (Ctrl-C stops)", flush=True)
        else:
            print(message, file=sys.stderr, flush=True)

    with contextlib.suppress(KeyboardInterrupt):
        client.run_worker(
            "word-count",
            word_count,
            description="counts the words of its text input",
            tags=["text"],
            on_status=status,
        )
