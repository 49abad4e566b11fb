// Listen addresses derived from the p2p options: explicit `listen` wins; otherwise one address per
// enabled transport on host:port (TCP and QUIC share the port number; they are different protocols).

import type { P2pOptions } from '../config/options.ts'

export function listenAddresses(p2p: P2pOptions): string[] {
  if (p2p.listen.length > 0) return [...p2p.listen]
  const out: string[] = []
  const family = p2p.host.includes(':') ? 'ip6' : 'ip4'
  for (const transport of p2p.transports) {
    if (transport === 'tcp') out.push(`/${family}/${p2p.host}/tcp/${p2p.port}`)
    if (transport === 'quic') out.push(`/${family}/${p2p.host}/udp/${p2p.port}/quic-v1`)
  }
  return out
}
