// Pub/sub RPCs of Ext: proto <-> topic messages, nothing else.

import type { ExtService } from '../../clients/ts/gen/moltmesh/v1/ext.ts'
import type { BroadcastMessage } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import type { PubsubService } from '../pubsub/pubsub-service.ts'
import type { TopicMessageRecord } from '../pubsub/records.ts'
import type { ServiceHandlers } from './service-types.ts'

export function topicMessageProto(m: TopicMessageRecord): BroadcastMessage {
  return {
    id: m.id,
    topic: m.topic,
    from: m.from,
    payload: Buffer.from(m.payload),
    sentAtMs: m.sentAtMs,
    // Topics are live only: there is no stored history to resume in.
    cursor: '',
  }
}

export function pubsubAdapter(pubsub: PubsubService) {
  return {
    publish: (req) => pubsub.publish(req.topic, req.payload),
    async *subscribeTopic(req, ctx) {
      for await (const m of pubsub.subscribe(req.topic, ctx.signal)) yield { message: topicMessageProto(m) }
    },
    listTopics: () => ({ topics: pubsub.listTopics() }),
  } satisfies ServiceHandlers<typeof ExtService>
}
