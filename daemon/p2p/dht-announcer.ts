// Keeps the records this daemon announces in the moltmesh DHT (its card, its capability provider
// records) announced, per key:
// - the newest announcement of a key replaces older ones: their retries stop, so peers are never sent
//   an older version after a newer one (they refuse it as a replay, and count it as hostile input);
// - an announcement that reached nobody because the routing table was empty is run again as soon as
//   the routing table gains a peer. Behind NAT that is the normal case: a daemon's card changes when
//   its relay reservation comes in, often while its only moltmesh DHT peer (the relay) is still being
//   added; without this the new card waited for the next republish (hours), and nobody could find it.
// Peers that are not moltmesh DHT servers (the public DHT nodes of join_public) never enter this
// routing table, so connecting to them triggers nothing.

import type { KadDHT } from '@libp2p/kad-dht'
import type { CID } from 'multiformats/cid'
import type { Logger } from '../log/logger.ts'
import { announceWithRetry, countStored } from './dht-announce.ts'

/** Routing-table changes settle for this long before pending announcements run again. */
const PEER_ADDED_DEBOUNCE_MS = 1_000

interface Entry {
  /** Bumped by every new announcement of this key; older runs see they were superseded. */
  generation: number
  /** The last announcement reached nobody (and nothing newer runs): run it again on a new peer. */
  pending: boolean
  /** Aborts the run in flight when a newer one starts. */
  running?: AbortController
  what: Record<string, string>
  attempt: (signal: AbortSignal) => Promise<number>
}

/** The moltmesh DHT's routing table, as kad-dht exposes it (an event target of peer:add/remove). */
type RoutingTableEvents = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>

function routingTableOf(dht: KadDHT): RoutingTableEvents | undefined {
  const table = (dht as KadDHT & { routingTable?: Partial<RoutingTableEvents> }).routingTable
  return typeof table?.addEventListener === 'function' ? (table as RoutingTableEvents) : undefined
}

export interface DhtAnnouncerComponents {
  dht: () => KadDHT
  logger: Logger
}

export function createDhtAnnouncer(c: DhtAnnouncerComponents) {
  const entries = new Map<string, Entry>()
  const peerAddedListeners = new Set<() => void>()
  let debounce: NodeJS.Timeout | undefined
  let stopped = false
  let table: RoutingTableEvents | undefined

  async function run(id: string, entry: Entry): Promise<number> {
    const generation = ++entry.generation
    entry.pending = false
    entry.running?.abort()
    const running = new AbortController()
    entry.running = running
    const superseded = () => stopped || entries.get(id) !== entry || entry.generation !== generation
    const stored = await announceWithRetry(c.dht(), entry.what, entry.attempt, c.logger, {
      superseded,
      signal: running.signal,
    })
    if (!superseded()) {
      entry.pending = stored === 0
      entry.running = undefined
    }
    return stored
  }

  function announce(id: string, what: Record<string, string>, attempt: Entry['attempt']): Promise<number> {
    if (stopped) return Promise.resolve(0)
    const entry = entries.get(id) ?? { generation: 0, pending: false, what, attempt }
    entry.what = what
    entry.attempt = attempt
    entries.set(id, entry)
    return run(id, entry)
  }

  const onPeerAdded = () => {
    if (stopped || debounce != null) return
    debounce = setTimeout(() => {
      debounce = undefined
      if (stopped) return
      // Listeners first: what they announce anew is no longer pending, and is not announced twice.
      for (const listener of peerAddedListeners) listener()
      for (const [id, entry] of entries)
        if (entry.pending) {
          c.logger.debug(entry.what, 'DHT gained a peer: announcing again what reached nobody')
          void run(id, entry)
        }
    }, PEER_ADDED_DEBOUNCE_MS)
    debounce.unref()
  }

  return {
    /**
     * Stores `value` under `key` (here and on the closest peers), replacing any earlier announcement of
     * `key`. Resolves with how many peers took it (retries included); never throws.
     */
    put(key: Uint8Array, value: Uint8Array): Promise<number> {
      const name = new TextDecoder().decode(key)
      return announce(`put:${name}`, { key: name }, (signal) =>
        countStored(c.dht().put(key, value, { signal }), 'PUT_VALUE'),
      )
    },

    /** Announces this node as a provider of `cid`; `what` names it in logs. */
    provide(cid: CID, what: Record<string, string>): Promise<number> {
      return announce(`provide:${cid.toString()}`, what, (signal) =>
        countStored(c.dht().provide(cid, { signal }), 'ADD_PROVIDER'),
      )
    },

    /** Stops announcing `cid` (retries and pending included). */
    withdraw(cid: CID): void {
      const id = `provide:${cid.toString()}`
      entries.get(id)?.running?.abort()
      entries.delete(id)
    },

    /** Keys and CIDs whose last announcement reached nobody. */
    pending: (): string[] => [...entries].filter(([, e]) => e.pending).map(([id]) => id),

    /** Announcements being stored now, or waiting between retries. */
    inFlight: (): number => {
      let n = 0
      for (const e of entries.values()) if (e.running != null) n++
      return n
    },

    /** Called (debounced) whenever the routing table gained peers. */
    onPeerAdded(listener: () => void): void {
      peerAddedListeners.add(listener)
    },

    start(): void {
      stopped = false
      table = routingTableOf(c.dht())
      table?.addEventListener('peer:add', onPeerAdded)
    },

    stop(): void {
      stopped = true
      for (const entry of entries.values()) entry.running?.abort()
      clearTimeout(debounce)
      debounce = undefined
      table?.removeEventListener('peer:add', onPeerAdded)
      peerAddedListeners.clear()
    },
  }
}

export type DhtAnnouncer = ReturnType<typeof createDhtAnnouncer>
