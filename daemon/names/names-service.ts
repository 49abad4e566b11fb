// Human-readable names: claim (with consent: a live claim by another DID is never overwritten by this
// daemon), resolve (verified), release (signed tombstone), and renewal at half the TTL while the
// daemon runs. Held names are persisted so a restarted daemon renews them.

import { waitAtMost } from '../common/wait-at-most.ts'
import { failedPrecondition, invalidArgument, notFound } from '../errors/moltmesh-error.ts'
import type { Identity } from '../identity/identity.ts'
import type { Logger } from '../log/logger.ts'
import type { AnnouncementRegistry } from '../p2p/announcement-gauge.ts'
import type { Host } from '../p2p/create-host.ts'
import { createDhtAnnouncer } from '../p2p/dht-announcer.ts'
import { runDhtLookup } from '../p2p/dht-records.ts'
import { json, single, text } from '../store/codecs.ts'
import { num, object, str } from '../store/shape.ts'
import type { Store } from '../store/store.ts'
import type { NameCache } from './name-cache.ts'
import { encodeClaim, nameKey, type SignedNameClaim, signClaim } from './name-record.ts'
import { normalizeName } from './name-rules.ts'

export interface NamesOptions {
  claimTtlMs: number
  lookupTimeoutMs: number
  /** Names held at once. */
  maxNames: number
}

export interface NamesComponents {
  host: Host
  identity: Identity
  store: Store
  cache: NameCache
  logger: Logger
  /** Where the announcer's counts are reported (the moltmesh_dht_announcements gauge). */
  announcements?: AnnouncementRegistry
}

interface HeldName {
  name: string
  seq: number
  claimedAtMs: number
  expiresAtMs: number
  ttlMs: number
}

export interface NameInfo {
  name: string
  did: string
  expiresAtMs: number
  /** Set when the name's holder differs from the one this daemon resolved it to before. */
  warning?: string
}

/** The holder a name resolved to here before (trust on first use). */
interface PinnedName {
  did: string
  expiresAtMs: number
  /** The pinned holder's own claim time. */
  claimedAtMs: number
}

// Shapes of the two repositories' values (exported for the store format test).
export const heldShape = object<HeldName>({
  name: str,
  seq: num,
  claimedAtMs: num,
  expiresAtMs: num,
  ttlMs: num,
})
export const pinShape = object<PinnedName>({ did: str, expiresAtMs: num, claimedAtMs: num })

const MIN_TTL_MS = 1_000
const MAX_TTL_MS = 7 * 24 * 3600 * 1000
/** How long a lookup keeps collecting replicas after the first valid record arrives. */
const LOOKUP_GRACE_MS = 1_500

