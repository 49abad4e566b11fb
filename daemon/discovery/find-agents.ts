// FindAgents: connected peers first (their cards fetched directly, which also covers LAN peers found
// by mDNS with no DHT), then providers of the capability from the DHT. Every card is verified; an
// agent appears once; results stream as they are found. A search that finds nobody is recorded as
// unmet demand.

import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { capabilityCid, normalizeCapability } from '../cards/capability.ts'
import type { CardSkill, SignedCard } from '../cards/card-record.ts'
import type { CardsService } from '../cards/cards-service.ts'
import { invalidArgument } from '../errors/moltmesh-error.ts'
import { eventQueue } from '../events/event-queue.ts'
import { tryDidFromPeerId } from '../identity/did.ts'
import type { Logger } from '../log/logger.ts'
import type { Host } from '../p2p/create-host.ts'
import type { DemandStore } from './demand-store.ts'

export interface FindQuery {
  capability: string
  tags: string[]
  limit: number
  timeoutMs: number
}

export interface FoundAgent {
  card: SignedCard
  skill: CardSkill
  score: number
  connected: boolean
}

/** What this agent's ledger knows about a provider (absent: no history with it). */
export interface Standing {
  /** Tasks it completed / failed for us. */
  completed: number
  failed: number
  /** Mean time from creation to COMPLETED of our tasks there, in ms. */
  latencyMs: number
  /** Our balance with it in credits: positive = it owes us, negative = we owe it. */
  balance: number
}

export interface FindComponents {
  host: Host
  cards: CardsService
  demand: DemandStore
  logger: Logger
  selfDid: string
  defaultTimeoutMs: number
  /** The ledger's view of an agent, for ranking. */
  standing?: (did: string) => Standing | undefined
}

const DEFAULT_LIMIT = 20
const MAX_LIMIT = 200
/**
 * Card fetches in flight at once for one search: providers of the capability, and of those the cards
 * of connected peers (which may offer anything). A provider not connected yet costs a new connection,
 * and on a loaded host that is mostly waiting for both ends to be scheduled, not CPU: at 8 in flight
 * the 99 providers of a capability shared by a 100-host mesh took 1.3-3 s, so providers get more.
 */
export const FETCH_CONCURRENCY = 24
export const CONNECTED_FETCH_CONCURRENCY = 8
/** How long a directly fetched card of a connected peer counts as current for skipping it. */
const RECENT_CARD_MS = 10 * 60_000
/** How long the DHT query goes first before the cards of connected peers not known yet are fetched. */
const CONNECTED_DELAY_MS = 200
/** Provider queries run at most this often for one search (a query stopped early runs again). */
const MAX_QUERY_ROUNDS = 3

/** The skill of `card` that offers `capability` with every one of `tags`, if any. */
export function matchingSkill(card: SignedCard, capability: string, tags: string[]): CardSkill | undefined {
  return card.skills.find((s) => {
    const names = new Set([s.id, ...s.tags])
    return names.has(capability) && tags.every((t) => names.has(t))
  })
}

/**
 * Higher is better, 0..1: reachable now (0.4), a fresh card (0.15), a good track record with us
 * (0.35: success rate with a prior of one success and one failure, so a newcomer starts in the
 * middle, weighted a little by speed), and not being owed credits by us (0.1: a provider we owe may
 * refuse us at its credit limit).
 */
export function scoreOf(card: SignedCard, connected: boolean, now = Date.now(), standing?: Standing): number {
  const lifetime = Math.max(1, card.expires_at_ms - card.published_at_ms)
  const freshness = Math.min(1, Math.max(0, 1 - (now - card.published_at_ms) / lifetime))
  const completed = standing?.completed ?? 0
  const failed = standing?.failed ?? 0
  const successRate = (completed + 1) / (completed + failed + 2)
  // 10 s to complete halves the speed factor; without completions it is neutral.
  const speed = completed > 0 ? 1 / (1 + (standing?.latencyMs ?? 0) / 10_000) : 0.5
  const reliability = successRate * (0.75 + 0.25 * speed)
  const goodStanding = (standing?.balance ?? 0) >= 0 ? 1 : 0
  const score = (connected ? 0.4 : 0) + 0.15 * freshness + 0.35 * reliability + 0.1 * goodStanding
  return Math.round(score * 1000) / 1000
}

