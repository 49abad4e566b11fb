import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  A2ANodeClient,
  A2ANodeService,
  SubscribeInboxResponse,
} from '../../../clients/ts/gen/moltmesh/v1/a2a.ts'
import {
  DiagClient,
  DiagService,
  type HealthResponse,
  PingRequest,
} from '../../../clients/ts/gen/moltmesh/v1/diag.ts'
import { invalidArgument } from '../../../daemon/errors/moltmesh-error.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { createMetrics } from '../../../daemon/metrics/metrics.ts'
import { type RpcServer, startRpcServer } from '../../../daemon/rpc/grpc-server.ts'
import { buildServiceHandlers } from '../../../daemon/rpc/service-handlers.ts'
import type { ServiceHandlers, ServiceImpl } from '../../../daemon/rpc/service-types.ts'

/** A map with gaps, which only a cast gets past the types: its missing RPCs answer NOT_IMPLEMENTED. */
const withGaps = <S>(impl: ServiceHandlers<S>) => impl as ServiceImpl<S>

const TOKEN = 'a-token-of-sufficient-length'

describe('service handlers over a real grpc-js server', () => {
  const metrics = createMetrics()
  const shutdown = new AbortController()
  let server: RpcServer
  let diag: DiagClient
  let a2a: A2ANodeClient
  let tcpDiag: DiagClient

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-rpc-'))
    const options = (authToken: string | undefined) => ({
      logger: silentLogger(),
      metrics,
      authToken,
      shutdownSignal: shutdown.signal,
    })
    server = await startRpcServer({
      socketPath: join(dir, 's.sock'),
      tcpListen: '127.0.0.1:0',
      tcpToken: TOKEN,
      logger: silentLogger(),
      services: [
        {
          definition: DiagService,
          handlers: (t) =>
            buildServiceHandlers(
              DiagService,
              withGaps<typeof DiagService>({
                health: () => ({
                  ok: true,
                  version: 'x',
                  did: 'did:key:z',
                  peerCount: 0,
                  uptimeMs: 1,
                  apiVersion: 'v1',
                }),
                ping: (req) => {
                  if (req.target === 'boom') throw new Error('kaput')
                  throw invalidArgument('INVALID_DID', `bad target ${req.target}`)
                },
              }),
              options(t),
            ),
        },
        {
          definition: A2ANodeService,
          handlers: (t) =>
            buildServiceHandlers(
              A2ANodeService,
              withGaps<typeof A2ANodeService>({
                async *subscribeInbox(_req, ctx) {
                  for (let i = 0; ; i++) {
                    if (ctx.signal.aborted) return
                    yield SubscribeInboxResponse.fromPartial({ message: { id: `m${i}` } })
                    await new Promise((r) => setTimeout(r, 5))
                  }
                },
              }),
              options(t),
            ),
        },
      ],
    })
    diag = new DiagClient(`unix:${server.socketPath}`, credentials.createInsecure())
    a2a = new A2ANodeClient(`unix:${server.socketPath}`, credentials.createInsecure())
    tcpDiag = new DiagClient(server.tcpAddress!, credentials.createInsecure())
  })

  afterAll(async () => {
    diag.close()
    a2a.close()
    tcpDiag.close()
    shutdown.abort()
    await server.stop(1000)
  })

  const unary = <T>(fn: (cb: (err: ServiceError | null, res: T) => void) => void) =>
    new Promise<{ err: ServiceError | null; res: T }>((resolve) => fn((err, res) => resolve({ err, res })))

  it('serves implemented methods', async () => {
    const { err, res } = await unary<HealthResponse>((cb) => diag.health({}, cb))
    expect(err).toBeNull()
    expect(res.ok).toBe(true)
  })

  it('maps a MoltmeshError to its status with moltmesh-reason metadata', async () => {
    const { err } = await unary((cb) => diag.ping(PingRequest.fromPartial({ target: 'nope' }), cb))
    expect(err?.code).toBe(status.INVALID_ARGUMENT)
    expect(err?.details).toBe('bad target nope')
    expect(err?.metadata.get('moltmesh-reason')).toEqual(['INVALID_DID'])
  })

  it('reports unexpected errors as INTERNAL', async () => {
    const { err } = await unary((cb) => diag.ping(PingRequest.fromPartial({ target: 'boom' }), cb))
    expect(err?.code).toBe(status.INTERNAL)
    expect(err?.metadata.get('moltmesh-reason')).toEqual(['INTERNAL'])
  })

  it('answers UNIMPLEMENTED / NOT_IMPLEMENTED for methods without an implementation', async () => {
    const { err } = await unary((cb) => diag.getInfo({}, cb))
    expect(err?.code).toBe(status.UNIMPLEMENTED)
    expect(err?.metadata.get('moltmesh-reason')).toEqual(['NOT_IMPLEMENTED'])
    expect(err?.details).toContain('Diag.GetInfo')
  })

  it('streams until the client cancels', async () => {
    const call = a2a.subscribeInbox({ from: '', contextId: '', threadId: '', afterCursor: '' })
    const ids: string[] = []
    const code = await new Promise<number>((resolve) => {
      call.on('data', (d: SubscribeInboxResponse) => {
        ids.push(d.message!.id)
        if (ids.length === 3) call.cancel()
      })
      call.on('error', (e: ServiceError) => resolve(e.code))
      call.on('end', () => resolve(-1))
    })
    expect(code).toBe(status.CANCELLED)
    expect(ids).toEqual(['m0', 'm1', 'm2'])
  })

  it('requires the bearer token on the TCP listener', async () => {
    const none = await unary((cb) => tcpDiag.health({}, cb))
    expect(none.err?.code).toBe(status.UNAUTHENTICATED)
    expect(none.err?.metadata.get('moltmesh-reason')).toEqual(['UNAUTHENTICATED'])

    const wrong = new Metadata()
    wrong.set('authorization', 'Bearer wrong')
    expect((await unary((cb) => tcpDiag.health({}, wrong, cb))).err?.code).toBe(status.UNAUTHENTICATED)

    const right = new Metadata()
    right.set('authorization', `Bearer ${TOKEN}`)
    const ok = await unary<HealthResponse>((cb) => tcpDiag.health({}, right, cb))
    expect(ok.err).toBeNull()
    expect(ok.res.ok).toBe(true)
  })

  it('counts calls and errors in metrics', () => {
    const text = metrics.prometheusText()
    expect(text).toMatch(/moltmesh_rpc_calls_total\{method="Health",code="0"\} [1-9]/)
    expect(text).toMatch(/moltmesh_rpc_errors_total\{method="GetInfo",reason="NOT_IMPLEMENTED"\} 1/)
  })
})
