// A bare libp2p node that speaks the moltmesh DHT protocol but accepts and serves any record: hostile
// tests use it to inject forged, replayed and expired records into a mesh of real daemons.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { type KadDHT, kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import { createIdentity, type Identity } from '../../daemon/identity/identity.ts'
import { DHT_PROTOCOL } from '../../daemon/p2p/create-host.ts'
import { createLoopbackNode } from './raw-peer.ts'

export interface RawDhtPeer {
  node: Libp2p<{ dht: KadDHT; identify: unknown; ping: unknown }>
  identity: Identity
  connect(address: string): Promise<void>
  /** Stores a record here and sends it to the closest peers (they validate it; this node does not). */
  put(key: Uint8Array, value: Uint8Array): Promise<void>
  stop(): Promise<void>
}

const acceptAnything = async (): Promise<void> => undefined
const firstRecord = (): number => 0

export async function createRawDhtPeer(): Promise<RawDhtPeer> {
  const privateKey = await generateKeyPair('Ed25519')
  const node: RawDhtPeer['node'] = await createLoopbackNode(privateKey, {
    identify: identify(),
    ping: ping(),
    dht: kadDHT({
      protocol: DHT_PROTOCOL,
      clientMode: false,
      peerInfoMapper: passthroughMapper,
      validators: { 'mm-card': acceptAnything, 'mm-name': acceptAnything },
      selectors: { 'mm-card': firstRecord, 'mm-name': firstRecord },
    }),
  })
  await node.services.dht.setMode('server')
  return {
    node,
    identity: createIdentity(privateKey),
    async connect(address) {
      await node.dial(multiaddr(address))
    },
    async put(key, value) {
      try {
        for await (const _ of node.services.dht.put(key, value, { signal: AbortSignal.timeout(5_000) })) {
          // drain
        }
      } catch {
        // Refusals by the daemons are the point of the test.
      }
    },
    stop: async () => {
      await node.stop()
    },
  }
}
