// The generated Python stubs against a real daemon: calls succeed, and errors carry the status and
// the moltmesh-reason trailer (what the Python SDK's typed errors are built on).
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { REPO_ROOT } from '../harness/paths.ts'

const SCRIPT = `
import json, sys, grpc, moltmesh
from moltmesh.gen import a2a_pb2, diag_pb2
out = {}
with moltmesh.connect(sys.argv[1]) as conn:
    out["health"] = conn.diag.Health(diag_pb2.HealthRequest()).did
    out["identity"] = conn.a2a.GetIdentity(a2a_pb2.GetIdentityRequest()).peer_id
    try:
        conn.diag.Ping(diag_pb2.PingRequest(target="did:key:zBAD"))
    except grpc.RpcError as err:
        out["code"] = err.code().name
        out["reason"] = dict(err.trailing_metadata() or ()).get("moltmesh-reason")
print(json.dumps(out))
`

// Publishes a card and claims a name on one daemon, then discovers it from another, all from Python.
const DISCOVERY_SCRIPT = `
import json, sys, moltmesh
from moltmesh.gen import a2a_pb2, types_pb2
provider, seeker = sys.argv[1], sys.argv[2]
out = {}
with moltmesh.connect(provider) as conn:
    skill = types_pb2.Skill(id="py-summarise", tags=["python"], price="1.5",
                            visibility=types_pb2.VISIBILITY_PUBLIC)
    card = conn.a2a.PublishAgentCard(a2a_pb2.PublishAgentCardRequest(
        card=types_pb2.AgentCard(name="py-agent", skills=[skill]))).card
    out["published"] = card.sequence > 0
    conn.a2a.ClaimName(a2a_pb2.ClaimNameRequest(name="python-pal"))
with moltmesh.connect(seeker) as conn:
    found = list(conn.a2a.FindAgents(a2a_pb2.FindAgentsRequest(
        capability="py-summarise", tags=["python"], limit=5, timeout_ms=3000)))
    out["found"] = [(r.card.did, r.skill.id, r.skill.price) for r in found]
    out["byName"] = conn.a2a.GetAgentCard(a2a_pb2.GetAgentCardRequest(did="python-pal")).card.name
print(json.dumps(out))
`

// Delegates a task from one daemon and serves it on the other as a Python worker would.
const TASK_SCRIPT = `
import json, sys, moltmesh
from moltmesh.gen import a2a_pb2, types_pb2
requester, worker, worker_did = sys.argv[1], sys.argv[2], sys.argv[3]
out = {}
with moltmesh.connect(worker) as w, moltmesh.connect(requester) as r:
    w.a2a.PublishAgentCard(a2a_pb2.PublishAgentCardRequest(
        card=types_pb2.AgentCard(name="py-worker", skills=[types_pb2.Skill(id="py-double")])))
    task = r.a2a.CreateTask(a2a_pb2.CreateTaskRequest(
        to=worker_did, skill="py-double", input=[types_pb2.Part(data_json='{"n": 21}')])).task
    stream = w.a2a.SubscribeTasks(a2a_pb2.SubscribeTasksRequest(skills=["py-double"]), timeout=15)
    # The first response has no task: it confirms the subscription.
    incoming = next(res.task for res in stream if res.HasField("task"))
    stream.cancel()
    claim = w.a2a.ClaimTask(a2a_pb2.ClaimTaskRequest(id=incoming.id))
    n = json.loads(incoming.input[0].data_json)["n"]
    w.a2a.PublishTaskEvent(a2a_pb2.PublishTaskEventRequest(
        id=incoming.id, lease_token=claim.lease_token, kind=types_pb2.TASK_EVENT_KIND_CHUNK,
        parts=[types_pb2.Part(text="thinking")]))
    w.a2a.CompleteTask(a2a_pb2.CompleteTaskRequest(
        id=incoming.id, lease_token=claim.lease_token, output=[types_pb2.Part(data_json=json.dumps({"n": n * 2}))]))
    done = r.a2a.WaitTask(a2a_pb2.WaitTaskRequest(id=task.id, timeout_ms=15000)).task
    out["same"] = incoming.id == task.id
    out["state"] = types_pb2.TaskState.Name(done.state)
    out["output"] = json.loads(done.output[0].data_json)
print(json.dumps(out))
`

describe('Python stubs against a real daemon', () => {
  const mesh = useMesh()

  it('calls Diag and A2ANode and reads the error reason', async () => {
    const d = await mesh.spawn('py')
    const res = spawnSync(join(REPO_ROOT, '.venv', 'bin', 'python'), ['-c', SCRIPT, d.socket], {
      encoding: 'utf8',
    })
    expect(res.status, res.stderr).toBe(0)
    expect(JSON.parse(res.stdout)).toEqual({
      health: d.did,
      identity: d.info!.peerId,
      code: 'INVALID_ARGUMENT',
      reason: 'INVALID_DID',
    })
  })

  it('publishes a card, claims a name and discovers the agent from Python', async () => {
    const [a, b] = await mesh.spawnMany(2)
    await waitFor(async () => (await a!.client.diag.health({})).peerCount === 1, 20_000, 'mesh')
    const res = spawnSync(
      join(REPO_ROOT, '.venv', 'bin', 'python'),
      ['-c', DISCOVERY_SCRIPT, b!.socket, a!.socket],
      {
        encoding: 'utf8',
      },
    )
    expect(res.status, res.stderr).toBe(0)
    expect(JSON.parse(res.stdout)).toEqual({
      published: true,
      found: [[b!.did, 'py-summarise', '1.5']],
      byName: 'py-agent',
    })
  })

  it('delegates a task and serves it as a worker from Python', async () => {
    const [a, b] = await mesh.spawnMany(2)
    const res = spawnSync(
      join(REPO_ROOT, '.venv', 'bin', 'python'),
      ['-c', TASK_SCRIPT, a!.socket, b!.socket, b!.did],
      { encoding: 'utf8', timeout: 60_000 },
    )
    expect(res.status, res.stderr).toBe(0)
    expect(JSON.parse(res.stdout)).toEqual({ same: true, state: 'TASK_STATE_COMPLETED', output: { n: 42 } })
  }, 60_000)
})