export function createNamesService(c: NamesComponents, options: NamesOptions) {
  const held = c.store.repository('names.held', single(text), json(heldShape))
  const pins = c.store.repository('names.pins', single(text), json(pinShape))
  const timers = new Map<string, NodeJS.Timeout>()
  const dht = () => c.host.services.dht
  // Claims, renewals and tombstones of a name go through one announcer key: a newer record stops the
  // retries of an older one (peers would refuse it as a replay), and a record that reached nobody is
  // announced again once the DHT routing table gains a peer (dht-announcer.ts).
  const announcer = createDhtAnnouncer({ dht, logger: c.logger })
  c.announcements?.add(announcer)
  let stopped = false

  /** The winning valid claim for a name across the DHT (and this node), if any. */
  async function lookup(name: string, timeoutMs: number): Promise<SignedNameClaim | undefined> {
    const found = () => c.cache.best(name) != null
    await runDhtLookup(dht(), nameKey(name), { timeoutMs, graceMs: LOOKUP_GRACE_MS, found }, c.logger)
    return c.cache.best(name)
  }

  async function publish(claim: SignedNameClaim): Promise<void> {
    c.cache.observe(claim)
    // Waits at most the lookup timeout; the announcement goes on in the background with its retries.
    await waitAtMost(announcer.put(nameKey(claim.name), encodeClaim(claim)), options.lookupTimeoutMs)
  }

  function scheduleRenewal(name: string, ttlMs: number): void {
    clearTimeout(timers.get(name))
    if (stopped) return
    const timer = setTimeout(
      () => {
        renew(name).catch((err: Error & { reason?: string }) => {
          c.logger.warn({ name, reason: err.reason, err: err.message }, 'name renewal failed; name dropped')
          void held.del(name)
          timers.delete(name)
        })
      },
      Math.max(MIN_TTL_MS / 2, ttlMs / 2),
    )
    timer.unref()
    timers.set(name, timer)
  }

  async function claim(input: string, ttlInput: number): Promise<NameInfo> {
    const name = normalizeName(input)
    const ttlMs = ttlInput > 0 ? ttlInput : options.claimTtlMs
    if (ttlMs < MIN_TTL_MS || ttlMs > MAX_TTL_MS) {
      throw invalidArgument('INVALID_ARGUMENT', `ttl_ms must be between ${MIN_TTL_MS} and ${MAX_TTL_MS}`)
    }
    if ((await held.get(name)) == null) {
      let count = 0
      for await (const _ of held.keys()) count++
      if (count >= options.maxNames)
        throw failedPrecondition(
          'TOO_MANY_NAMES',
          `this agent holds ${count} names, the limit (names.max_names); release one first`,
        )
    }
    const current = await lookup(name, options.lookupTimeoutMs)
    if (current != null && !current.released && current.did !== c.identity.did) {
      throw failedPrecondition(
        'NAME_TAKEN',
        `name "${name}" is already claimed by ${current.did} (expires ${new Date(current.expires_at_ms).toISOString()})`,
      )
    }
    const own = await held.get(name)
    const mine = current != null && current.did === c.identity.did ? current : undefined
    const now = Date.now()
    const active = mine != null && !mine.released
    const record = await signClaim(c.identity, {
      name,
      seq: Math.max(own?.seq ?? 0, mine?.seq ?? 0) + 1,
      // Keep the original claim time across renewals: the earliest claim wins conflicts.
      claimed_at_ms: active ? mine.claimed_at_ms : (own?.claimedAtMs ?? now),
      expires_at_ms: now + ttlMs,
      released: false,
    })
    return store(record, ttlMs)
  }

  /** Persists the held name before publishing, so a crash mid-publish still renews it on restart. */
  async function store(record: SignedNameClaim, ttlMs: number): Promise<NameInfo> {
    await held.put(record.name, {
      name: record.name,
      seq: record.seq,
      claimedAtMs: record.claimed_at_ms,
      expiresAtMs: record.expires_at_ms,
      ttlMs,
    })
    // Scheduled before publishing: a put that stalls on an unreachable peer must not delay renewal.
    scheduleRenewal(record.name, ttlMs)
    await publish(record)
    return { name: record.name, did: c.identity.did, expiresAtMs: record.expires_at_ms }
  }

  /**
   * Extends a name this daemon holds. No consent lookup: the holder keeps its original claim time,
   * so its claim keeps winning against later ones, and a slow lookup must not let the claim lapse.
   */
  async function renew(name: string): Promise<void> {
    const own = await held.get(name)
    if (own == null) return
    const record = await signClaim(c.identity, {
      name,
      seq: own.seq + 1,
      claimed_at_ms: own.claimedAtMs,
      expires_at_ms: Date.now() + own.ttlMs,
      released: false,
    })
    await store(record, own.ttlMs)
  }

  return {
    claim,

    /**
     * The verified holder of a name. A name stays pinned to the DID it resolved to before while that
     * holder's claim lives (trust on first use): another DID that now wins the lookup (e.g. with a
     * back-dated claim served by a peer) does not take it over here; the answer carries a warning.
     * When the pinned holder released the name or its claim ran out, the new holder is taken, also
     * with a warning.
     */
    async resolve(input: string, timeoutMs = 0): Promise<NameInfo> {
      const name = normalizeName(input)
      const found = await lookup(name, timeoutMs > 0 ? timeoutMs : options.lookupTimeoutMs)
      const live = found != null && !found.released ? found : undefined
      const pin = await pins.get(name)
      const now = Date.now()
      let warning: string | undefined
      if (pin != null && pin.did !== live?.did) {
        // A later claim can only win while the pinned holder is gone (released or expired), so it is a
        // handover; a claim that says it predates the pinned one is what a hijack looks like.
        const predates = live == null || live.claimed_at_ms <= pin.claimedAtMs
        const pinnedHolds =
          predates &&
          !c.cache.releasedBy(name, pin.did) &&
          (c.cache.holds(name, pin.did) || pin.expiresAtMs > now)
        if (pinnedHolds) {
          if (live != null) {
            warning = `name "${name}" is also claimed by ${live.did}; keeping ${pin.did}, which it resolved to before`
            c.logger.warn(
              { name, pinned: pin.did, claimant: live.did },
              'name claimed by another agent; kept the pinned holder',
            )
          }
          return { name, did: pin.did, expiresAtMs: pin.expiresAtMs, ...(warning != null ? { warning } : {}) }
        }
        if (live != null) {
          warning = `name "${name}" changed holder: it resolved to ${pin.did} before (claim released or expired), now to ${live.did}`
          c.logger.warn({ name, was: pin.did, now: live.did }, 'name changed holder')
        } else await pins.del(name)
      }
      if (live == null) throw notFound('NAME_NOT_FOUND', `no agent holds the name "${name}"`)
      if (pin?.did !== live.did || pin.expiresAtMs !== live.expires_at_ms)
        await pins.put(name, {
          did: live.did,
          expiresAtMs: live.expires_at_ms,
          claimedAtMs: live.claimed_at_ms,
        })
      return { name, did: live.did, expiresAtMs: live.expires_at_ms, ...(warning != null ? { warning } : {}) }
    },

    async release(input: string): Promise<void> {
      const name = normalizeName(input)
      const own = await held.get(name)
      if (own == null)
        throw failedPrecondition('NAME_NOT_HELD', `this agent does not hold the name "${name}"`)
      clearTimeout(timers.get(name))
      timers.delete(name)
      const tombstone = await signClaim(c.identity, {
        name,
        seq: own.seq + 1,
        claimed_at_ms: own.claimedAtMs,
        expires_at_ms: Date.now() + own.ttlMs,
        released: true,
      })
      await publish(tombstone)
      await held.del(name)
    },

    async list(): Promise<NameInfo[]> {
      const out: NameInfo[] = []
      for await (const h of held.values())
        out.push({ name: h.name, did: c.identity.did, expiresAtMs: h.expiresAtMs })
      return out
    },

    /** Renews (re-claims) every held name after a restart. */
    async start(): Promise<void> {
      stopped = false
      announcer.start()
      for await (const h of held.values()) {
        claim(h.name, h.ttlMs).catch((err: Error & { reason?: string }) => {
          c.logger.warn(
            { name: h.name, reason: err.reason },
            'could not renew held name after restart; dropped',
          )
          void held.del(h.name)
        })
      }
    },

    stop(): void {
      stopped = true
      announcer.stop()
      for (const t of timers.values()) clearTimeout(t)
      timers.clear()
    },
  }
}

export type NamesService = ReturnType<typeof createNamesService>
