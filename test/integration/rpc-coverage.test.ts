// Every RPC of the public API has a handler: called on a real daemon with an empty request (and a short
// deadline for streams), none answers UNIMPLEMENTED — it answers, refuses the empty request with a
// reason, or times out — and the daemon keeps serving. The table is built from the service
// definitions, so an RPC added to the proto without a handler fails here. (The NOT_IMPLEMENTED answer
// itself is unit-tested in test/unit/rpc/service-handlers.test.ts.)
import { status } from '@grpc/grpc-js'
import { beforeAll, describe, expect, it } from 'vitest'
import { A2ANodeService } from '../../clients/ts/gen/moltmesh/v1/a2a.ts'
import { DiagService } from '../../clients/ts/gen/moltmesh/v1/diag.ts'
import { ExtService } from '../../clients/ts/gen/moltmesh/v1/ext.ts'
import { MoltmeshError } from '../../clients/ts/index.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh } from '../harness/mesh.ts'

// Shutdown would stop the daemon under test; the lifecycle tests cover it. OpenUi with an empty
// request would listen on the fixed default port 127.0.0.1:7421; test/integration/ui-*.test.ts cover it.
const SKIPPED = new Set(['Diag.shutdown', 'Diag.openUi'])
const STREAM_DEADLINE_MS = 2_000

const services = { A2ANode: A2ANodeService, Diag: DiagService, Ext: ExtService }
const table = Object.entries(services).flatMap(([service, def]) =>
  Object.entries(def).map(([method, m]) => ({
    service,
    method,
    key: `${service}.${method}`,
    requestStream: m.requestStream,
    responseStream: m.responseStream,
  })),
)

/** Calls one RPC with an empty request; resolves with its error, or undefined when it succeeded. */
async function call(d: DaemonProcess, row: (typeof table)[number]): Promise<unknown> {
  const group = { A2ANode: d.client.a2a, Diag: d.client.diag, Ext: d.client.ext }[row.service] as Record<
    string,
    (...args: unknown[]) => unknown
  >
  const fn = group[row.method]!
  const options = { deadlineMs: STREAM_DEADLINE_MS }
  try {
    if (row.requestStream) await fn([], options)
    else if (row.responseStream) for await (const _ of fn({}, options) as AsyncIterable<unknown>) break
    else await fn({}, options)
    return undefined
  } catch (err) {
    return err
  }
}

describe('RPC coverage', () => {
  const mesh = useMesh()
  let d: DaemonProcess
  beforeAll(async () => {
    d = await mesh.spawn('coverage')
  })

  it('the table covers the whole API', () => {
    expect(table.length).toBeGreaterThan(70)
  })

  it('no RPC answers UNIMPLEMENTED, and the daemon keeps serving', async () => {
    const rows = table.filter((r) => !SKIPPED.has(r.key))
    const results = await Promise.all(rows.map(async (row) => ({ key: row.key, err: await call(d, row) })))
    const unimplemented = results.filter(
      (r) => r.err instanceof MoltmeshError && r.err.code === status.UNIMPLEMENTED,
    )
    expect(unimplemented.map((r) => r.key)).toEqual([])
    // Every failure is a typed error with a reason, never a bare transport failure.
    for (const r of results)
      if (r.err != null) {
        expect(r.err, r.key).toBeInstanceOf(MoltmeshError)
        expect((r.err as MoltmeshError).reason, r.key).not.toBe('')
      }
    expect((await d.client.diag.health({})).ok).toBe(true)
  })
})
