// Every verified name record this node has seen (stored here by a PUT, read locally, or returned by a
// peer during a lookup). kad-dht's `get` only yields values once its whole query has finished, so a
// query stalled on an unreachable peer would otherwise lose every record it had already collected.
//
// The cache also remembers when this node first saw each holder's claim. A claim's `claimed_at_ms` is
// the claimant's own word, so between two holders a claim time much older than the claim's first
// sighting here counts as that sighting: a claim back-dated by its author cannot beat a holder this
// node already knew (see docs/security.md).

import { compareClaims, type SignedNameClaim } from './name-record.ts'

const MAX_NAMES = 10_000
/** Clock skew and propagation delay allowed between a claim's own time and when we first see it. */
export const FIRST_SEEN_SLACK_MS = 5 * 60 * 1000

export interface NameCache {
  observe(claim: SignedNameClaim, now?: number): void
  /** The winning unexpired claim seen for `name`, if any. */
  best(name: string, now?: number): SignedNameClaim | undefined
  /** The highest sequence seen from `did` for `name` (0 if none). */
  highestSeq(name: string, did: string): number
  /** Whether `did` holds `name` by a live, unreleased claim this node has seen. */
  holds(name: string, did: string, now?: number): boolean
  /** Whether this node has seen `did` release `name`. */
  releasedBy(name: string, did: string): boolean
  /**
   * Why an incoming claim must be refused here, if it must: it competes with a live claim by another
   * holder that wins by first-seen order (this node saw that holder first).
   */
  refusal(claim: SignedNameClaim, now?: number): 'RECORD_NAME_TAKEN' | undefined
}

interface Seen {
  claim: SignedNameClaim
  firstSeenMs: number
}

/**
 * A claim time this node can vouch for: the claim's own time if it is close to when we first saw the
 * claim, else the first sighting (a claim older than that was either back-dated or made before we
 * looked; either way we cannot tell it predates a holder we saw first).
 */
const effectiveClaimedAt = (s: Seen) =>
  s.claim.claimed_at_ms >= s.firstSeenMs - FIRST_SEEN_SLACK_MS ? s.claim.claimed_at_ms : s.firstSeenMs

/** compareClaims with claim times as this node can vouch for them. */
function compareSeen(a: Seen, b: Seen): number {
  if (a.claim.did !== b.claim.did && a.claim.released === b.claim.released) {
    const d = effectiveClaimedAt(a) - effectiveClaimedAt(b)
    if (d !== 0) return d
  }
  return compareClaims(a.claim, b.claim)
}

export function createNameCache(maxNames = MAX_NAMES): NameCache {
  // One entry per holder DID: the highest sequence from that holder, and when it was first seen.
  const byName = new Map<string, Map<string, Seen>>()

  function liveSorted(name: string, now: number): Seen[] {
    const holders = byName.get(name)
    if (holders == null) return []
    return [...holders.values()].filter((s) => s.claim.expires_at_ms > now).sort(compareSeen)
  }

  return {
    observe(claim, now = Date.now()) {
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
      if (prev == null) holders.set(claim.did, { claim, firstSeenMs: now })
      else if (claim.seq > prev.claim.seq) holders.set(claim.did, { claim, firstSeenMs: prev.firstSeenMs })
    },
    highestSeq: (name, did) => byName.get(name)?.get(did)?.claim.seq ?? 0,
    holds(name, did, now = Date.now()) {
      const s = byName.get(name)?.get(did)
      return s != null && !s.claim.released && s.claim.expires_at_ms > now
    },
    releasedBy: (name, did) => byName.get(name)?.get(did)?.claim.released === true,
    best(name, now = Date.now()) {
      return liveSorted(name, now)[0]?.claim
    },
    refusal(claim, now = Date.now()) {
      if (claim.released) return undefined
      const incumbent = liveSorted(claim.name, now).find((s) => s.claim.did !== claim.did)
      if (incumbent == null || incumbent.claim.released) return undefined
      const known = byName.get(claim.name)?.get(claim.did)
      const candidate: Seen = { claim, firstSeenMs: known?.firstSeenMs ?? now }
      return compareSeen(candidate, incumbent) > 0 ? 'RECORD_NAME_TAKEN' : undefined
    },
  }
}
