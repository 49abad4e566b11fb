// daemon/p2p/dht-announcer.ts with a stub DHT: a newer announcement of a key stops the older one (its
// retries and the attempt in flight), and what reached nobody while the routing table was empty is
// announced again once the routing table gains a peer.
import type { KadDHT } from '@libp2p/kad-dht'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { createMetrics } from '../../../daemon/metrics/metrics.ts'
import { registerAnnouncementGauge } from '../../../daemon/p2p/announcement-gauge.ts'
import { ANNOUNCE_RETRY_DELAYS_MS } from '../../../daemon/p2p/dht-announce.ts'
import { createDhtAnnouncer } from '../../../daemon/p2p/dht-announcer.ts'

const text = (b: Uint8Array) => new TextDecoder().decode(b)
const bytes = (s: string) => new TextEncoder().encode(s)

/** A DHT whose put/provide "store" on `takers(value)` peers; every call is recorded. */
function stubDht(takers: (what: string, signal: AbortSignal) => Promise<number>) {
  const routingTable = Object.assign(new EventTarget(), { size: 0 })
  const calls: string[] = []
  async function* store(what: string, messageName: string, signal: AbortSignal) {
    calls.push(what)
    const n = await takers(what, signal)
    for (let i = 0; i < n; i++) yield { name: 'PEER_RESPONSE', messageName }
  }
  const dht = {
    routingTable,
    put: (_key: Uint8Array, value: Uint8Array, o: { signal: AbortSignal }) =>
      store(text(value), 'PUT_VALUE', o.signal),
    provide: (cid: CID, o: { signal: AbortSignal }) => store(cid.toString(), 'ADD_PROVIDER', o.signal),
  }
  const addPeer = () => {
    routingTable.size++
    routingTable.dispatchEvent(new Event('peer:add'))
  }
  return { dht: dht as unknown as KadDHT, calls, routingTable, addPeer }
}

const cidOf = async (s: string) => CID.createV1(raw.code, await sha256.digest(bytes(s)))

afterEach(() => {
  vi.useRealTimers()
})

