// The ordered-threads subsystem of the daemon: the /moltmesh/raft/1.0.0 transport on the daemon's
// libp2p host, the layer that runs one Raft group per thread with its log in the daemon's store
// (ordered-threads.ts), invitations on messaging's 'orderedThread' channel (invitations.ts), the API's
// service (ordered-threads-service.ts) and the `thread.entry.committed` event. Started and stopped with
// the daemon; start() reopens every thread this daemon is a member of.

import type { Ed25519PrivateKey } from '@libp2p/interface'
import type { ThreadsOptions } from '../config/options.ts'
import type { EventBus } from '../events/event-bus.ts'
import type { Logger } from '../log/logger.ts'
import type { Messaging } from '../messaging/messaging.ts'
import type { Metrics } from '../metrics/metrics.ts'
import { ed25519DidVerifier, ed25519Signer } from '../raft/entry-auth.ts'
import { createRaftTransport, type RaftHost } from '../raft/transport-libp2p.ts'
import { createVerifyPool, type VerifyPool } from '../raft/verify-pool.ts'
import type { Store } from '../store/store.ts'
import { MessageBody } from '../wire/gen/moltmesh/wire/v1/messaging.ts'
import type { ThreadInvite } from '../wire/gen/moltmesh/wire/v1/ordered_threads.ts'
import { createInvitationSink, openInvitationStore } from './invitations.ts'
import { createOrderedThreads, type OrderedThreads } from './ordered-threads.ts'
import { createOrderedThreadsService } from './ordered-threads-service.ts'

export interface OrderedThreadsComponents {
  host: RaftHost
  privateKey: Ed25519PrivateKey
  selfDid: string
  store: Store
  messaging: Pick<Messaging, 'signFrame' | 'outbox' | 'delivery' | 'channels'>
  events: EventBus
  logger: Logger
  metrics: Metrics
  resolveTarget: (value: string) => Promise<string>
  dialTimeoutMs: number
  /** Largest envelope body (messaging.max_payload_bytes): an invitation must fit. */
  maxEnvelopeBytes: number
}

/** Invitations stay in the outbox this long while the invitee is offline. */
const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000

export function createOrderedThreadsSubsystem(c: OrderedThreadsComponents, options: ThreadsOptions) {
  const logger = c.logger.child({ component: 'ordered-threads' })
  const verifier = ed25519DidVerifier()
  const transport = createRaftTransport({
    did: c.selfDid,
    host: c.host,
    logger,
    metrics: c.metrics,
    maxFrameBytes: options.maxFrameBytes,
    ratePerSecond: options.ratePerSecond,
    burst: options.burst,
    dialTimeoutMs: c.dialTimeoutMs,
  })
  const pool: VerifyPool | undefined =
    options.verifyWorkers > 0 ? createVerifyPool(options.verifyWorkers, verifier) : undefined
  const threads: OrderedThreads = createOrderedThreads({
    did: c.selfDid,
    signer: ed25519Signer(c.privateKey),
    verifier,
    verifyPool: pool,
    transport,
    store: c.store,
    logger,
    metrics: c.metrics,
    tickMs: options.tickMs,
    electionTicks: options.electionTicks,
    heartbeatTicks: options.heartbeatTicks,
    maxMembers: options.maxMembers,
    onCommitted: (threadId, entries) => {
      // A new leader's empty entry is Raft's bookkeeping, not news for the application.
      for (const entry of entries)
        if (entry.kind !== 'noop') c.events.emit('thread.entry.committed', { threadId, entry })
    },
  })
  const invitations = openInvitationStore(c.store)

  async function sendInvite(to: string, invite: ThreadInvite): Promise<string> {
    const body = MessageBody.encode(MessageBody.fromPartial({ orderedThread: { invite } })).finish()
    if (body.length > c.maxEnvelopeBytes) {
      // Cannot happen with the limits on members and title unless messaging's limit is tiny.
      throw new Error(`the invitation is ${body.length} bytes; the messaging limit is ${c.maxEnvelopeBytes}`)
    }
    const record = await c.messaging.signFrame('orderedThread', {
      to,
      body,
      ttlMs: INVITATION_TTL_MS,
      contextId: '',
      threadId: '',
      replyTo: '',
      idempotencyKey: '',
    })
    const queued = c.messaging.outbox.prepare(record)
    await c.store.commit(queued.ops)
    c.messaging.delivery.kick(to)
    logger.info(
      { thread: invite.threadId, invitee: to, message: record.id },
      'sent ordered-thread invitation',
    )
    return record.id
  }

  const service = createOrderedThreadsService({
    threads,
    invitations,
    selfDid: c.selfDid,
    resolveTarget: c.resolveTarget,
    sendInvite,
    verifier,
    logger,
  })
  const isMember = (id: string) => threads.list().some((t) => t.genesis.groupId === id)

  c.metrics.gauge(
    'moltmesh_ordered_threads',
    'Ordered threads this daemon is a member of',
    () => threads.list().length,
  )
  c.metrics.gauge(
    'moltmesh_ordered_threads_led',
    'Ordered threads this daemon currently leads',
    () => threads.list().filter((t) => threads.status(t.genesis.groupId).role === 'leader').length,
  )

  return {
    service,
    async start(): Promise<void> {
      // Invitations travel on messaging's 'orderedThread' channel. One the invitee refused or that
      // expired has nothing to undo here: GetMessage on its message id shows why.
      c.messaging.channels.register({
        name: 'orderedThread',
        idPrefix: 'otfr',
        handle: createInvitationSink({ invitations, isMember, selfDid: c.selfDid, logger }),
        failed: (record) =>
          logger.info(
            { invitee: record.to, message: record.id, reason: record.lastError },
            'ordered-thread invitation not delivered',
          ),
      })
      await transport.start()
      await threads.start()
      const open = threads.list().length
      if (open > 0) logger.info({ threads: open }, 'reopened ordered threads')
    },
    async stop(): Promise<void> {
      await threads.stop()
      await transport.stop()
      await pool?.close()
    },
  }
}

export type OrderedThreadsSubsystem = ReturnType<typeof createOrderedThreadsSubsystem>
