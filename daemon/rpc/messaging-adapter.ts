// Messaging RPCs of A2ANode: proto <-> messaging records, nothing else.

import type {
  A2ANodeService,
  GetThreadResponse,
  ThreadSummary,
} from '../../clients/ts/gen/moltmesh/v1/a2a.ts'
import { type Message, MessageStatus } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import { invalidArgument } from '../errors/moltmesh-error.ts'
import type { MessagingService } from '../messaging/messaging-service.ts'
import type { InboxRecord, OutboxRecord, OutboxStatus } from '../messaging/records.ts'
import { decodeBody } from '../wire/messaging-codec.ts'
import { apiParts, wireParts } from './convert.ts'
import type { ServiceHandlers } from './service-types.ts'

const OUTBOX_STATUS: Record<OutboxStatus, MessageStatus> = {
  queued: MessageStatus.MESSAGE_STATUS_QUEUED,
  delivered: MessageStatus.MESSAGE_STATUS_DELIVERED,
  expired: MessageStatus.MESSAGE_STATUS_EXPIRED,
  failed: MessageStatus.MESSAGE_STATUS_FAILED,
}

function parts(body: string) {
  return apiParts(decodeBody(Buffer.from(body, 'base64')).parts)
}

export function inboxMessage(r: InboxRecord): Message {
  return {
    id: r.id,
    from: r.from,
    to: r.to,
    parts: parts(r.body),
    contextId: r.contextId,
    threadId: r.threadId,
    replyTo: r.replyTo,
    createdAtMs: r.createdAtMs,
    expiresAtMs: r.expiresAtMs,
    status: r.read ? MessageStatus.MESSAGE_STATUS_READ : MessageStatus.MESSAGE_STATUS_UNREAD,
    attempts: 0,
    deliveredAtMs: r.receivedAtMs,
    cursor: String(r.seq),
    lastError: '',
  }
}

export function outboxMessage(r: OutboxRecord): Message {
  return {
    id: r.id,
    from: r.from,
    to: r.to,
    parts: parts(r.body),
    contextId: r.contextId,
    threadId: r.threadId,
    replyTo: r.replyTo,
    createdAtMs: r.createdAtMs,
    expiresAtMs: r.expiresAtMs,
    status: OUTBOX_STATUS[r.status],
    attempts: r.attempts,
    deliveredAtMs: r.deliveredAtMs,
    cursor: '',
    lastError: r.lastError,
  }
}

function outboxStatusFilter(status: MessageStatus): OutboxStatus | undefined {
  if (status === MessageStatus.MESSAGE_STATUS_UNSPECIFIED) return undefined
  const entry = Object.entries(OUTBOX_STATUS).find(([, v]) => v === status)
  if (entry == null)
    throw invalidArgument(
      'INVALID_ARGUMENT',
      `status ${status} is not an outbox status (QUEUED, DELIVERED, EXPIRED, FAILED)`,
    )
  return entry[0] as OutboxStatus
}

/**
 * Ordered threads as ListThreads/GetThread show them (ordered-threads-adapter.ts builds it): summaries
 * listed first on the first page, and the entries of one, or undefined when the id is not one here.
 */
export interface OrderedThreadListing {
  summaries(peer: string): Promise<ThreadSummary[]>
  entries(threadId: string, pageSize: number, pageToken: string): Promise<GetThreadResponse | undefined>
}

export function messagingAdapter(m: MessagingService, ordered?: OrderedThreadListing) {
  return {
    sendMessage: async (req) => {
      const { record, queued } = await m.send({
        to: req.to,
        parts: wireParts(req.parts),
        contextId: req.contextId,
        threadId: req.threadId,
        replyTo: req.replyTo,
        idempotencyKey: req.idempotencyKey,
        ttlMs: req.ttlMs,
        noWait: req.noWait,
      })
      return { id: record.id, queued, message: outboxMessage(record) }
    },
    getInbox: async (req) => {
      const page = await m.getInbox(req)
      return {
        messages: page.messages.map(inboxMessage),
        nextPageToken: page.nextPageToken,
        unreadCount: page.unreadCount,
      }
    },
    getMessage: async (req) => {
      const found = await m.getMessage(req.id)
      return {
        message:
          found.inbox != null ? inboxMessage(found.inbox) : outboxMessage(found.outbox as OutboxRecord),
      }
    },
    ackMessage: async (req) => ({ acknowledged: await m.ack(req.ids) }),
    markRead: async (req) => ({ updated: await m.markRead(req.ids, req.unread) }),
    getOutbox: async (req) => {
      const page = await m.getOutbox({
        status: outboxStatusFilter(req.status),
        to: req.to,
        pageSize: req.pageSize,
        pageToken: req.pageToken,
      })
      return { messages: page.messages.map(outboxMessage), nextPageToken: page.nextPageToken }
    },
    cancelMessage: async (req) => ({ message: outboxMessage(await m.cancel(req.id)) }),
    listThreads: async (req) => {
      const page = await m.listThreads(req)
      const threads = page.threads.map((t) => ({ ...t, ordered: false, title: '' }))
      const first = ordered == null || req.pageToken !== '' ? [] : await ordered.summaries(req.peer)
      return { threads: [...first, ...threads], nextPageToken: page.nextPageToken }
    },
    getThread: async (req) => {
      const entries = await ordered?.entries(req.threadId, req.pageSize, req.pageToken)
      if (entries != null) return entries
      const page = await m.getThread(req)
      return {
        messages: page.messages.map((t) =>
          t.inbox != null ? inboxMessage(t.inbox) : outboxMessage(t.outbox as OutboxRecord),
        ),
        nextPageToken: page.nextPageToken,
        orderedEntries: [],
      }
    },
    async *subscribeInbox(req, ctx) {
      for await (const r of m.subscribeInbox(req, ctx.signal)) yield { message: inboxMessage(r) }
    },
  } satisfies ServiceHandlers<typeof A2ANodeService>
}
