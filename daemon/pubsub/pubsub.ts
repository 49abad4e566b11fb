// The pub/sub subsystem: the topic router over the host's GossipSub (shared with networks) and the
// public topic service. createPubsub(components, options) returns both plus its lifecycle (the
// router follows GossipSub, which starts with the host: nothing to start here).

import type { PubsubOptions } from '../config/options.ts'
import type { EventBus } from '../events/event-bus.ts'
import type { Logger } from '../log/logger.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { Host } from '../p2p/create-host.ts'
import { createPubsubService } from './pubsub-service.ts'
import { createTopicRouter } from './topic-router.ts'

export interface PubsubSubsystemComponents {
  host: Host
  events: EventBus
  logger: Logger
  metrics: Metrics
  selfDid: string
}

export function createPubsub(c: PubsubSubsystemComponents, options: PubsubOptions) {
  const router = createTopicRouter(c.host.services.pubsub)
  const service = createPubsubService(
    {
      router,
      events: c.events,
      logger: c.logger.child({ component: 'pubsub' }),
      metrics: c.metrics,
      selfDid: c.selfDid,
    },
    options,
  )
  c.metrics.gauge(
    'moltmesh_pubsub_topics',
    'Public topics with local subscribers',
    () => service.listTopics().length,
  )
  return {
    router,
    service,
    start(): void {},
    stop(): void {
      service.stop()
      router.stop()
    },
  }
}

export type Pubsub = ReturnType<typeof createPubsub>
