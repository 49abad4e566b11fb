// Reading signed records from the kad-dht (writing them: dht-announcer.ts), for subsystems whose validators remember every
// valid record they see (names, cards). kad-dht's `get` yields values only when its whole query has
// finished, and a query can stall for a dial timeout on an unreachable peer (a QUIC dial to a dead
// port). So a lookup runs the query only to feed the validator, and stops a short grace period after
// the subsystem's cache has a valid record (or at the deadline); the caller then reads its cache.

import type { KadDHT } from '@libp2p/kad-dht'
import type { Logger } from '../log/logger.ts'

export interface DhtLookup {
  timeoutMs: number
  /** How long to keep collecting newer replicas once a valid record is in. */
  graceMs: number
  /** Whether the cache already holds a valid record for the key. */
  found: () => boolean
}

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
  try {
    for await (const _ of dht.get(key, { signal: stop.signal })) {
      if (q.found()) settleSoon()
    }
  } catch (err) {
    // Not found anywhere, or stopped: what the validator saw so far is the answer.
    logger.debug({ key: new TextDecoder().decode(key), err: (err as Error).message }, 'DHT lookup ended')
  } finally {
    clearTimeout(deadline)
    clearTimeout(grace)
  }
}
