// Describes libp2p connections the way the API reports them.

import type { Connection } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type TransportLabel = 'tcp' | 'quic' | 'relay' | 'other'

/** The transport of a connection, read from its remote multiaddr. */
export function transportOf(addr: Multiaddr): TransportLabel {
  const s = addr.toString()
  if (s.includes('/p2p-circuit')) return 'relay'
  if (s.includes('/quic-v1') || s.includes('/quic/')) return 'quic'
  if (s.includes('/tcp/')) return 'tcp'
  return 'other'
}

/** Prefers direct connections, then QUIC over TCP, so reports show the best path in use. */
export function bestConnection(connections: Connection[]): Connection | undefined {
  const rank = (c: Connection): number => {
    const t = transportOf(c.remoteAddr)
    return t === 'quic' ? 0 : t === 'tcp' ? 1 : t === 'relay' ? 3 : 2
  }
  return [...connections].filter((c) => c.status === 'open').sort((a, b) => rank(a) - rank(b))[0]
}
