// The generated Python stubs against a real daemon: calls succeed, and errors carry the status and
// the moltmesh-reason trailer (what the Python SDK's typed errors are built on).
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useMesh } from '../harness/mesh.ts'
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
})
