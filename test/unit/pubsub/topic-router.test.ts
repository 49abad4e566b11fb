// daemon/pubsub/topic-router.ts: a message to a small topic is flood-published (every subscribed peer
// straight from the publisher), to a large one through the publisher's mesh.
import type { GossipSub } from '@libp2p/gossipsub'
import { describe, expect, it } from 'vitest'
import { createTopicRouter, FLOOD_PUBLISH_MAX_PEERS } from '../../../daemon/pubsub/topic-router.ts'

function stubPubsub(subscribers: number) {
  const published: Array<{ topic: string; opts: unknown }> = []
  const pubsub = {
    addEventListener() {},
    removeEventListener() {},
    getSubscribers: () => Array.from({ length: subscribers }, (_, i) => `peer-${i}`),
    async publish(topic: string, _data: Uint8Array, opts: unknown) {
      published.push({ topic, opts })
      return { recipients: [] }
    },
  }
  return { pubsub: pubsub as unknown as GossipSub, published }
}

describe('topic router publishing', () => {
  it('floods a topic of up to FLOOD_PUBLISH_MAX_PEERS subscribers', async () => {
    const { pubsub, published } = stubPubsub(FLOOD_PUBLISH_MAX_PEERS)
    await createTopicRouter(pubsub).publish('/t', new Uint8Array([1]))
    expect(published).toEqual([{ topic: '/t', opts: { floodPublish: true } }])
  })

  it('publishes to a larger topic through the mesh only', async () => {
    const { pubsub, published } = stubPubsub(FLOOD_PUBLISH_MAX_PEERS + 1)
    await createTopicRouter(pubsub).publish('/t', new Uint8Array([1]))
    expect(published).toEqual([{ topic: '/t', opts: { floodPublish: false } }])
  })
})
