// Per-peer token buckets for inbound messages, plus a temporary block for peers that keep sending
// after being told to slow down.

export interface RateDecision {
  allowed: boolean
  /** When not allowed: milliseconds until a token is available. */
  retryAfterMs: number
  /** True when the peer is blocked (ignored back-pressure). */
  blocked: boolean
}

interface Bucket {
  tokens: number
  updatedAt: number
  /** Refusals since the last accepted message. */
  refusals: number
  blockedUntil: number
}

export interface RateLimiterOptions {
  ratePerSecond: number
  burst: number
  /** Refusals in a row after which the peer is blocked. */
  blockAfterRefusals: number
  blockMs: number
  now?: () => number
}

/** Above this many tracked peers, buckets that are full again (and not blocking) are dropped. */
const PRUNE_ABOVE = 1024
const PRUNE_EVERY_MS = 1_000

export function createRateLimiter(options: RateLimiterOptions) {
  const buckets = new Map<string, Bucket>()
  const now = options.now ?? Date.now
  let prunedAt = Number.NEGATIVE_INFINITY

  // A full, unblocked bucket is what a new peer gets anyway: forgetting it changes nothing, and keeps
  // a churn of fresh identities from growing the table without bound.
  function prune(t: number): void {
    if (buckets.size <= PRUNE_ABOVE || t - prunedAt < PRUNE_EVERY_MS) return
    prunedAt = t
    for (const [peer, b] of buckets) {
      const tokens = Math.min(options.burst, b.tokens + ((t - b.updatedAt) / 1000) * options.ratePerSecond)
      if (b.blockedUntil <= t && tokens >= options.burst) buckets.delete(peer)
    }
  }

  return {
    /** Peers with a bucket (for tests and metrics). */
    get size(): number {
      return buckets.size
    },
    isBlocked(peer: string): boolean {
      return (buckets.get(peer)?.blockedUntil ?? 0) > now()
    },

    take(peer: string): RateDecision {
      const t = now()
      let b = buckets.get(peer)
      if (b == null) {
        prune(t)
        b = { tokens: options.burst, updatedAt: t, refusals: 0, blockedUntil: 0 }
        buckets.set(peer, b)
      }
      if (b.blockedUntil > t) return { allowed: false, retryAfterMs: b.blockedUntil - t, blocked: true }
      b.tokens = Math.min(options.burst, b.tokens + ((t - b.updatedAt) / 1000) * options.ratePerSecond)
      b.updatedAt = t
      if (b.tokens >= 1) {
        b.tokens -= 1
        b.refusals = 0
        return { allowed: true, retryAfterMs: 0, blocked: false }
      }
      b.refusals++
      if (b.refusals > options.blockAfterRefusals) {
        b.blockedUntil = t + options.blockMs
        b.refusals = 0
        return { allowed: false, retryAfterMs: options.blockMs, blocked: true }
      }
      return {
        allowed: false,
        retryAfterMs: Math.ceil(((1 - b.tokens) / options.ratePerSecond) * 1000),
        blocked: false,
      }
    },
  }
}

export type RateLimiter = ReturnType<typeof createRateLimiter>
