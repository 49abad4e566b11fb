// The local agent card: signed, stored in the DHT under the DID, republished at half its TTL and
// whenever it changes; its public skill ids and tags announced as DHT provider records. Also resolves
// other agents' cards (directly from a connected peer, else from the DHT), verified every time.

import type { PeerId } from '@libp2p/interface'
import { waitAtMost } from '../common/wait-at-most.ts'
import { invalidArgument, notFound } from '../errors/moltmesh-error.ts'
import { peerIdFromDid } from '../identity/did.ts'
import type { Identity } from '../identity/identity.ts'
import type { Logger } from '../log/logger.ts'
import type { AnnouncementRegistry } from '../p2p/announcement-gauge.ts'
import type { Host } from '../p2p/create-host.ts'
import { dhtPeerCount } from '../p2p/dht-announce.ts'
import { createDhtAnnouncer } from '../p2p/dht-announcer.ts'
import { runDhtLookup } from '../p2p/dht-records.ts'
import { json, unit } from '../store/codecs.ts'
import type { Store } from '../store/store.ts'
import { capabilityCid } from './capability.ts'
import type { CardCache } from './card-cache.ts'
import { CARD_PROTOCOL, cardHandler, fetchCard } from './card-protocol.ts'
import { cardKey, decodeCard, encodeCard, MAX_CARD_BYTES, type SignedCard, signCard } from './card-record.ts'
import { type CardState, cardStateShape } from './card-state.ts'
import {
  capabilitiesOf,
  checkCardContent,
  type LocalCardContent,
  type LocalSkill,
  MAX_SKILLS,
  publishedSkills,
} from './local-card.ts'
import { checkCardSize, checkOfferLimits, createServedSkills, mergeServed } from './served-skills.ts'

export interface CardsOptions {
  /** Card lifetime; republished at half of it. */
  ttlMs: number
  reprovideIntervalMs: number
  lookupTimeoutMs: number
}

export interface CardsComponents {
  host: Host
  identity: Identity
  store: Store
  cache: CardCache
  logger: Logger
  /** Where the announcer's counts are reported (the moltmesh_dht_announcements gauge). */
  announcements?: AnnouncementRegistry
  /** Card content from moltbook.toml. */
  configured: LocalCardContent
}

/** Once a record is in, how long a lookup waits for other replicas to report a newer one. */
const LOOKUP_GRACE_MS = 1_000
const DIRECT_FETCH_TIMEOUT_MS = 3_000
/** A node with fewer DHT peers than this re-announces as its routing table grows (bootstrap). */
const WELL_CONNECTED = 20