describe('DHT announcer', () => {
  it('a newer version of a record stops the retries of the older one', async () => {
    vi.useFakeTimers()
    // Version 1 reaches nobody (peers present, so it would be retried); version 2 is taken.
    const stub = stubDht(async (what) => (what === 'v2' ? 1 : 0))
    stub.routingTable.size = 3
    const announcer = createDhtAnnouncer({ dht: () => stub.dht, logger: silentLogger() })
    announcer.start()
    const first = announcer.put(bytes('/mm-card/x'), bytes('v1'))
    await vi.advanceTimersByTimeAsync(0)
    expect(stub.calls).toEqual(['v1'])
    expect(await announcer.put(bytes('/mm-card/x'), bytes('v2'))).toBe(1)
    await vi.advanceTimersByTimeAsync(ANNOUNCE_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0))
    expect(await first).toBe(0)
    // v1 was never sent again once v2 existed: no peer is offered an older version after a newer one.
    expect(stub.calls).toEqual(['v1', 'v2'])
    expect(announcer.pending()).toEqual([])
    announcer.stop()
  })

  it('aborts the attempt of the older version still in flight', async () => {
    const aborted: string[] = []
    const stub = stubDht(
      (what, signal) =>
        new Promise<number>((resolve, reject) => {
          if (what === 'v2') return resolve(1)
          signal.addEventListener('abort', () => {
            aborted.push(what)
            reject(new Error('The operation was aborted'))
          })
        }),
    )
    stub.routingTable.size = 1
    const announcer = createDhtAnnouncer({ dht: () => stub.dht, logger: silentLogger() })
    announcer.start()
    const first = announcer.put(bytes('/mm-card/x'), bytes('v1'))
    await new Promise((r) => setImmediate(r))
    expect(await announcer.put(bytes('/mm-card/x'), bytes('v2'))).toBe(1)
    expect(await first).toBe(0)
    expect(aborted).toEqual(['v1'])
    expect(stub.calls).toEqual(['v1', 'v2'])
    announcer.stop()
  })

  it('announces again what reached nobody once the routing table gains a peer', async () => {
    vi.useFakeTimers()
    const stub = stubDht(async () => (stub.routingTable.size > 0 ? 1 : 0))
    const announcer = createDhtAnnouncer({ dht: () => stub.dht, logger: silentLogger() })
    announcer.start()
    const gained = vi.fn()
    announcer.onPeerAdded(gained)
    const cid = await cidOf('summarize-logs')
    // Empty routing table: nobody takes either, and there is no retry loop to wait for.
    expect(await announcer.put(bytes('/mm-card/x'), bytes('v1'))).toBe(0)
    expect(await announcer.provide(cid, { capability: 'summarize-logs' })).toBe(0)
    expect(announcer.pending().sort()).toEqual([`provide:${cid}`, 'put:/mm-card/x'])
    stub.addPeer()
    stub.addPeer()
    await vi.advanceTimersByTimeAsync(1_000)
    // Debounced: the two new peers cause one more announcement of each, and one listener call.
    expect(stub.calls).toEqual(['v1', cid.toString(), 'v1', cid.toString()])
    expect(gained).toHaveBeenCalledTimes(1)
    expect(announcer.pending()).toEqual([])
    announcer.stop()
  })

  it('forgets a withdrawn capability, and stops everything on stop', async () => {
    vi.useFakeTimers()
    const stub = stubDht(async () => 0)
    const announcer = createDhtAnnouncer({ dht: () => stub.dht, logger: silentLogger() })
    announcer.start()
    const cid = await cidOf('translate-text')
    await announcer.provide(cid, { capability: 'translate-text' })
    await announcer.put(bytes('/mm-card/x'), bytes('v1'))
    announcer.withdraw(cid)
    expect(announcer.pending()).toEqual(['put:/mm-card/x'])
    announcer.stop()
    stub.addPeer()
    await vi.advanceTimersByTimeAsync(5_000)
    expect(stub.calls).toEqual([cid.toString(), 'v1'])
  })

  it('counts announcements in flight (retries included) and unstored ones in the daemon gauge', async () => {
    vi.useFakeTimers()
    // The first two attempts reach nobody (peers present, so they are retried); the third is taken.
    let attempts = 0
    const stub = stubDht(async () => (++attempts >= 3 ? 1 : 0))
    stub.routingTable.size = 2
    const metrics = createMetrics()
    const registry = registerAnnouncementGauge(metrics)
    const announcer = createDhtAnnouncer({ dht: () => stub.dht, logger: silentLogger() })
    registry.add(announcer)
    announcer.start()
    const gauge = () =>
      Object.fromEntries(
        metrics
          .collect()
          .filter((m) => m.name === 'moltmesh_dht_announcements')
          .map((m) => [m.labels.state, m.value]),
      )
    const stored = announcer.put(bytes('/mm-card/x'), bytes('v1'))
    await vi.advanceTimersByTimeAsync(0)
    expect(gauge()).toEqual({ in_flight: 1, unstored: 0 })
    // Waiting between retries still counts as in flight: the record is not findable yet.
    await vi.advanceTimersByTimeAsync(ANNOUNCE_RETRY_DELAYS_MS[0] ?? 0)
    expect(attempts).toBe(2)
    expect(gauge()).toEqual({ in_flight: 1, unstored: 0 })
    await vi.advanceTimersByTimeAsync(ANNOUNCE_RETRY_DELAYS_MS[1] ?? 0)
    expect(await stored).toBe(1)
    expect(gauge()).toEqual({ in_flight: 0, unstored: 0 })
    // With no DHT peer at all, an announcement gives up at once and is counted as unstored.
    stub.routingTable.size = 0
    attempts = -10
    expect(await announcer.put(bytes('/mm-name/y'), bytes('v1'))).toBe(0)
    expect(gauge()).toEqual({ in_flight: 0, unstored: 1 })
    announcer.stop()
  })
})
