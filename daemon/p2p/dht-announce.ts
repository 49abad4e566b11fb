// Storing a record (PUT_VALUE) or a provider announcement (ADD_PROVIDER) in kad-dht is all-or-nothing
// per attempt: kad-dht first runs a full closest-peers lookup and only then sends the record to the
// peers that lookup found. If the deadline fires during the lookup — a loaded machine, a dial to a
// dead peer — nothing is sent at all and the record exists only on this node, unfindable until the
// next republish (hours). That was the cause of FindAgents misses at 30 hosts (docs/discovery.md).
//
// So an announcement counts the peers that took the record, gets a generous deadline of its own
// (independent of how long the caller waits for it), and is retried with backoff while no peer took
// it and the node has DHT peers to give it to.

import type { KadDHT, QueryEvent } from '@libp2p/kad-dht'
import type { Logger } from '../log/logger.ts'

/** Deadline of one announcement attempt (kad-dht's own query default is 180 s). */
export const ANNOUNCE_TIMEOUT_MS = 60_000
/** Pauses before the retries of an announcement that reached nobody; then the periodic republish. */
export const ANNOUNCE_RETRY_DELAYS_MS = [2_000, 5_000, 15_000, 30_000, 60_000]

export interface RetryOptions {
  /** True once a newer announcement of the same record (or key) replaced this one: stop retrying. */
  superseded?: () => boolean
  /** Aborts the attempt in flight (a superseded announcement should not send its old version on). */
  signal?: AbortSignal
}

/** Peers that answered the store message (`PUT_VALUE` or `ADD_PROVIDER`) in a put/provide query. */
export async function countStored(
  events: AsyncIterable<unknown>,
  messageName: 'PUT_VALUE' | 'ADD_PROVIDER',
): Promise<number> {
  let stored = 0
  for await (const e of events as AsyncIterable<QueryEvent>) {
    if (e.name === 'PEER_RESPONSE' && e.messageName === messageName) stored++
  }
  return stored
}

/** Size of kad-dht's routing table (0 when the service does not expose it). */
export function dhtPeerCount(dht: KadDHT): number {
  return (dht as KadDHT & { routingTable?: { size: number } }).routingTable?.size ?? 0
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref()
  })

/**
 * Runs `attempt` (one put or provide, returning how many peers took the record) until a peer took it,
 * retrying after each of ANNOUNCE_RETRY_DELAYS_MS. Gives up early when the DHT is stopped or has no
 * peers (dht-announcer.ts announces again when the routing table gains one), and stops when
 * `superseded`. Never throws; resolves with the number of peers that took the record in the last
 * attempt (0 when it reached nobody or was superseded).
 */
export async function announceWithRetry(
  dht: KadDHT,
  what: Record<string, string>,
  attempt: (signal: AbortSignal) => Promise<number>,
  logger: Logger,
  options: RetryOptions = {},
): Promise<number> {
  for (let i = 0; ; i++) {
    // A newer announcement of the same record took over: retrying this one would only send peers a
    // version older than the one they may hold by now (refused as a replay, and counted as hostile).
    if (i > 0 && options.superseded?.() === true) return 0
    let stored = 0
    let error: string | undefined
    try {
      const deadline = AbortSignal.timeout(ANNOUNCE_TIMEOUT_MS)
      stored = await attempt(options.signal == null ? deadline : AbortSignal.any([deadline, options.signal]))
    } catch (err) {
      error = (err as Error).message
      if (/not started|database is not open/i.test(error)) return 0 // the daemon is stopping
    }
    if (stored > 0) {
      // A warning too: the first attempt failing is what an operator needs to see, and its outcome.
      if (i > 0) logger.warn({ ...what, stored, attempts: i + 1 }, 'DHT announcement stored after retrying')
      return stored
    }
    if (options.superseded?.() === true) return 0
    const delay = ANNOUNCE_RETRY_DELAYS_MS[i]
    if (delay == null || dhtPeerCount(dht) === 0) {
      if (delay == null)
        logger.warn({ ...what, err: error }, 'DHT announcement reached no peer; left to the next republish')
      else logger.info({ ...what, err: error }, 'DHT announcement reached no peer: the DHT has none yet')
      return 0
    }
    logger.warn({ ...what, err: error, retryInMs: delay }, 'DHT announcement reached no peer; retrying')
    await sleep(delay)
  }
}