export function createFindAgents(c: FindComponents) {
  return async function* findAgents(query: FindQuery, signal: AbortSignal): AsyncGenerator<FoundAgent> {
    const capability = normalizeCapability(query.capability)
    const tags = query.tags.map(normalizeCapability)
    if (query.limit < 0 || query.timeoutMs < 0)
      throw invalidArgument('INVALID_ARGUMENT', 'limit and timeout_ms must not be negative')
    const limit = Math.min(query.limit > 0 ? query.limit : DEFAULT_LIMIT, MAX_LIMIT)
    const stop = new AbortController()
    const timeout = setTimeout(() => stop.abort(), query.timeoutMs > 0 ? query.timeoutMs : c.defaultTimeoutMs)
    const onAbort = () => stop.abort()
    signal.addEventListener('abort', onAbort)

    const seen = new Set<string>([c.selfDid])
    /** Card fetches holding a slot, and agents offered whose consideration has not finished. */
    let pending = 0
    let outstanding = 0
    let searching = true
    /** Matches pushed so far, and provider card fetches not yet finished. */
    let matched = 0
    let providersInFlight = 0
    let providersSettled: Array<() => void> = []
    let push: (item: FoundAgent | null) => void = () => undefined
    const out = eventQueue<FoundAgent | null>((p) => {
      push = p
      return () => undefined
    }, stop.signal)
    const finishIfIdle = () => {
      if (!searching && outstanding === 0) push(null)
    }

    // Bounded parallel card fetches; a slow or dead provider never holds up the others. Providers of
    // the capability (from the DHT) go before connected peers, which may offer anything.
    const waiting = { provider: [] as Array<() => void>, connected: [] as Array<() => void> }
    let connectedPending = 0
    const full = (kind: keyof typeof waiting) =>
      pending >= FETCH_CONCURRENCY ||
      (kind === 'connected' && connectedPending >= CONNECTED_FETCH_CONCURRENCY)
    const slot = async (kind: keyof typeof waiting) => {
      while (full(kind)) await new Promise<void>((r) => waiting[kind].push(r))
      pending++
      if (kind === 'connected') connectedPending++
    }
    const release = (kind: keyof typeof waiting) => {
      pending--
      if (kind === 'connected') connectedPending--
      // A provider first; a connected peer only if its own cap allows (else it waits for the next).
      const next = waiting.provider.shift() ?? (full('connected') ? undefined : waiting.connected.shift())
      next?.()
    }

    const startedAt = performance.now()
    let rounds = 0
    const consider = async (peer: PeerId, did: string, kind: keyof typeof waiting): Promise<void> => {
      await slot(kind)
      try {
        if (stop.signal.aborted) return
        const connected = c.host.getConnections(peer).length > 0
        const card = connected
          ? await c.cards.fetchDirect(peer)
          : ((await c.cards.fetchDirect(peer)) ?? (await c.cards.resolve(did, 3_000).catch(() => undefined)))
        const skill = card == null ? undefined : matchingSkill(card, capability, tags)
        if (card == null || skill == null) return
        matched++
        push({ card, skill, connected, score: scoreOf(card, connected, Date.now(), c.standing?.(card.did)) })
      } finally {
        release(kind)
        if (kind === 'provider' && --providersInFlight === 0) {
          for (const settled of providersSettled) settled()
          providersSettled = []
        }
        outstanding--
        finishIfIdle()
      }
    }
    const offer = (peer: PeerId, kind: keyof typeof waiting, addrs: Multiaddr[] = []) => {
      const did = tryDidFromPeerId(peer)
      if (did == null || seen.has(did)) return
      // A connected peer whose card (fetched recently) lacks the capability is skipped: had it added
      // the skill since, it would have announced it, and the DHT query would bring it back.
      const recent = kind === 'connected' ? c.cards.recentDirect(did, RECENT_CARD_MS) : undefined
      if (recent != null && matchingSkill(recent, capability, tags) == null) return
      seen.add(did)
      outstanding++
      if (kind === 'provider') providersInFlight++
      // Provider records carry addresses: keep them so the card fetch can dial.
      const known =
        addrs.length > 0
          ? c.host.peerStore.merge(peer, { multiaddrs: addrs }).then(() => undefined)
          : Promise.resolve()
      void known.catch(() => undefined).then(() => consider(peer, did, kind))
    }

    // Connected peers whose cards are not known yet are asked after the DHT has had CONNECTED_DELAY_MS
    // (or has finished), and only while matches are still wanted: fetching the cards of every
    // connected peer at once (dozens in a large mesh) took the CPU that the provider's own card fetch
    // needed. Peers found only by mDNS with no DHT between them are still found this way.
    let connectedOffered = false
    const offerConnected = () => {
      if (connectedOffered) return
      connectedOffered = true
      clearTimeout(connectedTimer)
      if (matched < limit && !stop.signal.aborted)
        for (const peer of c.host.getPeers()) offer(peer, 'connected')
    }
    const connectedTimer = setTimeout(offerConnected, CONNECTED_DELAY_MS)

    // Producer: the DHT provider query, not awaited here, so results stream out as soon as each card
    // is verified. Once the provider fetches under way could bring `limit` matches the query is
    // stopped (its remaining requests cost every daemon they reach CPU, and the fetch competes with
    // them); if the fetches fall short it runs again, skipping the agents already seen.
    void (async () => {
      try {
        const cid = await capabilityCid(capability)
        while (rounds < MAX_QUERY_ROUNDS && !stop.signal.aborted) {
          let enough = false
          rounds++
          for await (const event of c.host.services.dht.findProviders(cid, { signal: stop.signal })) {
            if (event.name !== 'PROVIDER') continue
            for (const p of event.providers) offer(p.id, 'provider', p.multiaddrs)
            enough = matched + providersInFlight >= limit
            if (enough) break
          }
          if (!enough) break
          if (providersInFlight > 0) await new Promise<void>((r) => providersSettled.push(r))
          if (matched >= limit) break
        }
      } catch (err) {
        if (!stop.signal.aborted)
          c.logger.debug({ capability, err: (err as Error).message }, 'provider query ended')
      } finally {
        offerConnected()
        searching = false
        finishIfIdle()
      }
    })()

    let found = 0
    try {
      for await (const item of out) {
        if (item == null) break
        found++
        yield item
        if (found >= limit) break
      }
    } finally {
      stop.abort()
      clearTimeout(timeout)
      signal.removeEventListener('abort', onAbort)
      c.logger.debug(
        { capability, found, ms: Math.round(performance.now() - startedAt), queryRounds: rounds },
        'search finished',
      )
      if (found === 0 && !signal.aborted) await c.demand.record(capability).catch(() => undefined)
    }
  }
}

export type FindAgents = ReturnType<typeof createFindAgents>
