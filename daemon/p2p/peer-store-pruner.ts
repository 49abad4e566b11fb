// Bounds libp2p's peer store. libp2p keeps an entry (addresses, protocols, keys, metadata) for every
// peer that ever connected or was ever mentioned by a DHT response, and never forgets one: an
// attacker churning identities (connect, disconnect, new key) grew it, and the daemon's memory with
// it, without limit (issue 15, item 8). Past `maxPeers`, peers that are not connected and that
// nothing keeps are deleted: any tag means something keeps the peer (kad-dht tags its routing-table
// peers, relay reservations and bootstrap peers are tagged too). Those never identified (no
// protocols) go first, then the others in the order the store lists them.

import type { Peer } from '@libp2p/interface'
import type { Logger } from '../log/logger.ts'
import type { Host } from './create-host.ts'

/** Pruning brings the store down to this share of the cap, so it does not run on every disconnect. */
const LOW_WATER = 0.9
/** Disconnects settle for this long before the store is checked. */
const DEBOUNCE_MS = 1_000
/** Peers also arrive without connecting (named in DHT responses): check now and then regardless. */
const CHECK_INTERVAL_MS = 60_000

export interface PeerStorePrunerComponents {
  host: Host
  logger: Logger
}

export function createPeerStorePruner(c: PeerStorePrunerComponents, o: { maxPeers: number }) {
  let timer: NodeJS.Timeout | undefined
  let interval: NodeJS.Timeout | undefined
  let known = 0
  let running: Promise<number> | undefined
  let stopped = false
  let pruned = 0

  const kept = (peer: Peer) => peer.tags.size > 0 || c.host.getConnections(peer.id).length > 0

  /** Deletes forgettable peers while the store is over the cap; resolves with how many. */
  async function prune(): Promise<number> {
    const peers = await c.host.peerStore.all()
    known = peers.length
    if (peers.length <= o.maxPeers) return 0
    const excess = peers.length - Math.floor(o.maxPeers * LOW_WATER)
    const candidates = peers
      .filter((p) => !kept(p) && !p.id.equals(c.host.peerId))
      .sort((a, b) => Number(a.protocols.length > 0) - Number(b.protocols.length > 0))
    let removed = 0
    for (const peer of candidates) {
      if (removed >= excess || stopped) break
      // Connected again since the listing: keep it.
      if (c.host.getConnections(peer.id).length > 0) continue
      await c.host.peerStore.delete(peer.id)
      removed++
    }
    pruned += removed
    known = peers.length - removed
    c.logger.debug({ before: peers.length, removed, max: o.maxPeers }, 'peer store pruned')
    return removed
  }

  function schedule(): void {
    if (stopped || timer != null) return
    timer = setTimeout(() => {
      timer = undefined
      if (running != null) return schedule()
      running = prune()
        .catch((err: Error) => {
          c.logger.warn({ err: err.message }, 'peer store pruning failed')
          return 0
        })
        .finally(() => {
          running = undefined
        })
    }, DEBOUNCE_MS)
    timer.unref()
  }

  return {
    prune,
    /** Peers deleted so far. */
    pruned: () => pruned,
    /** Peers in the store at the last check. */
    known: () => known,
    start(): void {
      stopped = false
      c.host.addEventListener('peer:disconnect', schedule)
      interval = setInterval(schedule, CHECK_INTERVAL_MS)
      interval.unref()
      schedule()
    },
    async stop(): Promise<void> {
      stopped = true
      clearTimeout(timer)
      clearInterval(interval)
      c.host.removeEventListener('peer:disconnect', schedule)
      await running
    },
  }
}

export type PeerStorePruner = ReturnType<typeof createPeerStorePruner>
