// Ext.WatchEvents streams the daemon's event bus: message and peer events, filtered by type.
import { describe, expect, it } from 'vitest'
import type { types } from '../../clients/ts/index.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { sendText } from '../harness/messages.ts'
import { callsReached } from '../harness/wait-for.ts'

describe('WatchEvents', () => {
  const mesh = useMesh()

  it('streams message.received, message.delivered, message.expired and peer events, filtered', async () => {
    const b = await mesh.spawn('ev-b')
    const bEvents: types.DaemonEvent[] = []
    const aEvents: types.DaemonEvent[] = []
    const abort = new AbortController()
    const watchB = (async () => {
      for await (const { event } of b.client.ext.watchEvents(
        { types: ['message.*', 'peer.connected'] },
        { signal: abort.signal },
      )) {
        bEvents.push(event!)
      }
    })()
    await callsReached(b.client) // B's watch is registered before A connects
    const a = await mesh.spawn('ev-a', { bootstrap: [b.info!.tcpAddress] })
    const watchA = (async () => {
      for await (const { event } of a.client.ext.watchEvents(
        { types: ['message.delivered', 'message.expired'] },
        { signal: abort.signal },
      )) {
        aEvents.push(event!)
      }
    })()
    await callsReached(a.client) // A's watch is registered before A sends
    await waitFor(async () => (await a.client.diag.health({})).peerCount === 1, 20_000, 'connection')

    const sent = await sendText(a, b.did, 'event me')
    const lost = await sendText(a, 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', 'nobody', {
      ttlMs: 1000,
    })
    await waitFor(
      () => bEvents.some((e) => e.type === 'message.received' && e.message?.id === sent.id),
      10_000,
      'message.received at B',
    )
    await waitFor(
      () => aEvents.some((e) => e.type === 'message.delivered' && e.message?.id === sent.id),
      10_000,
      'message.delivered at A',
    )
    await waitFor(
      () => aEvents.some((e) => e.type === 'message.expired' && e.message?.id === lost.id),
      30_000,
      'message.expired at A',
    )
    abort.abort()
    await Promise.all([watchA, watchB])

    expect(bEvents.find((e) => e.type === 'peer.connected')?.peer?.did).toBe(a.did)
    expect(bEvents.find((e) => e.type === 'message.received')?.message?.parts[0]?.text).toBe('event me')
    // Filters hold: B asked for message.* and peer.connected only; A for two exact types.
    expect(bEvents.every((e) => e.type.startsWith('message.') || e.type === 'peer.connected')).toBe(true)
    expect(aEvents.every((e) => e.type === 'message.delivered' || e.type === 'message.expired')).toBe(true)

    const bad = await a.client.ext
      .watchEvents({ types: ['Not A Type'] })
      [Symbol.asyncIterator]()
      .next()
      .catch((e: { reason: string }) => e.reason)
    expect(bad).toBe('INVALID_EVENT_FILTER')
  })
})
