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

/**
 * Wraps a libp2p service factory so its dial-backs open a new connection. AutoNAT (v1) answers a
 * peer's "dial me back at this address" with `openConnection(address)` and closes that connection
 * afterwards; libp2p hands back the connection it already has to that peer (a TCP one, even when
 * the address asked for is QUIC), so AutoNAT checked the wrong address and then closed our own
 * connection to the peer. A NATed daemon's connection to its relay (which keeps verifying its
 * addresses with its peers) was closed every few seconds: relay reservations, DHT routing-table
 * entries and records in flight were lost with it (the join-the-world failures). Forced, the
 * dial-back goes to exactly the address asked for, and closing it closes nothing else. Dials of
 * several addresses at once (AutoNAT looking for new peers) are left alone.
 */
export function withFreshDialBacks<S>(factory: (components: never) => S): (components: never) => S {
  return (components) => {
    const target = components as Record<string, unknown>
    const manager = target.connectionManager as {
      openConnection(peer: unknown, options?: Record<string, unknown>): Promise<unknown>
    }
    const dialBack = (peer: unknown, options?: Record<string, unknown>) =>
      manager.openConnection(peer, Array.isArray(peer) ? options : { ...options, force: true })
    const forced = new Proxy(manager, {
      get: (m, prop) => {
        if (prop === 'openConnection') return dialBack
        const value = Reflect.get(m, prop)
        return typeof value === 'function' ? value.bind(m) : value
      },
    })
    const wrapped = new Proxy(target, {
      get: (t, prop, receiver) => (prop === 'connectionManager' ? forced : Reflect.get(t, prop, receiver)),
    })
    return factory(wrapped as never)
  }
}
