// Every verified name record this node has seen (stored here by a PUT, read locally, or returned by a
// peer during a lookup). kad-dht's `get` only yields values once its whole query has finished, so a
// query stalled on an unreachable peer would otherwise lose every record it had already collected.

import { compareClaims, type SignedNameClaim } from './name-record.ts'

const MAX_NAMES = 10_000

export interface NameCache {
  observe(claim: SignedNameClaim): void
  /** The winning unexpired claim seen for `name`, if any. */
  best(name: string, now?: number): SignedNameClaim | undefined
  /** The highest sequence seen from `did` for `name` (0 if none). */
  highestSeq(name: string, did: string): number
}

export function createNameCache(maxNames = MAX_NAMES): NameCache {
  // One entry per holder DID: the highest sequence from that holder.
  const byName = new Map<string, Map<string, SignedNameClaim>>()
  return {
    observe(claim) {
      let holders = byName.get(claim.name)
      if (holders == null) {
        if (byName.size >= maxNames) {
          const oldest = byName.keys().next().value
          if (oldest != null) byName.delete(oldest)
        }
        holders = new Map()
        byName.set(claim.name, holders)
      }
      const prev = holders.get(claim.did)
      if (prev == null || claim.seq > prev.seq) holders.set(claim.did, claim)
    },
    highestSeq: (name, did) => byName.get(name)?.get(did)?.seq ?? 0,
    best(name, now = Date.now()) {
      const holders = byName.get(name)
      if (holders == null) return undefined
      const live = [...holders.values()].filter((c) => c.expires_at_ms > now)
      return live.sort(compareClaims)[0]
    },
  }
}
