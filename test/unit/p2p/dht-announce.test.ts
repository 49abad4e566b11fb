// The announcement retry of daemon/p2p/dht-announce.ts with a stub DHT: an attempt that reached no
// peer is retried after the backoff delays while the routing table has peers, never when it is empty.
import type { KadDHT } from '@libp2p/kad-dht'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { ANNOUNCE_RETRY_DELAYS_MS, announceWithRetry, countStored } from '../../../daemon/p2p/dht-announce.ts'

const dhtWithPeers = (size: number) => ({ routingTable: { size } }) as unknown as KadDHT

async function* events(...names: Array<[string, string?]>) {
  for (const [name, messageName] of names) yield { name, messageName }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('DHT announcements', () => {
  it('counts only the peers that answered the store message', async () => {
    const stored = await countStored(
      events(
        ['PEER_RESPONSE', 'FIND_NODE'],
        ['FINAL_PEER'],
        ['PEER_RESPONSE', 'PUT_VALUE'],
        ['PEER_RESPONSE', 'PUT_VALUE'],
        ['QUERY_ERROR'],
      ),
      'PUT_VALUE',
    )
    expect(stored).toBe(2)
  })

  it('retries an announcement that reached nobody, with backoff, until a peer takes it', async () => {
    vi.useFakeTimers()
    const results = [0, 0, 3]
    const attempt = vi.fn(async () => results.shift()!)
    const done = announceWithRetry(dhtWithPeers(5), { key: 'k' }, attempt, silentLogger())
    await vi.advanceTimersByTimeAsync(0)
    expect(attempt).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(ANNOUNCE_RETRY_DELAYS_MS[0]!)
    expect(attempt).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(ANNOUNCE_RETRY_DELAYS_MS[1]!)
    expect(await done).toBe(3)
    expect(attempt).toHaveBeenCalledTimes(3)
  })

  it('treats an aborted lookup as reaching nobody, and gives up after the last delay', async () => {
    vi.useFakeTimers()
    const attempt = vi.fn(async () => {
      throw new Error('The operation was aborted')
    })
    const done = announceWithRetry(dhtWithPeers(5), { key: 'k' }, attempt, silentLogger())
    await vi.advanceTimersByTimeAsync(ANNOUNCE_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0))
    expect(await done).toBe(0)
    expect(attempt).toHaveBeenCalledTimes(ANNOUNCE_RETRY_DELAYS_MS.length + 1)
  })

  it('does not retry without DHT peers or once the DHT has stopped', async () => {
    const alone = vi.fn(async () => 0)
    expect(await announceWithRetry(dhtWithPeers(0), { key: 'k' }, alone, silentLogger())).toBe(0)
    expect(alone).toHaveBeenCalledTimes(1)
    const stopped = vi.fn(async () => {
      throw new Error('QueryManager not started')
    })
    expect(await announceWithRetry(dhtWithPeers(5), { key: 'k' }, stopped, silentLogger())).toBe(0)
    expect(stopped).toHaveBeenCalledTimes(1)
  })
})
