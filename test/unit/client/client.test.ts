import { linkSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { status } from '@grpc/grpc-js'
import { afterAll, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest'
import {
  CanceledError,
  type Client,
  createClient,
  DaemonNotRunningError,
  type diag,
  InvalidArgumentError,
  isReason,
  type MoltmeshError,
  NotImplementedError,
  type v1,
} from '../../../clients/ts/index.ts'
import { FAKE_DID, type FakeDaemon, startFakeDaemon } from './fake-daemon.ts'

let fake: FakeDaemon
let client: Client

beforeAll(async () => {
  fake = await startFakeDaemon({ tcp: true })
  client = createClient({ socket: fake.socket })
})

afterAll(async () => {
  client.close()
  await fake.stop()
})

const until = async (check: () => boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached')
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('unary calls', () => {
  it('returns the typed response of a partial request', async () => {
    const health = await client.diag.health({})
    expectTypeOf(health).toEqualTypeOf<diag.HealthResponse>()
    expectTypeOf(health).toEqualTypeOf<v1.HealthResponse>()
    expect(health).toMatchObject({ ok: true, did: FAKE_DID, version: '9.9.9', uptimeMs: 151_000 })
    // Missing fields take their proto3 defaults on the way out.
    const ping = await client.diag.ping({ target: FAKE_DID })
    expect(ping.attempts).toHaveLength(1)
    expect(client.socket).toBe(fake.socket)
  })

  it('maps a status with moltmesh-reason to the subclass of its status', async () => {
    const err = (await client.diag.ping({ target: 'did:key:bad' }).catch((e: unknown) => e)) as MoltmeshError
    expect(err).toBeInstanceOf(InvalidArgumentError)
    expect(err.reason).toBe('INVALID_DID')
    expect(err.code).toBe(status.INVALID_ARGUMENT)
    expect(err.details).toBe('not a did:key: did:key:bad')
    expect(err.message).toBe('not a did:key: did:key:bad')
    expect(isReason(err, 'INVALID_DID')).toBe(true)
    expect(isReason(err, 'PEER_UNREACHABLE')).toBe(false)
  })

  it('falls back to the status name when there is no reason', async () => {
    const err = (await client.diag.getMetrics({}).catch((e: unknown) => e)) as MoltmeshError
    expect(err).toBeInstanceOf(NotImplementedError)
    expect(err.reason).toBe('UNIMPLEMENTED')
  })

  it('an aborted signal cancels the call', async () => {
    const err = await client.diag.health({}, { signal: AbortSignal.abort() }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CanceledError)
  })

  it('sends the bearer token over TCP', async () => {
    const tcp = createClient({ address: fake.address, token: 's3cret' })
    try {
      expect((await tcp.diag.health({})).ok).toBe(true)
      expect(fake.lastAuthorization).toBe('Bearer s3cret')
      expect(tcp.socket).toBeUndefined()
    } finally {
      tcp.close()
    }
  })
})

describe('server streams', () => {
  it('iterates every message and ends cleanly', async () => {
    const ids: string[] = []
    for await (const { message } of client.a2a.subscribeInbox({})) ids.push(message?.id ?? '')
    expect(ids).toEqual(['msg_1', 'msg_2', 'msg_3'])
  })

  it('breaking out of the loop cancels the call', async () => {
    const before = fake.cancelledStreams
    let seen = 0
    for await (const _ of client.a2a.subscribeInbox({ contextId: 'live' })) {
      if (++seen === 2) break
    }
    expect(seen).toBe(2)
    await until(() => fake.cancelledStreams === before + 1)
  })

  it('aborting the signal ends the loop without an error', async () => {
    const before = fake.cancelledStreams
    const abort = new AbortController()
    let seen = 0
    for await (const _ of client.a2a.subscribeInbox({ contextId: 'live' }, { signal: abort.signal })) {
      if (++seen === 3) abort.abort()
    }
    expect(seen).toBe(3)
    await until(() => fake.cancelledStreams === before + 1)
  })
})

describe('client streams', () => {
  it('sends every request and resolves with the response', async () => {
    async function* chunks() {
      yield { metadata: { name: 'a.txt' } }
      for (let i = 0; i < 3; i++) yield { chunk: Buffer.alloc(1000, i) }
    }
    const res = await client.a2a.putBlob(chunks())
    expect(res.artifact).toMatchObject({ cid: 'bafy-3000', size: 3000 })
    expect(fake.blobChunks).toBe(4)
  })

  it("reports the request source's own error", async () => {
    function* failing() {
      yield { chunk: Buffer.from('x') }
      throw new Error('disk gone')
    }
    await expect(client.a2a.putBlob(failing())).rejects.toThrow('disk gone')
  })

  it('aborting ends the call even while the source is waiting', async () => {
    const abort = new AbortController()
    async function* stalled() {
      yield { chunk: Buffer.from('x') }
      await new Promise(() => {}) // a source that never produces again
    }
    setTimeout(() => abort.abort(), 50)
    await expect(client.a2a.putBlob(stalled(), { signal: abort.signal })).rejects.toBeInstanceOf(
      CanceledError,
    )
  })
})

describe('daemon not running', () => {
  it('a missing socket is DaemonNotRunningError, for calls and streams', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-client-'))
    const socket = join(dir, 'missing.sock')
    const absent = createClient({ socket })
    try {
      const err = (await absent.diag.health({}).catch((e: unknown) => e)) as DaemonNotRunningError
      expect(err).toBeInstanceOf(DaemonNotRunningError)
      expect(err.reason).toBe('DAEMON_NOT_RUNNING')
      expect(err.state).toBe('missing')
      expect(err.message).toBe(
        `moltmesh daemon is not running (no socket at ${socket}) — start it with \`moltmesh start\``,
      )
      const streamErr = await (async () => {
        for await (const _ of absent.a2a.subscribeInbox({})) {
          // nothing arrives
        }
      })().catch((e: unknown) => e)
      expect(streamErr).toBeInstanceOf(DaemonNotRunningError)
    } finally {
      absent.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a stale socket file with nothing listening is DaemonNotRunningError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-client-'))
    const live = join(dir, 'live.sock')
    const stale = join(dir, 'stale.sock')
    // A second name for a listening socket outlives the listener: a socket file nobody answers on.
    const server = createServer()
    await new Promise<void>((r) => server.listen(live, r))
    linkSync(live, stale)
    await new Promise<void>((r) => server.close(() => r()))
    const dead = createClient({ socket: stale })
    try {
      const err = (await dead.diag.health({}).catch((e: unknown) => e)) as DaemonNotRunningError
      expect(err).toBeInstanceOf(DaemonNotRunningError)
      expect(err.state).toBe('stale')
      expect(err.message).toContain('moltmesh start')
    } finally {
      dead.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('the default socket comes from MOLTMESH_SOCKET', () => {
    vi.stubEnv('MOLTMESH_SOCKET', '/tmp/elsewhere.sock')
    try {
      const c = createClient()
      expect(c.socket).toBe('/tmp/elsewhere.sock')
      c.close()
    } finally {
      vi.unstubAllEnvs()
    }
  })
})
