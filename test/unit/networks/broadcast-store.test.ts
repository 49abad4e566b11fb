// Broadcasts stored while a network's history is being written share its next write: many arrive
// during one write, two writes in all, every one stored once, in arrival order, each caller answered
// with its record (a duplicate with nothing) and one event each.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createKeyedLock } from '../../../daemon/common/keyed-lock.ts'
import { createEventBus } from '../../../daemon/events/event-bus.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { createMetrics } from '../../../daemon/metrics/metrics.ts'
import { createBroadcasts } from '../../../daemon/networks/broadcasts.ts'
import { openNetworkStore } from '../../../daemon/networks/network-store.ts'
import type { NetState, Registry } from '../../../daemon/networks/registry.ts'
import { openStore } from '../../../daemon/store/store.ts'
import type { NetworkBroadcast } from '../../../daemon/wire/gen/moltmesh/wire/v1/networks.ts'

const NET = `net_${'a'.repeat(52)}`

const broadcast = (id: string): NetworkBroadcast =>
  ({
    id,
    networkId: NET,
    from: 'did:key:z6Mk',
    sentAtMs: Date.now(),
    payload: Buffer.from(id),
    signature: Buffer.alloc(64),
  }) as NetworkBroadcast

describe('broadcast history writes', () => {
  it('groups the broadcasts that arrive during a write into the next one', async () => {
    const store = await openStore(mkdtempSync(join(tmpdir(), 'mm-bcstore-')))
    const net = await openNetworkStore(store, { maxMessages: 1000, maxAgeMs: 60_000 })
    const writes: number[] = []
    const counting = {
      ...net,
      addBroadcasts: async (records: Parameters<typeof net.addBroadcasts>[0]) => {
        writes.push(records.length)
        return net.addBroadcasts(records)
      },
    }
    const events = createEventBus()
    const seen: string[] = []
    events.on('network.broadcast', ({ message }) => seen.push(message.id))
    const broadcasts = createBroadcasts({
      registry: { lock: createKeyedLock() } as unknown as Registry,
      store: counting as typeof net,
      events,
      logger: silentLogger(),
      hostile: createMetrics().counter('x', 'x'),
      maxPayloadBytes: 1024,
      maxAgeMs: 60_000,
      maxMessages: 1000,
    })
    const state = { id: NET } as NetState
    const ids = Array.from({ length: 20 }, (_, i) => `b${i}`)
    // The first is being written when the other nineteen, and a repeat of the first, arrive.
    const first = broadcasts.store(state, broadcast('b0'))
    while (writes.length === 0) await new Promise((r) => setImmediate(r))
    const rest = [...ids.slice(1), 'b0'].map((id) => broadcasts.store(state, broadcast(id)))
    const results = await Promise.all([first, ...rest])

    expect(writes).toEqual([1, 19])
    expect(results.slice(0, 20).map((r) => r?.id)).toEqual(ids)
    expect(results[20]).toBeUndefined()
    // Positions follow arrival order, with no gap.
    const seqs = results.slice(0, 20).map((r) => r!.seq)
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i))
    expect(seen).toEqual(ids)
    expect((await net.historyPage(NET, 0, 100)).map((r) => r.id)).toEqual(ids)
    // A later broadcast with a stored id is a duplicate.
    expect(await broadcasts.store(state, broadcast('b5'))).toBeUndefined()
    await store.close()
  })
})
