// The hand-written grpc.health.v1.Health (daemon/rpc/health-service.ts) against a client made from
// grpc-health-check's own proto definition (an independent encoder): Check, Watch, List, and the
// errors for an unknown service, over a real grpc-js server on a unix socket.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as grpc from '@grpc/grpc-js'
import { service as healthService } from 'grpc-health-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HealthImplementation } from '../../../daemon/rpc/health-service.ts'

// biome-ignore lint/suspicious/noExplicitAny: a generic client's methods are untyped
type Method = (...args: any[]) => any
type Client = grpc.Client & { check: Method; list: Method; watch: Method }

describe('health service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mm-health-'))
  const address = `unix:${join(dir, 's.sock')}`
  const server = new grpc.Server()
  const health = new HealthImplementation({ '': 'NOT_SERVING', 'moltmesh.v1.Diag': 'SERVING' })
  let client: Client

  beforeAll(async () => {
    health.addToServer(server)
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err) =>
        err ? reject(err) : resolve(),
      ),
    )
    const Ctor = grpc.makeGenericClientConstructor(healthService, 'Health')
    client = new Ctor(address, grpc.credentials.createInsecure()) as unknown as Client
  })

  afterAll(async () => {
    client.close()
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()))
    rmSync(dir, { recursive: true, force: true })
  })

  const check = (service: string) =>
    new Promise<{ status: string }>((resolve, reject) =>
      client.check({ service }, (err: Error | null, res: { status: string }) =>
        err ? reject(err) : resolve(res),
      ),
    )

  it('Check answers each known service and NOT_FOUND for another', async () => {
    expect(await check('')).toEqual({ status: 'NOT_SERVING' })
    expect(await check('moltmesh.v1.Diag')).toEqual({ status: 'SERVING' })
    await expect(check('nope')).rejects.toMatchObject({ code: grpc.status.NOT_FOUND })
  })

  it('List answers every status', async () => {
    const res = await new Promise<{ statuses: Record<string, { status: string }> }>((resolve, reject) =>
      client.list({}, (err: Error | null, r: never) => (err ? reject(err) : resolve(r))),
    )
    expect(res.statuses).toEqual({ '': { status: 'NOT_SERVING' }, 'moltmesh.v1.Diag': { status: 'SERVING' } })
  })

  it('Watch sends the current status, every change, and SERVICE_UNKNOWN for an unknown service', async () => {
    const seen: string[] = []
    const call = client.watch({ service: '' }) as grpc.ClientReadableStream<{ status: string }>
    call.on('error', () => undefined)
    const got = (n: number) =>
      new Promise<void>((resolve) => {
        const tick = () => (seen.length >= n ? resolve() : setTimeout(tick, 5))
        tick()
      })
    call.on('data', (m: { status: string }) => seen.push(m.status))
    await got(1)
    health.setStatus('', 'SERVING')
    await got(2)
    expect(seen).toEqual(['NOT_SERVING', 'SERVING'])
    call.cancel()
    const unknown = client.watch({ service: 'other' }) as grpc.ClientReadableStream<{ status: string }>
    unknown.on('error', () => undefined)
    const first = await new Promise<{ status: string }>((resolve) => unknown.once('data', resolve))
    expect(first).toEqual({ status: 'SERVICE_UNKNOWN' })
    unknown.cancel()
  })
})
