// The messaging subsystem: durable inbox/outbox, signed envelopes over /moltmesh/msg/1.0.0, delivery
// with retries until the TTL, and live inbox streams. createMessaging(components, options) returns the
// service plus its lifecycle. Other subsystems send their own frames over it through channels they
// register (channels.ts); messaging knows none of them.

import type { MessagingOptions } from '../config/options.ts'
import type { EventBus } from '../events/event-bus.ts'
import { tryDidFromPeerId } from '../identity/did.ts'
import type { Identity } from '../identity/identity.ts'
import type { Logger } from '../log/logger.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { Host } from '../p2p/create-host.ts'
import type { NameResolver } from '../p2p/target.ts'
import type { Store } from '../store/store.ts'
import { type ChannelName, MESSAGING_PROTOCOL } from '../wire/messaging-codec.ts'
import { createChannelRegistry } from './channels.ts'
import { createDelivery } from './delivery.ts'
import { openInboxStore } from './inbox-store.ts'
import type { KnownPeers } from './known-peers.ts'
import { createMessagingService } from './messaging-service.ts'
import { type FrameInput, signOutbound } from './outbound.ts'
import { openOutboxStore } from './outbox-store.ts'
import { createPeerQuota } from './peer-quota.ts'
import { createRateLimiter } from './rate-limiter.ts'
import { createReceiver } from './receiver.ts'
import { openThreadIndex } from './thread-index.ts'

export interface MessagingSubsystemComponents {
  host: Host
  identity: Identity
  store: Store
  events: EventBus
  logger: Logger
  metrics: Metrics
  resolveName: NameResolver
  dialTimeoutMs: number
  /** Peers this agent has worked with or shares a network with (larger inbox quotas). */
  knownPeers: Pick<KnownPeers, 'isKnown'>
}

/** Concurrent inbound messaging streams per connection (a sender uses one at a time). */
const MAX_INBOUND_STREAMS = 8
/** Refusals in a row after which a flooding peer is blocked, and for how long. */
const BLOCK_AFTER_REFUSALS = 200
const BLOCK_MS = 60_000

export async function createMessaging(c: MessagingSubsystemComponents, options: MessagingOptions) {
  const logger = c.logger.child({ component: 'messaging' })
  const threads = await openThreadIndex(c.store)
  const inbox = await openInboxStore(c.store, threads)
  const outbox = await openOutboxStore(c.store, threads)
  // Messages stored without the thread index (by an older daemon) join it now, before any new one.
  const indexed = await threads.catchUp(inbox.threadRefsAfter, outbox.threadRefsAfter)
  if (indexed > 0) logger.info({ messages: indexed }, 'indexed stored messages by thread')
  const limiter = createRateLimiter({
    ratePerSecond: options.receiveRatePerSecond,
    burst: options.receiveBurst,
    blockAfterRefusals: BLOCK_AFTER_REFUSALS,
    blockMs: BLOCK_MS,
  })
  const quota = createPeerQuota(options, inbox, (did) => c.knownPeers.isKnown(did))
  const channels = createChannelRegistry({ logger })
  const receiver = createReceiver({
    channels,
    did: c.identity.did,
    inbox,
    ownIdTaken: async (id) => (await outbox.get(id)) != null,
    events: c.events,
    logger,
    metrics: c.metrics,
    limiter,
    quota,
    maxPayloadBytes: options.maxPayloadBytes,
    inboxMaxMessages: options.inboxMaxMessages,
  })
  const delivery = createDelivery({
    host: c.host,
    outbox,
    events: c.events,
    logger,
    metrics: c.metrics,
    maxPayloadBytes: options.maxPayloadBytes,
    retryMaxDelayMs: options.retryMaxDelayMs,
    dialTimeoutMs: c.dialTimeoutMs,
    channels,
  })
  const service = createMessagingService({
    identity: c.identity,
    inbox,
    outbox,
    threads,
    delivery,
    events: c.events,
    logger,
    options,
    resolveName: c.resolveName,
    isConnected: (did) => c.host.getConnections().some((conn) => tryDidFromPeerId(conn.remotePeer) === did),
  })
  c.metrics.gauge('moltmesh_inbox_messages', 'Messages in the inbox', () => inbox.size)
  c.metrics.gauge('moltmesh_inbox_unread', 'Unread messages in the inbox', () => inbox.unreadCount)

  // A peer that (re)connects gets its queued messages at once instead of at the next backoff.
  const onConnect = (evt: CustomEvent) => {
    const did = tryDidFromPeerId(evt.detail)
    if (did != null) delivery.kick(did)
  }

  return {
    service,
    outbox,
    delivery,
    /**
     * Where subsystems register their channels (frame handler, id prefix, failure callback), in their
     * start(); sealed in afterStart(), once every subsystem has started.
     */
    channels,
    /** Signs a frame of a registered channel; the caller queues it with outbox.prepare in its batch. */
    signFrame(name: ChannelName, input: FrameInput) {
      return signOutbound(c.identity, { ...input, channel: { name, idPrefix: channels.idPrefix(name) } })
    },
    async start(): Promise<void> {
      await c.host.handle(MESSAGING_PROTOCOL, receiver.handle, {
        maxInboundStreams: MAX_INBOUND_STREAMS,
        maxOutboundStreams: MAX_INBOUND_STREAMS,
        // Peers behind NAT are reached through relays (relay limits: docs/network.md).
        runOnLimitedConnection: true,
      })
      c.host.addEventListener('peer:connect', onConnect)
      const resumed = await delivery.resumeAll()
      if (resumed > 0) logger.info({ recipients: resumed }, 'resuming queued deliveries')
    },
    /**
     * Every subsystem that sends frames over messaging has registered its channel by now: a frame of
     * any other channel is refused from here on (UNKNOWN_CHANNEL) instead of asked to wait.
     */
    afterStart(): void {
      channels.seal()
    },
    async stop(): Promise<void> {
      c.host.removeEventListener('peer:connect', onConnect)
      delivery.stop()
      await c.host.unhandle(MESSAGING_PROTOCOL).catch(() => undefined)
    },
  }
}

export type Messaging = Awaited<ReturnType<typeof createMessaging>>
