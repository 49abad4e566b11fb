// A bare libp2p node for hostile-peer tests: it speaks the moltmesh wire protocols by hand, so tests
// can send forged, replayed, oversized and garbage frames to a real daemon.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Ed25519PrivateKey, PrivateKey, ServiceMap } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p, type Libp2pOptions } from 'libp2p'
import { createIdentity, type Identity } from '../../daemon/identity/identity.ts'

export interface RawPeer {
  node: Libp2p
  identity: Identity
  /** Opens a stream and returns a length-prefixed reader/writer on it. */
  open(
    target: string,
    protocol: string,
    maxDataLength?: number,
  ): Promise<ReturnType<typeof lpStream> & { closed(): Promise<boolean> }>
  stop(): Promise<void>
}

/**
 * A started libp2p node listening on 127.0.0.1 with the daemons' transport, encryption and muxer, and
 * the given services: the base of every hand-driven peer (this file, raw-dht-peer.ts, raw-gossip-peer.ts).
 */
export async function createLoopbackNode<S extends ServiceMap = ServiceMap>(
  privateKey: PrivateKey,
  services?: Libp2pOptions<S>['services'],
): Promise<Libp2p<S>> {
  const node = await createLibp2p<S>({
    privateKey,
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services,
  })
  await node.start()
  return node
}

export async function createRawPeer(key?: Ed25519PrivateKey): Promise<RawPeer> {
  const privateKey = key ?? (await generateKeyPair('Ed25519'))
  const node = await createLoopbackNode(privateKey)
  return {
    node,
    identity: createIdentity(privateKey),
    async open(target, protocol, maxDataLength = 64 * 1024 * 1024) {
      const stream = await node.dialProtocol(multiaddr(target), protocol)
      const lp = lpStream(stream, { maxDataLength })
      return Object.assign(lp, {
        /** Resolves true once the remote has closed or reset the stream. */
        async closed() {
          try {
            await lp.read({ signal: AbortSignal.timeout(5_000) })
            return false
          } catch (err) {
            return (err as Error).name !== 'TimeoutError'
          }
        },
      })
    },
    stop: async () => {
      await node.stop()
    },
  }
}
