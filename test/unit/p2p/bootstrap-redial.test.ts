// The bootstrap peers are dialled again only while the node has no connection: soon after the last
// one closed, then with a doubling pause while the dials fail, and never its own address.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { createMetrics } from '../../../daemon/metrics/metrics.ts'
import { createBootstrapRedial } from '../../../daemon/p2p/bootstrap-redial.ts'

const other = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWDju9kVJ5DAdfFACAbgFzV8prPHCJJjXrWyueX9v9oGo7'

async function setup(opts: { reachable: boolean }) {
  const self = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const connections: unknown[] = []
  const dialed: string[] = []
  const listeners = new Set<() => void>()
  const host = {
    peerId: self,
    getConnections: () => connections,
    dial: async (ma: { toString(): string }) => {
      dialed.push(ma.toString())
      if (!opts.reachable) throw new Error('connection refused')
      connections.push({})
    },
    addEventListener: (_: string, l: () => void) => listeners.add(l),
    removeEventListener: (_: string, l: () => void) => listeners.delete(l),
  }
  const redial = createBootstrapRedial(
    { host: host as never, logger: silentLogger(), metrics: createMetrics() },
    { bootstrap: [other, `/ip4/127.0.0.1/tcp/4002/p2p/${self}`], firstDelayMs: 1_000, maxDelayMs: 8_000 },
  )
  /** Every connection closes. */
  const isolate = () => {
    connections.length = 0
    for (const l of listeners) l()
  }
  return { redial, dialed, connections, isolate, opts }
}

describe('bootstrap redial', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('does nothing while the node has connections', async () => {
    const t = await setup({ reachable: true })
    t.connections.push({})
    t.redial.start()
    await vi.advanceTimersByTimeAsync(120_000)
    expect(t.dialed).toEqual([])
    t.redial.stop()
  })

  it('dials the bootstrap peers (not itself) after the last connection closed', async () => {
    const t = await setup({ reachable: true })
    t.connections.push({})
    t.redial.start()
    t.isolate()
    await vi.advanceTimersByTimeAsync(999)
    expect(t.dialed).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(t.dialed).toEqual([other])
    expect(t.connections).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(t.dialed).toHaveLength(1)
    t.redial.stop()
  })

  it('retries with a doubling pause while nobody answers, and stops when stopped', async () => {
    const t = await setup({ reachable: false })
    t.redial.start()
    // The check one first pause after start finds no connection (libp2p's own bootstrap dial failed).
    await vi.advanceTimersByTimeAsync(999)
    expect(t.dialed).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(t.dialed).toHaveLength(1)
    // Then 2, 4, 8, 8 s later.
    await vi.advanceTimersByTimeAsync(2_000)
    expect(t.dialed).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(4_000)
    expect(t.dialed).toHaveLength(3)
    await vi.advanceTimersByTimeAsync(8_000)
    expect(t.dialed).toHaveLength(4)
    await vi.advanceTimersByTimeAsync(8_000)
    expect(t.dialed).toHaveLength(5)
    t.opts.reachable = true
    await vi.advanceTimersByTimeAsync(8_000)
    expect(t.dialed).toHaveLength(6)
    expect(t.connections).toHaveLength(1)
    t.redial.stop()
    t.isolate()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(t.dialed).toHaveLength(6)
  })
})
