// The public IPFS (Amino) DHT as a second, separate kad-dht service: client mode on /ipfs/kad/1.0.0,
// its own log, datastore and metrics prefixes, and the default mapper that drops private addresses
// (what public DHT servers do too). It is hidden from libp2p's compound content and peer routing and
// from peer discovery: `node.contentRouting.provide/put` would otherwise write moltmesh records into
// Amino, every peer an Amino query passes would be "discovered" (and dialed by dial-discovered.ts), and
// every moltmesh peer lookup would run a second query against the whole IPFS network. The daemon uses
// it only for the rendezvous record (rendezvous.ts), by calling the service directly.

import { contentRoutingSymbol, peerDiscoverySymbol, peerRoutingSymbol } from '@libp2p/interface'
import { type KadDHT, type KadDHTComponents, kadDHT } from '@libp2p/kad-dht'

/** The public DHT's protocol id (Amino). */
export const PUBLIC_DHT_PROTOCOL = '/ipfs/kad/1.0.0'

const HIDDEN: ReadonlySet<PropertyKey> = new Set([
  contentRoutingSymbol,
  peerRoutingSymbol,
  peerDiscoverySymbol,
])

export function publicDht(): (components: KadDHTComponents) => KadDHT {
  const create = kadDHT({
    protocol: PUBLIC_DHT_PROTOCOL,
    // A moltmesh daemon never serves the public DHT: it only provides and looks up one record.
    clientMode: true,
    logPrefix: 'libp2p:public-dht',
    datastorePrefix: '/public-dht',
    metricsPrefix: 'libp2p_public_dht',
  })
  return (components) => {
    const dht = create(components)
    return new Proxy(dht, {
      get(target, prop) {
        if (HIDDEN.has(prop)) return undefined
        const value = Reflect.get(target, prop, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  }
}
