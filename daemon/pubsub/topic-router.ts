// The daemon's one listener on GossipSub messages, dispatching by topic. A topic is subscribed while at
// least one handler wants it (reference counting) and left when the last one goes. Public pub/sub
// topics and the internal topics of networks both go through here, each with its owner's validator,
// which GossipSub runs before a message is delivered or forwarded.

import type { GossipSub, Message, PublishResult, SignedMessage, TopicValidatorFn } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'

export type TopicHandler = (msg: SignedMessage) => void

export interface TopicRouter {
  /**
   * Starts receiving a topic's messages (subscribing on the first handler, with `validator` if given);
   * returns the function that stops (unsubscribing after the last handler).
   */
  join(topic: string, handler: TopicHandler, validator?: TopicValidatorFn): () => void
  isJoined(topic: string): boolean
  publish(topic: string, data: Uint8Array): Promise<PublishResult>
  /** Peers known to be subscribed to the topic. */
  subscribers(topic: string): PeerId[]
  stop(): void
}

/**
 * A topic with at most this many subscribed peers (GossipSub's Dhi) gets each message straight from
 * its publisher to every one of them (flood publishing); a larger one through the publisher's mesh
 * (D = 6), as every other hop does. Flooding a 10-member network saves a hop; flooding a 30-host one
 * sent each broadcast 29 times from its sender, on top of the mesh copies, and at 10 broadcasts/s the
 * BroadcastNetwork call p50 went from 1.9 s to 22.4 s and only 24% of deliveries came within 10 s
 * (100% without flooding; docs/benchmarks.md). The host turns flooding off by default.
 */
export const FLOOD_PUBLISH_MAX_PEERS = 12

/** GossipSub's publish takes per-message options its public type does not declare. */
type PublishWithOptions = (
  topic: string,
  data: Uint8Array,
  opts: { floodPublish: boolean },
) => Promise<PublishResult>

export function createTopicRouter(pubsub: GossipSub): TopicRouter {
  const handlers = new Map<string, Set<TopicHandler>>()

  const onMessage = (evt: CustomEvent<Message>): void => {
    const msg = evt.detail
    // The host runs GossipSub with StrictSign: unsigned messages never get this far.
    if (msg.type !== 'signed') return
    const set = handlers.get(msg.topic)
    if (set != null) for (const handler of set) handler(msg)
  }
  pubsub.addEventListener('message', onMessage)

  return {
    join(topic, handler, validator) {
      let set = handlers.get(topic)
      if (set == null) {
        set = new Set()
        handlers.set(topic, set)
        if (validator != null) pubsub.topicValidators.set(topic, validator)
        pubsub.subscribe(topic)
      }
      set.add(handler)
      const joined = set
      let left = false
      return () => {
        if (left) return
        left = true
        joined.delete(handler)
        if (joined.size > 0 || handlers.get(topic) !== joined) return
        handlers.delete(topic)
        try {
          pubsub.unsubscribe(topic)
        } catch {
          // the host is stopping
        }
        pubsub.topicValidators.delete(topic)
      }
    },
    isJoined: (topic) => handlers.has(topic),
    publish: (topic, data) => {
      const floodPublish = pubsub.getSubscribers(topic).length <= FLOOD_PUBLISH_MAX_PEERS
      return (pubsub.publish as PublishWithOptions).call(pubsub, topic, data, { floodPublish })
    },
    subscribers: (topic) => pubsub.getSubscribers(topic),
    stop() {
      pubsub.removeEventListener('message', onMessage)
    },
  }
}
