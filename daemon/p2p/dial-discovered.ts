// libp2p (v2 and later) does not dial peers that discovery finds: mDNS would announce LAN peers that
// nobody connects to. Dial each newly discovered peer (retrying a peer only after a pause) while the
// node has fewer than a modest number of connections — the old libp2p "min connections" behaviour, not
// a dial to every peer a DHT query happens to mention.

import type { PeerId } from '@libp2p/interface'
import type { Logger } from '../log/logger.ts'
import type { Host } from './create-host.ts'

const RETRY_AFTER_MS = 60_000
const DIAL_TIMEOUT_MS = 10_000
const LOW_WATER = 25

export function dialDiscoveredPeers(host: Host, logger: Logger, maxConnections: number): () => void {
  const lastTried = new Map<string, number>()
  const onDiscovery = (evt: CustomEvent<{ id: PeerId }>) => {
    const peer = evt.detail.id
    const key = peer.toString()
    const now = Date.now()
    if (peer.equals(host.peerId) || host.getConnections(peer).length > 0) return
    if (now - (lastTried.get(key) ?? 0) < RETRY_AFTER_MS) return
    if (host.getConnections().length >= Math.min(LOW_WATER, maxConnections / 2)) return
    lastTried.set(key, now)
    if (lastTried.size > 10_000) lastTried.delete(lastTried.keys().next().value as string)
    host.dial(peer, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) }).then(
      () => logger.debug({ peer: key }, 'connected to discovered peer'),
      (err: Error) => logger.debug({ peer: key, err: err.message }, 'could not dial discovered peer'),
    )
  }
  host.addEventListener('peer:discovery', onDiscovery)
  return () => host.removeEventListener('peer:discovery', onDiscovery)
}
