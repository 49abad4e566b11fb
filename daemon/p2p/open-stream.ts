// Opening a moltmesh protocol stream to a peer. libp2p's dialProtocol reuses only unlimited
// connections: with a peer reached through a relay (a limited connection) it dials again, which
// builds a whole new circuit through the relay (hop, stop, Noise, Yamux) only for libp2p to drop it
// as a duplicate of the one it already has. Per message, card fetch or blob download that is several
// round trips through the relay, and on a busy relay (its inbound-connection rate limit counts every
// circuit) the handshakes time out: a 10 MiB artifact could not be fetched from a NATed peer the task
// had just come from. Every moltmesh protocol runs on limited connections, so use the connection we
// have (a direct one first) and dial only when there is none.

import type { PeerId, Stream } from '@libp2p/interface'
import type { Host } from './create-host.ts'

export async function openProtocolStream(
  host: Host,
  peer: PeerId,
  protocol: string,
  options: { signal: AbortSignal },
): Promise<Stream> {
  const open = host.getConnections(peer).filter((conn) => conn.status === 'open')
  const conn = open.find((c) => c.limits == null) ?? open[0]
  if (conn != null) {
    try {
      return await conn.newStream(protocol, { signal: options.signal, runOnLimitedConnection: true })
    } catch (err) {
      // The connection closed under us, or its muxer refused: a fresh dial may still work.
      options.signal.throwIfAborted()
      if ((err as Error).name === 'UnsupportedProtocolError') throw err
    }
  }
  return host.dialProtocol(peer, protocol, { signal: options.signal, runOnLimitedConnection: true })
}
