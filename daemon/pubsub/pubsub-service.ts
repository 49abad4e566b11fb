// Public pub/sub as the API sees it: Publish, SubscribeTopic (live streams) and ListTopics. A topic is
// joined on its first local subscriber stream and left when the last one ends. Every message delivered
// on a subscribed topic — from a peer, or published by this daemon while it has subscribers — becomes a
// `topic.message` event, and the streams read those events.

import { type SignedMessage, type TopicValidatorFn, TopicValidatorResult } from '@libp2p/gossipsub'
import { newId } from '../common/ids.ts'
import type { PubsubOptions } from '../config/options.ts'
import { MoltmeshError } from '../errors/moltmesh-error.ts'
import type { EventBus } from '../events/event-bus.ts'
import { eventQueue } from '../events/event-queue.ts'
import { tryDidFromPeerId } from '../identity/did.ts'
import type { Logger } from '../log/logger.ts'
import type { Metrics } from '../metrics/metrics.ts'
import { TopicMessage } from '../wire/gen/moltmesh/wire/v1/pubsub.ts'
import { strictReader } from '../wire/strict-utf8.ts'
import type { TopicMessageRecord } from './records.ts'
import type { TopicRouter } from './topic-router.ts'
import { checkPayload, checkTopic } from './topics.ts'

export interface PubsubComponents {
  router: TopicRouter
  events: EventBus
  logger: Logger
  metrics: Metrics
  selfDid: string
}

export interface TopicInfo {
  topic: string
  peerCount: number
  localSubscribers: number
}

const MAX_ID_LENGTH = 128

export function createPubsubService(c: PubsubComponents, options: PubsubOptions) {
  const hostile = c.metrics.counter(
    'moltmesh_hostile_input_total',
    'Rejected hostile or malformed peer input, by reason',
  )
  const messages = c.metrics.counter('moltmesh_pubsub_messages_total', 'Topic messages, by direction')
  /** Local subscriber streams per joined topic, and how to leave it. */
  const joined = new Map<string, { streams: number; leave: () => void }>()
  /** Decoded by the validator, picked up by the handler (GossipSub hands both the same object). */
  const decoded = new WeakMap<SignedMessage, TopicMessage>()

  const reject = (reason: string, peer: string): TopicValidatorResult => {
    hostile.inc({ protocol: 'pubsub', reason })
    c.logger.warn({ peer, reason }, 'rejected topic message')
    return TopicValidatorResult.Reject
  }

  const validate: TopicValidatorFn = (peer, msg) => {
    if (msg.type !== 'signed' || tryDidFromPeerId(msg.from) == null)
      return reject('NOT_ED25519', peer.toString())
    let m: TopicMessage
    try {
      m = TopicMessage.decode(strictReader(msg.data))
    } catch {
      return reject('MALFORMED', peer.toString())
    }
    if (m.id === '' || m.id.length > MAX_ID_LENGTH) return reject('MALFORMED', peer.toString())
    if (m.payload.length > options.maxPayloadBytes) return reject('PAYLOAD_TOO_LARGE', peer.toString())
    decoded.set(msg, m)
    return TopicValidatorResult.Accept
  }

  function deliver(message: TopicMessageRecord): void {
    messages.inc({ direction: 'in' })
    c.events.emit('topic.message', { message })
  }

  const onMessage = (msg: SignedMessage): void => {
    const m = decoded.get(msg)
    const from = tryDidFromPeerId(msg.from)
    if (m == null || from == null) return
    deliver({ id: m.id, topic: msg.topic, from, payload: m.payload, sentAtMs: m.sentAtMs })
  }

  function acquire(topic: string): void {
    const entry = joined.get(topic)
    if (entry != null) {
      entry.streams++
      return
    }
    if (joined.size >= options.maxTopics)
      throw new MoltmeshError(
        'resource_exhausted',
        'TOO_MANY_TOPICS',
        `the daemon is subscribed to ${joined.size} topics, the limit (pubsub.max_topics)`,
      )
    joined.set(topic, { streams: 1, leave: c.router.join(topic, onMessage, validate) })
    c.logger.debug({ topic }, 'joined topic')
  }

  function release(topic: string): void {
    const entry = joined.get(topic)
    if (entry == null) return
    if (--entry.streams > 0) return
    joined.delete(topic)
    entry.leave()
    c.logger.debug({ topic }, 'left topic')
  }

  return {
    async publish(topic: string, payload: Uint8Array): Promise<{ id: string; recipients: number }> {
      checkTopic(topic)
      checkPayload(payload, options.maxPayloadBytes)
      const now = Date.now()
      const id = newId('pub', now)
      const data = TopicMessage.encode({ id, sentAtMs: now, payload: Buffer.from(payload) }).finish()
      const result = await c.router.publish(topic, data)
      messages.inc({ direction: 'out' })
      // Local subscribers see what this daemon publishes too (GossipSub never echoes it back).
      if (joined.has(topic)) deliver({ id, topic, from: c.selfDid, payload, sentAtMs: now })
      return { id, recipients: result.recipients.length }
    },

    /** Live messages on a topic until `signal` aborts; the topic is joined for as long as this runs. */
    async *subscribe(topic: string, signal: AbortSignal): AsyncGenerator<TopicMessageRecord> {
      checkTopic(topic)
      const live = eventQueue<TopicMessageRecord>(
        (push) =>
          c.events.on('topic.message', ({ message }) => {
            if (message.topic === topic) push(message)
          }),
        signal,
      )
      try {
        acquire(topic)
      } catch (err) {
        live.close()
        throw err
      }
      try {
        yield* live
      } finally {
        live.close()
        release(topic)
      }
    },

    listTopics(): TopicInfo[] {
      return [...joined].map(([topic, entry]) => ({
        topic,
        peerCount: c.router.subscribers(topic).length,
        localSubscribers: entry.streams,
      }))
    },

    stop(): void {
      for (const entry of joined.values()) entry.leave()
      joined.clear()
    },
  }
}

export type PubsubService = ReturnType<typeof createPubsubService>
