// A DHT lookup stops once the cache has a valid record and enough replicas answered, instead of
// waiting for the whole query or the grace period; with too few replicas the grace period ends it.
import type { KadDHT } from '@libp2p/kad-dht'
import { describe, expect, it } from 'vitest'
import type { Logger } from '../../../daemon/log/logger.ts'
import { runDhtLookup } from '../../../daemon/p2p/dht-records.ts'

const logger = { debug: () => undefined } as unknown as Logger

/**
 * A query that answers with a record every `everyMs`, `answers` times (the first `refused` of them
 * refused by the validator, which kad-dht reports as a QUERY_ERROR), then runs on until aborted.
 */
function scriptedDht(answers: number, everyMs: number, refused = 0) {
  const stats = { answered: 0, ended: false }
  const dht = {
    async *get(_key: Uint8Array, { signal }: { signal: AbortSignal }) {
      try {
        for (let i = 0; i < answers; i++) {
          await new Promise((r) => setTimeout(r, everyMs))
          signal.throwIfAborted()
          stats.answered++
          yield i < refused
            ? { name: 'QUERY_ERROR', error: new Error('invalid record received, discarded') }
            : { name: 'PEER_RESPONSE', record: { value: new Uint8Array([i]) } }
        }
        await new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
      } finally {
        stats.ended = true
      }
    },
  } as unknown as KadDHT
  return { dht, stats }
}

describe('runDhtLookup', () => {
  it('stops after the confirming replicas, long before the grace period', async () => {
    const { dht, stats } = scriptedDht(10, 5)
    const t0 = performance.now()
    await runDhtLookup(
      dht,
      new Uint8Array(),
      { timeoutMs: 10_000, graceMs: 5_000, found: () => stats.answered > 0 },
      logger,
    )
    expect(stats).toEqual({ answered: 3, ended: true })
    expect(performance.now() - t0).toBeLessThan(2_000)
  })

  it('waits out the grace period when fewer replicas answer', async () => {
    const { dht, stats } = scriptedDht(1, 5)
    const t0 = performance.now()
    await runDhtLookup(
      dht,
      new Uint8Array(),
      { timeoutMs: 10_000, graceMs: 200, found: () => stats.answered > 0 },
      logger,
    )
    expect(stats).toEqual({ answered: 1, ended: true })
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190)
  })

  it('does not count refused records as replicas', async () => {
    const { dht, stats } = scriptedDht(10, 5, 3)
    await runDhtLookup(
      dht,
      new Uint8Array(),
      { timeoutMs: 10_000, graceMs: 5_000, found: () => stats.answered > 3 },
      logger,
    )
    expect(stats.answered).toBe(6)
  })
})
