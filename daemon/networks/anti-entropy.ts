// Anti-entropy for networks: members exchange what they have over /moltmesh/net/1.0.0 (sync.ts)
// with connected members at start, on every connect of a member, after every local change, and
// every `networks.sync_interval_ms`. Members that are not connected are dialled, found through the
// DHT when needed (dht-presence.ts); an unknown network is fetched from the first peer serving it.

import { waitAtMost } from '../common/wait-at-most.ts'
import { peerIdFromDid, tryDidFromPeerId } from '../identity/did.ts'
import type { Logger } from '../log/logger.ts'
import type { Counter } from '../metrics/metrics.ts'
import type { Host } from '../p2p/create-host.ts'
import type { TopicRouter } from '../pubsub/topic-router.ts'
import type { DhtPresence } from './dht-presence.ts'
import { networkTopic } from './network-gossip.ts'
import type { NetworkStore } from './network-store.ts'
import { parseDescriptor, type SignedDescriptor } from './records.ts'
import type { NetState, Registry } from './registry.ts'
import type { Sync } from './sync.ts'

/** Members a change is pushed to directly (besides gossip), and how long the caller waits for it. */
const PUSH_FANOUT = 3
const PUSH_WAIT_MS = 5_000
/** Members dialled when none is connected, per attempt. */
const DIAL_FANOUT = 4
const PRUNE_INTERVAL_MS = 60_000

export interface AntiEntropyComponents {
  host: Host
  registry: Pick<Registry, 'list'>
  sync: Pick<Sync, 'syncWith'>
  store: Pick<NetworkStore, 'pruneByAge'>
  router: Pick<TopicRouter, 'subscribers'>
  presence: Pick<DhtPresence, 'providers'>
  logger: Logger
  /** Exchanges by result (ok, refused, failed). */
  syncs: Counter
  selfDid: string
  dialTimeoutMs: number
  /** Aborted when the networks subsystem stops. */
  signal: AbortSignal
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[items[i], items[j]] = [items[j] as T, items[i] as T]
  }
  return items
}