export function createCardsService(c: CardsComponents, options: CardsOptions) {
  const db = c.store.repository('cards.local', unit, json(cardStateShape))
  const dht = () => c.host.services.dht
  let state: CardState = { sequence: 0, ttlMs: options.ttlMs }
  let provided: string[] = []
  let republishTimer: NodeJS.Timeout | undefined
  let reprovideTimer: NodeJS.Timeout | undefined
  let announcedWithPeers = 0
  let stopped = false
  // Supersedes older announcements of the card, and announces again what reached nobody once the
  // DHT has a peer (dht-announcer.ts).
  const announcer = createDhtAnnouncer({ dht, logger: c.logger })
  c.announcements?.add(announcer)

  // Normalised like runtime content (full capability keys to short ones, tags de-duplicated).
  let configured = checkCardContent(c.configured)
  const served = createServedSkills()
  /** Declared content (runtime, else configured), plus the skills workers serve that it lacks. */
  const content = (): LocalCardContent => {
    const declared = state.runtime ?? configured
    return { ...declared, skills: mergeServed(declared.skills, served.list()) }
  }
  const publishedNow = () => JSON.stringify(publishedSkills(content().skills))
  // Versions are signed one at a time, so two changes at once cannot share a sequence number.
  let signing: Promise<unknown> = Promise.resolve()
  const defaultName = () => `agent-${c.identity.did.slice(-6).toLowerCase()}`

  /** Waits for `work` at most the lookup timeout (retries go on in the background). */
  const atMostLookupTimeout = (work: Promise<unknown>) => waitAtMost(work, options.lookupTimeoutMs)

  const putCard = (card: SignedCard) =>
    atMostLookupTimeout(announcer.put(cardKey(card.did), encodeCard(card)))

  /** Announces provider records. */
  const provide = (capabilities: string[]) =>
    atMostLookupTimeout(
      Promise.all(
        capabilities.map(async (cap) => announcer.provide(await capabilityCid(cap), { capability: cap })),
      ),
    )

  /** Stores the card in the DHT and announces its capabilities; withdraws dropped ones. */
  async function announce(): Promise<void> {
    const card = state.card
    if (card == null || stopped) return
    announcedWithPeers = dhtPeerCount(dht())
    const caps = capabilitiesOf(card.skills)
    const dropped = provided.filter((p) => !caps.includes(p))
    provided = caps
    for (const cap of dropped) {
      const cid = await capabilityCid(cap)
      announcer.withdraw(cid)
      await dht()
        .cancelReprovide(cid)
        .catch(() => undefined)
    }
    await Promise.all([putCard(card), provide(caps)])
  }

  function scheduleRepublish(): void {
    clearTimeout(republishTimer)
    if (stopped) return
    republishTimer = setTimeout(() => {
      publish(undefined, 0, false).catch((err: Error) =>
        c.logger.warn({ err: err.message }, 'card republish failed'),
      )
    }, state.ttlMs / 2)
    republishTimer.unref()
  }

  /**
   * Signs and publishes a new version of the card. `next`: new runtime content, `null` to go back to
   * the configured content, `undefined` to keep the current content (republish). With `wait`, returns
   * once the card and provider records reached the DHT (as far as they could), else right after signing.
   */
  async function publish(
    next: LocalCardContent | null | undefined,
    ttlMs = 0,
    wait = true,
  ): Promise<SignedCard> {
    const checked = next == null ? next : checkCardContent(next)
    const signed = signing.then(() => signVersion(checked, ttlMs))
    signing = signed.catch(() => undefined)
    const card = await signed
    const announced = announce().catch((err: Error) =>
      c.logger.warn({ err: err.message }, 'card announcement failed'),
    )
    if (wait) await announced
    c.logger.info({ sequence: card.sequence, skills: card.skills.length }, 'agent card published')
    return card
  }

  async function signVersion(next: LocalCardContent | null | undefined, ttlMs: number): Promise<SignedCard> {
    const before = state
    if (next === null) state = { ...state, runtime: undefined }
    else if (next !== undefined) state = { ...state, runtime: next }
    if (ttlMs > 0) state = { ...state, ttlMs }
    const now = Date.now()
    const local = content()
    const card = await signCard(
      c.identity,
      {
        name: local.name !== '' ? local.name : defaultName(),
        description: local.description,
        skills: publishedSkills(local.skills),
        addresses: c.host.getMultiaddrs().map((a) => a.toString()),
        protocols: c.host
          .getProtocols()
          .filter((p) => p.startsWith('/moltmesh/'))
          .sort(),
      },
      // The clock as a floor keeps the sequence ahead of versions other nodes remember even if this
      // data dir was lost and only the key restored.
      { sequence: Math.max(state.sequence + 1, now), published_at_ms: now, expires_at_ms: now + state.ttlMs },
    )
    // Peers refuse records over the limit: refuse here too, rather than "publish" a card that nobody
    // else will ever see while they keep the previous one.
    const size = encodeCard(card).length
    if (size > MAX_CARD_BYTES) {
      state = before
      throw invalidArgument(
        'CARD_TOO_LARGE',
        `the signed card would be ${size} bytes; the limit is ${MAX_CARD_BYTES} (16 KiB): shorten descriptions or schemas, or publish fewer skills`,
      )
    }
    state = { ...state, sequence: card.sequence, card }
    await db.put(null, state)
    c.cache.observe(card)
    scheduleRepublish()
    return card
  }

  /** Republishes (without waiting for the DHT) when a change altered what the card shows. */
  async function republishIfChanged(before: string, why: string): Promise<void> {
    if (stopped || publishedNow() === before) return
    await publish(undefined, 0, false).catch((err: Error) =>
      c.logger.warn({ err: err.message, why }, 'card republish failed'),
    )
  }

  /**
   * A worker serves `skills` (ids normalised here): the ones the card lacks are offered while it
   * does. Resolves once the card shows them; the returned function withdraws them again.
   */
  async function serve(skills: LocalSkill[]): Promise<() => Promise<void>> {
    const offered = checkCardContent({ name: '', description: '', skills }).skills.map((s) => ({
      ...s,
      visibility: 'public' as const,
      allowedDids: [],
    }))
    checkOfferLimits(offered)
    const declared = state.runtime ?? configured
    const merged = mergeServed(declared.skills, mergeServed(served.list(), offered))
    if (merged.length > MAX_SKILLS)
      throw invalidArgument(
        'INVALID_CARD',
        `a card has at most ${MAX_SKILLS} skills; workers would make it ${merged.length}`,
      )
    checkCardSize(merged)
    const before = publishedNow()
    const remove = served.add(offered)
    await republishIfChanged(before, 'worker started')
    c.logger.info({ skills: offered.map((s) => s.id) }, 'worker serving skills')
    let removed = false
    return async () => {
      if (removed) return
      removed = true
      const was = publishedNow()
      remove()
      c.logger.info({ skills: offered.map((s) => s.id) }, 'worker stopped serving skills')
      await republishIfChanged(was, 'worker stopped')
    }
  }

  function onDhtPeerAdded(): void {
    // A record stored on the first one or two peers of a growing mesh is not on the peers closest to
    // its key once more arrive. Announce again (the announcer debounces) as the DHT routing table grows,
    // until the node is well connected — but only each time it has doubled (1, 2, 4, 8, 16):
    // announcing on every new peer made every node of a growing mesh re-run its DHT lookups about
    // once a second, which starved daemons still starting up on a shared CPU (40-50 daemons could not
    // all come up; docs/discovery.md). Only moltmesh DHT peers count: the public DHT nodes a joined
    // daemon connects to first hold no moltmesh records. (An announcement that reached nobody at all
    // is run again by the announcer itself.)
    if (announcedWithPeers >= WELL_CONNECTED || stopped) return
    if (dhtPeerCount(dht()) >= Math.max(1, 2 * announcedWithPeers)) void announce()
  }

  /** When each peer's card was last fetched directly (bounded like the cache). */
  const fetchedAt = new Map<string, number>()

  async function fetchDirect(peer: PeerId): Promise<SignedCard | undefined> {
    try {
      const card = await fetchCard(c.host, peer, DIRECT_FETCH_TIMEOUT_MS)
      c.cache.observe(card)
      fetchedAt.delete(card.did)
      if (fetchedAt.size >= 10_000) fetchedAt.delete(fetchedAt.keys().next().value as string)
      fetchedAt.set(card.did, Date.now())
      return card
    } catch (err) {
      c.logger.debug({ peer: peer.toString(), err: (err as Error).message }, 'direct card fetch failed')
      return undefined
    }
  }

  /** Runs a DHT lookup for a card; returns the newest valid card any validator call saw. */
  async function lookup(did: string, timeoutMs: number): Promise<SignedCard | undefined> {
    const found = () => c.cache.get(did) != null
    await runDhtLookup(dht(), cardKey(did), { timeoutMs, graceMs: LOOKUP_GRACE_MS, found }, c.logger)
    return c.cache.get(did)
  }

  return {
    publish,
    serve,

    /** Replaces the content from moltbook.toml (a reload) and publishes a new version of the card. */
    async reconfigure(next: LocalCardContent): Promise<SignedCard> {
      configured = checkCardContent(next)
      return publish(undefined, 0, false)
    },
    /** Workers serving skill `id` right now. */
    workersServing: (id: string): number => served.workers(id),

    /** The local signed card (as published). */
    current: (): SignedCard | undefined => state.card,
    /** Every local skill, private ones and allow-lists included. */
    localSkills: (): LocalSkill[] => content().skills,

    /** A verified card: direct from the agent when connected, else the newest valid one in the DHT. */
    async resolve(did: string, timeoutMs = 0): Promise<SignedCard> {
      if (did === c.identity.did && state.card != null) return state.card
      const peer = peerIdFromDid(did)
      let card: SignedCard | undefined
      if (c.host.getConnections(peer).length > 0) card = await fetchDirect(peer)
      card ??= await lookup(did, timeoutMs > 0 ? timeoutMs : options.lookupTimeoutMs)
      // Verified again on every resolve: the cache may hold a card that has expired since.
      const verified =
        card == null ? undefined : await decodeCard(encodeCard(card), did).catch(() => undefined)
      if (verified == null) {
        const rejection = c.cache.lastRejection(did)
        if (rejection != null)
          throw notFound('CARD_INVALID', `no valid card for ${did} (the one found was refused: ${rejection})`)
        throw notFound('CARD_NOT_FOUND', `no card found for ${did}`)
      }
      return verified
    },

    fetchDirect,

    /** The card of `did` if it was fetched directly from the agent within `maxAgeMs`. */
    recentDirect(did: string, maxAgeMs: number): SignedCard | undefined {
      const at = fetchedAt.get(did)
      return at != null && Date.now() - at <= maxAgeMs ? c.cache.get(did) : undefined
    },

    async start(): Promise<void> {
      const saved = await db.get(null)
      if (saved != null) state = { ...saved, ttlMs: saved.ttlMs > 0 ? saved.ttlMs : options.ttlMs }
      await c.host.handle(
        CARD_PROTOCOL,
        cardHandler(() => state.card),
        {
          maxInboundStreams: 32,
          maxOutboundStreams: 64,
          runOnLimitedConnection: true,
        },
      )
      announcer.start()
      announcer.onPeerAdded(onDhtPeerAdded)
      reprovideTimer = setInterval(() => {
        void provide(provided)
      }, options.reprovideIntervalMs)
      reprovideTimer.unref()
      // A new version at every start: addresses may have changed, and the DHT may have lost it.
      await publish(undefined, 0, false)
    },

    /** The daemon is going down: workers that end now change nothing (no republish into a closing store). */
    beforeStop(): void {
      stopped = true
    },

    async stop(): Promise<void> {
      stopped = true
      clearTimeout(republishTimer)
      clearInterval(reprovideTimer)
      announcer.stop()
      await c.host.unhandle(CARD_PROTOCOL).catch(() => undefined)
    },
  }
}

export type CardsService = ReturnType<typeof createCardsService>
