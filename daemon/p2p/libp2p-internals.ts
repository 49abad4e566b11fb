// The two libp2p internals that joining the public network needs and the public Libp2p type does not
// expose: the address manager's per-address verification state (which addresses AutoNAT confirmed,
// which were only observed by peers) and the transport manager's `listen` (a `/p2p-circuit` listen
// address is how libp2p is asked to reserve a relay slot, and that is decided at run time, once the
// daemon knows it is behind NAT). Kept in one file so a libp2p upgrade has one place to check.

import type { Multiaddr } from '@multiformats/multiaddr'
import type { Host } from './create-host.ts'

export interface AddressWithMetadata {
  multiaddr: Multiaddr
  /** Confirmed dialable (AutoNAT, an announce address, or private/relay addresses, which need none). */
  verified: boolean
  type: 'transport' | 'observed' | 'announce' | 'ip-mapping' | 'dns-mapping'
  /** 0 until first checked; after an AutoNAT verdict, when it should be checked again. */
  expires: number
}

interface Internals {
  addressManager: { getAddressesWithMetadata(): AddressWithMetadata[] }
  transportManager: { listen(addrs: Multiaddr[]): Promise<void> }
}

function internals(host: Host): Internals {
  const components = (host as unknown as { components?: Internals }).components
  if (components?.addressManager == null || components.transportManager == null)
    throw new Error('this libp2p version does not expose its address and transport managers')
  return components
}

export function addressesWithMetadata(host: Host): AddressWithMetadata[] {
  return internals(host).addressManager.getAddressesWithMetadata()
}

export function listenOn(host: Host, addrs: Multiaddr[]): Promise<void> {
  return internals(host).transportManager.listen(addrs)
}
