// The connection keeper (daemon/p2p/connection-keeper.ts): one end pings a TCP connection each
// interval, the other only after silence, QUIC connections are pinged once (for the round trip), and a
// failed ping closes the connection.
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { createMetrics } from '../../../daemon/metrics/metrics.ts'
import { createConnectionKeeper } from '../../../daemon/p2p/connection-keeper.ts'

const INTERVAL = 60_000

interface FakeConn {
  id: string
  status: 'open' | 'closed'
  direction: 'inbound' | 'outbound'
  remoteAddr: ReturnType<typeof multiaddr>
  remotePeer: { toString(): string }
  rtt?: number
  abort: ReturnType<typeof vi.fn>
}

function conn(id: string, direction: FakeConn['direction'], transport: 'tcp' | 'quic'): FakeConn {
  const addr = transport === 'tcp' ? '/ip4/127.0.0.1/tcp/4001' : '/ip4/127.0.0.1/udp/4001/quic-v1'
  return {
    id,
    status: 'open',
    direction,
    remoteAddr: multiaddr(addr),
    remotePeer: { toString: () => `peer-${id}` },
    abort: vi.fn(function (this: FakeConn) {
      this.status = 'closed'
    }),
  }
}

function setup(connections: FakeConn[], fail = new Set<string>(), failOnce = new Set<string>()) {
  const pinged: string[] = []
  let handler: ((stream: unknown, c: unknown) => Promise<void>) | undefined
  const echoed: Uint8Array[] = []
  const metrics = createMetrics()
  const keeper = createConnectionKeeper(
    {
      host: {
        getConnections: () => connections.filter((c) => c.status === 'open') as never,
        handle: (async (_protocol: string, h: typeof handler) => {
          handler = h
        }) as never,
        unhandle: (async () => {
          handler = undefined
        }) as never,
      },
      logger: silentLogger(),
      metrics,
      ping: async (c) => {
        pinged.push(c.id)
        if (fail.has(c.id) || failOnce.delete(c.id)) throw new Error('ping timed out')
        return 3
      },
    },
    { intervalMs: INTERVAL },
  )
  keeper.start()
  /** The other end pings `c`: one 32-byte ping on a new stream, answered by the keeper. */
  const pingedBy = async (c: FakeConn) => {
    const stream = {
      status: 'open',
      async *[Symbol.asyncIterator]() {
        yield new Uint8Array(32).fill(7)
      },
      send: (chunk: Uint8Array) => echoed.push(chunk) > 0,
      close: async () => undefined,
      abort: vi.fn(),
    }
    if (handler == null) throw new Error('pings are not answered')
    await handler(stream, c)
  }
  const count = (id: string) => pinged.filter((p) => p === id).length
  const pingsBy = (result: string) =>
    metrics.collect().find((s) => s.name === 'moltmesh_connection_pings_total' && s.labels.result === result)
      ?.value ?? 0
  return { keeper, pinged, pingedBy, count, pingsBy, echoed }
}

describe('connection keeper', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('the dialing end pings a TCP connection once per interval; QUIC ones only once', async () => {
    const tcpOut = conn('tcp-out', 'outbound', 'tcp')
    const quicOut = conn('quic-out', 'outbound', 'quic')
    const k = setup([tcpOut, quicOut])
    await vi.advanceTimersByTimeAsync(10 * INTERVAL)
    // The first ping falls somewhere in the first interval, then one per interval.
    expect(k.count('tcp-out')).toBeGreaterThanOrEqual(9)
    expect(k.count('tcp-out')).toBeLessThanOrEqual(11)
    expect(k.count('quic-out')).toBe(1)
    expect(tcpOut.rtt).toBe(3)
    expect(quicOut.rtt).toBe(3)
    expect(k.pingsBy('ok')).toBe(k.pinged.length)
    k.keeper.stop()
  })

  it('the accepting end pings only when it has heard no ping for 2.5 intervals', async () => {
    const tcpIn = conn('tcp-in', 'inbound', 'tcp')
    const k = setup([tcpIn])
    // The dialer pings every interval: after the first (round-trip) ping, this end stays quiet.
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(INTERVAL)
      await k.pingedBy(tcpIn)
    }
    expect(k.count('tcp-in')).toBe(1)
    // Each ping was answered with its own bytes.
    expect(k.echoed).toHaveLength(10)
    expect(k.echoed.every((b) => b.length === 32 && b.every((x) => x === 7))).toBe(true)
    // The dialer falls silent: this end checks the connection itself, about every 2.5 intervals.
    await vi.advanceTimersByTimeAsync(6 * INTERVAL)
    expect(k.count('tcp-in')).toBeGreaterThanOrEqual(2)
    expect(k.count('tcp-in')).toBeLessThanOrEqual(4)
    k.keeper.stop()
  })

  it('two failed pings in a row close the connection, and a closed one is not pinged again', async () => {
    const dead = conn('dead', 'outbound', 'tcp')
    const alive = conn('alive', 'outbound', 'tcp')
    const k = setup([dead, alive], new Set(['dead']))
    await vi.advanceTimersByTimeAsync(INTERVAL + 10_000)
    expect(dead.abort).toHaveBeenCalledTimes(1)
    expect(dead.status).toBe('closed')
    expect(alive.abort).not.toHaveBeenCalled()
    expect(k.pingsBy('failed')).toBe(2)
    await vi.advanceTimersByTimeAsync(5 * INTERVAL)
    expect(k.count('dead')).toBe(2)
    expect(k.count('alive')).toBeGreaterThanOrEqual(5)
    k.keeper.stop()
  })

  it('one failed ping is retried at once and, answered, keeps the connection (a starved peer)', async () => {
    const slow = conn('slow', 'inbound', 'quic')
    const k = setup([slow], new Set(), new Set(['slow']))
    await vi.advanceTimersByTimeAsync(INTERVAL + 10_000)
    expect(k.pingsBy('failed')).toBe(1)
    expect(k.pingsBy('ok')).toBe(1)
    expect(k.count('slow')).toBe(2)
    expect(slow.abort).not.toHaveBeenCalled()
    expect(slow.status).toBe('open')
    k.keeper.stop()
  })

  it('stops pinging when stopped', async () => {
    const tcpOut = conn('tcp-out', 'outbound', 'tcp')
    const k = setup([tcpOut])
    await vi.advanceTimersByTimeAsync(2 * INTERVAL)
    const before = k.count('tcp-out')
    k.keeper.stop()
    await vi.advanceTimersByTimeAsync(5 * INTERVAL)
    expect(k.count('tcp-out')).toBe(before)
    await expect(k.pingedBy(tcpOut)).rejects.toThrow('pings are not answered')
  })
})
