// A bare libp2p node with GossipSub (strict signing, as the daemons run it) for hostile pub/sub tests:
// it publishes hand-made data on any topic, including a network's internal one, to a real daemon.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { type GossipSub, gossipsub, StrictSign } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import { createIdentity, type Identity } from '../../daemon/identity/identity.ts'
import { createLoopbackNode } from './raw-peer.ts'
import { waitFor } from './wait-for.ts'

export interface RawGossipPeer {
  node: Libp2p<{ pubsub: GossipSub; identify: unknown }>
  identity: Identity
  /** Connects to a daemon, subscribes to `topic` and waits until the daemon is known to be on it. */
  join(target: string, topic: string): Promise<void>
  publish(topic: string, data: Uint8Array): Promise<number>
  stop(): Promise<void>
}

export async function createRawGossipPeer(): Promise<RawGossipPeer> {
  const privateKey = await generateKeyPair('Ed25519')
  const node: RawGossipPeer['node'] = await createLoopbackNode(privateKey, {
    identify: identify(),
    pubsub: gossipsub({ globalSignaturePolicy: StrictSign, allowPublishToZeroTopicPeers: true }),
  })
  return {
    node,
    identity: createIdentity(privateKey),
    async join(target, topic) {
      const addr = multiaddr(target)
      await node.dial(addr)
      node.services.pubsub.subscribe(topic)
      const daemon = addr.getComponents().find((c) => c.name === 'p2p')?.value
      await waitFor(
        () => node.services.pubsub.getSubscribers(topic).some((p) => p.toString() === daemon),
        10_000,
        'the daemon on the topic',
      )
    },
    async publish(topic, data) {
      return (await node.services.pubsub.publish(topic, data)).recipients.length
    },
    stop: async () => {
      await node.stop()
    },
  }
}