export function createAntiEntropy(c: AntiEntropyComponents) {
  const self = c.selfDid
  const inflight = new Map<string, Promise<boolean>>()
  let lastPrune = 0

  function connectedDids(): Set<string> {
    const out = new Set<string>()
    for (const conn of c.host.getConnections()) {
      const did = tryDidFromPeerId(conn.remotePeer)
      if (did != null) out.add(did)
    }
    return out
  }

  function connectedMembers(state: NetState): string[] {
    const connected = connectedDids()
    return [...state.view.members.keys()].filter((did) => did !== self && connected.has(did))
  }

  /**
   * Connects to a peer unless it is connected already. The peer is dialled only with addresses (known,
   * or found by DHT peer routing first): a dial by bare peer id would sit in peer routing, and every
   * other dial of that peer (a bootstrap dial with the right address) would join it and wait too.
   */
  async function reach(did: string): Promise<boolean> {
    const peerId = peerIdFromDid(did)
    if (c.host.getConnections(peerId).length > 0) return true
    const signal = AbortSignal.any([c.signal, AbortSignal.timeout(c.dialTimeoutMs)])
    try {
      const known = await c.host.peerStore.get(peerId).catch(() => undefined)
      if ((known?.addresses.length ?? 0) === 0) {
        const found = await c.host.peerRouting.findPeer(peerId, { signal })
        if (found.multiaddrs.length === 0) return false
        await c.host.peerStore.merge(peerId, { multiaddrs: found.multiaddrs })
      }
      await c.host.dial(peerId, { signal })
      return true
    } catch (err) {
      c.logger.debug({ peer: did, err: (err as Error).message }, 'could not reach a member')
      return false
    }
  }

  /** One exchange with a peer about a network (de-duplicated while one is running). */
  function syncNow(did: string, id: string): Promise<boolean> {
    const key = `${did} ${id}`
    const running = inflight.get(key)
    if (running != null) return running
    const started = reach(did)
      .then((reached) => {
        if (!reached) throw new Error('peer not reachable')
        return c.sync.syncWith(did, id, c.signal)
      })
      .then(
        (result) => {
          c.syncs.inc({ result: result.reason == null ? 'ok' : 'refused' })
          if (result.fetched > 0)
            c.logger.info({ network: id, peer: did, fetched: result.fetched }, 'fetched missed broadcasts')
          return result.reason == null
        },
        (err: unknown) => {
          c.syncs.inc({ result: 'failed' })
          c.logger.debug({ network: id, peer: did, err: (err as Error).message }, 'network sync failed')
          return false
        },
      )
      .finally(() => inflight.delete(key))
    inflight.set(key, started)
    return started
  }

  /** Peers that may hold a network: connected topic subscribers, then DHT providers (lazily). */
  async function* candidates(id: string, first: string[]): AsyncGenerator<string> {
    const seen = new Set<string>([self])
    const fresh = (did: string | undefined): did is string => {
      if (did == null || seen.has(did)) return false
      seen.add(did)
      return true
    }
    for (const did of first) if (fresh(did)) yield did
    for (const peer of c.router.subscribers(networkTopic(id))) {
      const did = tryDidFromPeerId(peer)
      if (fresh(did)) yield did
    }
    try {
      for await (const event of c.presence.providers(id)) {
        if (event.name !== 'PROVIDER') continue
        for (const p of event.providers) {
          const did = tryDidFromPeerId(p.id)
          if (!fresh(did)) continue
          if (p.multiaddrs.length > 0)
            await c.host.peerStore.merge(p.id, { multiaddrs: p.multiaddrs }).catch(() => undefined)
          yield did
        }
      }
    } catch (err) {
      c.logger.debug({ network: id, err: (err as Error).message }, 'provider lookup ended')
    }
  }

  /** Syncs with `fanout` connected members; with none connected, dials known members and providers. */
  async function catchUp(state: NetState, fanout = PUSH_FANOUT): Promise<void> {
    const connected = shuffle(connectedMembers(state)).slice(0, fanout)
    if (connected.length > 0) {
      await Promise.allSettled(connected.map((did) => syncNow(did, state.id)))
      return
    }
    const known = shuffle([...state.view.members.keys()].filter((did) => did !== self)).slice(0, DIAL_FANOUT)
    let reached = 0
    for await (const did of candidates(state.id, known)) {
      if (c.signal.aborted || reached >= PUSH_FANOUT) break
      if (await syncNow(did, state.id)) reached++
    }
  }

  return {
    catchUp,

    /** Pushes local changes to connected members (and `also`), waiting at most PUSH_WAIT_MS. */
    async push(state: NetState, also: string[] = []): Promise<void> {
      const targets = new Set(also.filter((did) => did !== self))
      for (const did of shuffle(connectedMembers(state))) {
        if (targets.size >= PUSH_FANOUT + also.length) break
        targets.add(did)
      }
      if (targets.size === 0) return
      await waitAtMost(Promise.allSettled([...targets].map((did) => syncNow(did, state.id))), PUSH_WAIT_MS)
    },

    /** The descriptor and operations of an unknown network, from the first peer that serves it. */
    async discover(
      id: string,
      hint: string | undefined,
    ): Promise<{ descriptor: SignedDescriptor; text: string; ops: string[] } | undefined> {
      for await (const did of candidates(id, hint != null ? [hint] : [])) {
        try {
          if (!(await reach(did))) continue
          const result = await c.sync.syncWith(did, id, c.signal)
          if (result.reason != null) continue
          return {
            descriptor: await parseDescriptor(result.descriptor, id),
            text: result.descriptor,
            ops: result.ops,
          }
        } catch (err) {
          c.logger.debug(
            { network: id, peer: did, err: (err as Error).message },
            'could not fetch the network from a peer',
          )
        }
      }
      return undefined
    },

    /** A peer connected: sync every network we share with it. */
    peerConnected(did: string): void {
      for (const state of c.registry.list())
        if (state.view.members.has(self) && state.view.members.has(did)) void syncNow(did, state.id)
    },

    /** The periodic round: one member per network, and history pruned now and then. */
    tick(): void {
      for (const state of c.registry.list()) {
        if (!state.view.members.has(self) || state.view.members.size < 2) continue
        void catchUp(state, 1).catch(() => undefined)
      }
      if (Date.now() - lastPrune >= PRUNE_INTERVAL_MS) {
        lastPrune = Date.now()
        c.store
          .pruneByAge()
          .then((n) => n > 0 && c.logger.debug({ dropped: n }, 'pruned network history'))
          .catch((err: unknown) => c.logger.warn({ err }, 'history prune failed'))
      }
    },

    /** Waits for the exchanges still running (after the stop signal aborted them). */
    settled: () => Promise.allSettled([...inflight.values()]),
  }
}

export type AntiEntropy = ReturnType<typeof createAntiEntropy>
