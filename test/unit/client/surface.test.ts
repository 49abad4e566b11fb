// The SDK surface table covers every RPC of the proto exactly once, the TypeScript table equals the
// shared clients/surface.json (which the Python SDK uses), and the client exposes every entry.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { a2a, createClient, diag, ext, SURFACE } from '../../../clients/ts/index.ts'
import { REPO_ROOT } from '../../harness/paths.ts'

const services = { A2ANode: a2a.A2ANodeService, Diag: diag.DiagService, Ext: ext.ExtService }

/** Every RPC of the three services as `Service.Rpc`, from the generated definitions. */
const protoRpcs = Object.entries(services).flatMap(([name, def]) =>
  Object.values(def).map((m) => `${name}.${(m as { path: string }).path.split('/').pop()}`),
)

const surfaceRpcs = Object.values(SURFACE).flatMap((g) => Object.values(g) as string[])

describe('SDK surface', () => {
  it('names every RPC of the proto exactly once', () => {
    expect(protoRpcs.length).toBeGreaterThan(70)
    expect([...surfaceRpcs].sort()).toEqual([...protoRpcs].sort())
  })

  it('is the same table as clients/surface.json', () => {
    const json = JSON.parse(readFileSync(join(REPO_ROOT, 'clients', 'surface.json'), 'utf8'))
    delete json.$comment
    expect(SURFACE).toEqual(json)
  })

  it('the client has every group and method, bound to the RPC the table names', () => {
    const client = createClient({ socket: '/nonexistent/moltmesh.sock' })
    try {
      for (const [group, methods] of Object.entries(SURFACE))
        for (const [name, path] of Object.entries(methods)) {
          const [service, rpc] = (path as string).split('.') as [keyof typeof services, string]
          const raw = { A2ANode: client.a2a, Diag: client.diag, Ext: client.ext }[service] as Record<
            string,
            unknown
          >
          const fn = (client as unknown as Record<string, Record<string, unknown>>)[group]?.[name]
          expect(typeof fn, `${group}.${name}`).toBe('function')
          expect(fn, `${group}.${name} -> ${path}`).toBe(raw[rpc.charAt(0).toLowerCase() + rpc.slice(1)])
        }
      // The types follow the table too.
      expectTypeOf(client.tasks.create).toEqualTypeOf(client.a2a.createTask)
      expectTypeOf(client.inbox.subscribe).toEqualTypeOf(client.a2a.subscribeInbox)
      expectTypeOf(client.node.health).toEqualTypeOf(client.diag.health)
      expectTypeOf(client.networks.broadcast).toEqualTypeOf(client.ext.broadcastNetwork)
      expectTypeOf(client.ordered.append).toEqualTypeOf(client.ext.appendToThread)
    } finally {
      client.close()
    }
  })
})
