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

export function createRateLimiter(options: RateLimiterOptions) {
  const buckets = new Map<string, Bucket>()
  const now = options.now ?? Date.now

  return {
    isBlocked(peer: string): boolean {
      return (buckets.get(peer)?.blockedUntil ?? 0) > now()
    },

    take(peer: string): RateDecision {
      const t = now()
      let b = buckets.get(peer)
      if (b == null) {
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
