// Reading signed records from the kad-dht (writing them: dht-announcer.ts), for subsystems whose validators remember every
// valid record they see (names, cards). kad-dht's `get` yields values only when its whole query has
// finished, and a query can stall for a dial timeout on an unreachable peer (a QUIC dial to a dead
// port). So a lookup runs the query only to feed the validator, and stops once the subsystem's cache
// has a valid record and REPLICAS_TO_STOP peers have answered with a record (replicas that could carry
// a newer one), or a short grace period after the first valid record, or at the deadline; the caller
// then reads its cache. Waiting for the whole query instead cost every lookup the slowest of the ~20
// peers it asks (1-2 s in a 100-host mesh on a loaded machine).

import type { KadDHT } from '@libp2p/kad-dht'
import type { Logger } from '../log/logger.ts'

export interface DhtLookup {
  timeoutMs: number
  /** How long to keep collecting newer replicas once a valid record is in. */
  graceMs: number
  /** Whether the cache already holds a valid record for the key. */
  found: () => boolean
}

/**
 * Replicas a lookup waits for: a record is stored on the ~20 peers closest to its key, and an update
 * (a newer card, a name's release) reaches those same peers, so the newest of three answers is the
 * newest version unless most replicas missed it. Skipping the rest of the query also skips kad-dht's
 * correction of stale replicas, which re-announcing (cards, name renewals) does anyway.
 */
const REPLICAS_TO_STOP = 3

export async function runDhtLookup(
  dht: KadDHT,
  key: Uint8Array,
  q: DhtLookup,
  logger: Logger,
): Promise<void> {
  const stop = new AbortController()
  const deadline = setTimeout(() => stop.abort(), q.timeoutMs)
  let grace: NodeJS.Timeout | undefined
  const settleSoon = () => {
    grace ??= setTimeout(() => stop.abort(), q.graceMs)
  }
  if (q.found()) settleSoon()
  let replicas = 0
  try {
    for await (const event of dht.get(key, { signal: stop.signal })) {
      // kad-dht verified the record of a PEER_RESPONSE (the subsystem's validator) before yielding it.
      if (event.name === 'PEER_RESPONSE' && event.record != null) replicas++
      if (!q.found()) continue
      if (replicas >= REPLICAS_TO_STOP) break
      settleSoon()
    }
  } catch (err) {
    // Not found anywhere, or stopped: what the validator saw so far is the answer.
    logger.debug({ key: new TextDecoder().decode(key), err: (err as Error).message }, 'DHT lookup ended')
  } finally {
    clearTimeout(deadline)
    clearTimeout(grace)
  }
}
