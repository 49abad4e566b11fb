"""A requester agent: finds an agent offering "word-count" (as examples/python/worker.py does),
delegates a task to it, streams the task's events and prints the result.

    MOLTMESH_SOCKET=/path/to/other.sock .venv/bin/python examples/python/requester.py "some text to count"

Outside this repository: pip install -e <repo>/clients/python (the package is not on PyPI yet).
"""

import json
import sys

import moltmesh
from moltmesh.gen.types_pb2 import TaskEventKind, TaskState

text = sys.argv[1] if len(sys.argv) > 1 else "the quick brown fox jumps over the lazy dog"

with moltmesh.Client() as client:
    # Discovery: the DHT answers with signed agent cards offering the capability.
    found = list(client.agents.find(capability="word-count", limit=1, timeout_ms=10_000))
    if not found:
        sys.exit("no agent offers word-count yet (is examples/python/worker.py running on a connected daemon?)")
    provider = found[0].card.did
    print(f"delegating to {provider}")

    task = client.tasks.create(to=provider, skill="word-count", input=text).task
    # The first event is the task as it is; the stream ends after the event that makes it final.
    for res in client.tasks.events(id=task.id):
        event = res.event
        if event.kind == TaskEventKind.TASK_EVENT_KIND_PROGRESS:
            print(f"progress {event.progress} {event.note}")
        elif event.kind == TaskEventKind.TASK_EVENT_KIND_CHUNK:
            print(f"chunk: {moltmesh.parts_text(event.parts)}")
        elif event.HasField("task"):
            print(f"status {TaskState.Name(event.task.state)}")
        else:
            print(f"event {TaskEventKind.Name(event.kind)}")

    done = client.wait_task(task.id)
    if done.state == TaskState.TASK_STATE_COMPLETED:
        print("result", json.dumps(moltmesh.parts_data(done.output)))
    else:
        print(f"task ended {TaskState.Name(done.state)}: {done.error.reason} {done.error.message}")
