// Messaging as the API sees it: send (persist, sign, queue, deliver), inbox and outbox queries,
// acknowledgements, threads (ListThreads / GetThread over thread-index.ts), and live inbox streams that
// resume from a cursor with no gap and no duplicate.

import { EventEmitter } from 'node:events'
import { pageSize, parseCursor } from '../common/paging.ts'
import type { MessagingOptions } from '../config/options.ts'
import { failedPrecondition, invalidArgument, notFound } from '../errors/moltmesh-error.ts'
import type { EventBus } from '../events/event-bus.ts'
import { eventQueue } from '../events/event-queue.ts'
import type { Identity } from '../identity/identity.ts'
import type { Logger } from '../log/logger.ts'
import { type NameResolver, resolveAgent } from '../p2p/target.ts'
import { encodeBody, type Part } from '../wire/messaging-codec.ts'
import type { Delivery } from './delivery.ts'
import { type InboxFilter, type InboxStore, matchesInbox } from './inbox-store.ts'
import { signOutbound } from './outbound.ts'
import type { OutboxStore } from './outbox-store.ts'
import type { InboxRecord, OutboxRecord, OutboxStatus } from './records.ts'
import type { ThreadIndex } from './thread-index.ts'
import { validateParts } from './validate-parts.ts'

export interface MessagingComponents {
  identity: Identity
  inbox: InboxStore
  outbox: OutboxStore
  threads: ThreadIndex
  delivery: Delivery
  events: EventBus
  logger: Logger
  options: MessagingOptions
  resolveName: NameResolver
  /** Whether a peer is connected right now (then SendMessage waits briefly for the live delivery). */
  isConnected: (did: string) => boolean
}

export interface SendInput {
  to: string
  parts: Part[]
  contextId: string
  threadId: string
  replyTo: string
  idempotencyKey: string
  ttlMs: number
  /** Answer once stored, without waiting for the live delivery (which goes on in the background). */
  noWait?: boolean
}

/** A thread as ListThreads shows it; participants start with the local agent. */
export interface ThreadSummaryView {
  threadId: string
  participants: string[]
  messageCount: number
  lastMessageAtMs: number
}

/** One message of a thread: exactly one of inbox (received) and outbox (sent). */
export interface ThreadMessage {
  inbox?: InboxRecord
  outbox?: OutboxRecord
}

/** How long SendMessage waits for a live delivery to a connected peer before answering "queued". */
const LIVE_DELIVERY_WAIT_MS = 3_000
const MAX_TTL_MS = 30 * 24 * 3600 * 1000
const REPLAY_PAGE = 500

export function createMessagingService(c: MessagingComponents) {
  // Delivery outcomes by message id, so send() can report "delivered live".
  const outcomes = new EventEmitter()
  outcomes.setMaxListeners(0)
  c.events.on('message.delivered', ({ message }) => outcomes.emit(message.id, message))
  c.events.on('message.failed', ({ message }) => outcomes.emit(message.id, message))

  async function resolveRecipient(to: string): Promise<string> {
    if (to.trim() === '') throw invalidArgument('INVALID_ARGUMENT', 'to is required: a DID or a claimed name')
    return resolveAgent(to, c.resolveName)
  }

  async function resolveOptionalDid(value: string): Promise<string | undefined> {
    return value.trim() === '' ? undefined : resolveRecipient(value)
  }

  async function send(
    input: SendInput,
  ): Promise<{ record: OutboxRecord; queued: boolean; existing: boolean }> {
    if (input.idempotencyKey !== '') {
      const existing = await c.outbox.byIdempotencyKey(input.idempotencyKey)
      if (existing != null) return { record: existing, queued: existing.status === 'queued', existing: true }
    }
    const to = await resolveRecipient(input.to)
    if (to === c.identity.did) throw invalidArgument('SELF_TARGET', 'cannot send a message to yourself')
    validateParts(input.parts)
    if (input.ttlMs < 0 || input.ttlMs > MAX_TTL_MS) {
      throw invalidArgument('INVALID_ARGUMENT', `ttl_ms must be between 0 (default) and ${MAX_TTL_MS}`)
    }
    const body = encodeBody({
      parts: input.parts,
      contextId: input.contextId,
      threadId: input.threadId,
      replyTo: input.replyTo,
    })
    if (body.length > c.options.maxPayloadBytes) {
      throw invalidArgument(
        'PAYLOAD_TOO_LARGE',
        `message body is ${body.length} bytes; the limit is ${c.options.maxPayloadBytes} (send large content as an artifact)`,
      )
    }
    const record = await c.outbox.add(
      await signOutbound(c.identity, {
        to,
        body,
        ttlMs: input.ttlMs > 0 ? input.ttlMs : c.options.defaultTtlMs,
        contextId: input.contextId,
        threadId: input.threadId,
        replyTo: input.replyTo,
        idempotencyKey: input.idempotencyKey,
      }),
    )
    // Persisted: from here on the message survives a crash. Deliver now if the peer is reachable.
    // With noWait the caller learns the outcome from the message's status and events instead: the
    // answer does not wait for a round trip to the peer (and a send pipelines with the next one).
    if (input.noWait === true) {
      c.delivery.kick(to)
      return { record, queued: true, existing: false }
    }
    const outcome = c.isConnected(to) ? waitForOutcome(record.id, LIVE_DELIVERY_WAIT_MS) : undefined
    c.delivery.kick(to)
    // The settled record comes with the event; otherwise read what is stored now.
    const settled = outcome != null ? await outcome : undefined
    const latest = settled ?? (await c.outbox.get(record.id)) ?? record
    return { record: latest, queued: latest.status !== 'delivered', existing: false }
  }

  /** The record once delivered or refused, or undefined when the wait runs out (still queued). */
  function waitForOutcome(id: string, timeoutMs: number): Promise<OutboxRecord | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        outcomes.off(id, done)
        resolve(undefined)
      }, timeoutMs)
      const done = (settled: OutboxRecord) => {
        clearTimeout(timer)
        resolve(settled)
      }
      outcomes.once(id, done)
    })
  }

  /** Acking or marking an id that is not in the inbox is an error (a typo must not look done). */
  async function requireReceived(ids: string[]): Promise<void> {
    if (ids.length === 0) throw invalidArgument('INVALID_ARGUMENT', 'ids must not be empty')
    const missing: string[] = []
    for (const id of new Set(ids)) if ((await c.inbox.getById(id)) == null) missing.push(id)
    if (missing.length > 0)
      throw notFound(
        'MESSAGE_NOT_FOUND',
        `no received message with id ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''} (nothing was changed)`,
      )
  }

  async function inboxFilter(f: {
    from: string
    contextId: string
    threadId: string
    unreadOnly?: boolean
    sinceMs?: number
  }): Promise<InboxFilter> {
    return {
      from: await resolveOptionalDid(f.from),
      contextId: f.contextId,
      threadId: f.threadId,
      unreadOnly: f.unreadOnly,
      sinceMs: f.sinceMs,
    }
  }

  return {
    send,

    async getInbox(req: {
      from: string
      contextId: string
      threadId: string
      unreadOnly: boolean
      sinceMs: number
      pageSize: number
      pageToken: string
    }): Promise<{ messages: InboxRecord[]; nextPageToken: string; unreadCount: number }> {
      const limit = pageSize(req.pageSize)
      const messages = await c.inbox.list(
        await inboxFilter(req),
        parseCursor(req.pageToken, 'page_token'),
        limit,
      )
      const last = messages.at(-1)
      return {
        messages,
        nextPageToken: messages.length === limit && last != null ? String(last.seq) : '',
        unreadCount: c.inbox.unreadCount,
      }
    },

    async getMessage(id: string): Promise<{ inbox?: InboxRecord; outbox?: OutboxRecord }> {
      if (id === '') throw invalidArgument('INVALID_ARGUMENT', 'id is required')
      const inbox = await c.inbox.getById(id)
      if (inbox != null) return { inbox }
      const outbox = await c.outbox.get(id)
      if (outbox != null) return { outbox }
      throw notFound('MESSAGE_NOT_FOUND', `no message with id ${id}`)
    },

    async ack(ids: string[]): Promise<number> {
      await requireReceived(ids)
      return c.inbox.update(ids, { acked: true, read: true })
    },

    async markRead(ids: string[], unread: boolean): Promise<number> {
      await requireReceived(ids)
      return c.inbox.update(ids, { read: !unread })
    },

    /** Takes a queued message off its delivery queue for good (it ends FAILED, last error CANCELED). */
    async cancel(id: string): Promise<OutboxRecord> {
      if (id === '') throw invalidArgument('INVALID_ARGUMENT', 'id is required')
      const record = await c.outbox.get(id)
      // Channel frames (tasks, invitations) belong to their subsystems: only messages are canceled here.
      if (record == null || record.channel != null)
        throw notFound('MESSAGE_NOT_FOUND', `no sent message with id ${id}`)
      if (record.status !== 'queued')
        throw failedPrecondition('MESSAGE_NOT_QUEUED', `message ${id} is already ${record.status}`)
      const canceled = await c.outbox.finish(record, 'failed', { lastError: 'CANCELED', nextAttemptAtMs: 0 })
      // Delivered, refused or expired between the read above and the write.
      if (canceled == null) {
        const now = (await c.outbox.get(id)) as OutboxRecord
        throw failedPrecondition('MESSAGE_NOT_QUEUED', `message ${id} is already ${now.status}`)
      }
      c.logger.info({ id, to: record.to, attempts: record.attempts }, 'queued message canceled')
      c.events.emit('message.failed', { message: canceled })
      return canceled
    },

    async getOutbox(req: { status?: OutboxStatus; to: string; pageSize: number; pageToken: string }) {
      const limit = pageSize(req.pageSize)
      const messages = await c.outbox.list(
        { status: req.status, to: await resolveOptionalDid(req.to) },
        parseCursor(req.pageToken, 'page_token'),
        limit,
      )
      const last = messages.at(-1)
      return { messages, nextPageToken: messages.length === limit && last != null ? String(last.seq) : '' }
    },

    /**
     * Threads this agent takes part in, most recent first. The page token is the index seq of the last
     * thread's latest message (with a peer: its latest message with that peer), the same decimal
     * cursor scheme as GetInbox. A thread that gets a new message while a client pages moves to the
     * front: the following pages do not show it again (and may not show it at all).
     */
    async listThreads(req: {
      peer: string
      pageSize: number
      pageToken: string
    }): Promise<{ threads: ThreadSummaryView[]; nextPageToken: string }> {
      const limit = pageSize(req.pageSize)
      const before = parseCursor(req.pageToken, 'page_token')
      const peer = await resolveOptionalDid(req.peer)
      const rows = await c.threads.list({ peer }, before, limit)
      const last = rows.at(-1)
      return {
        threads: rows.map(({ thread }) => ({
          threadId: thread.threadId,
          participants: [c.identity.did, ...thread.peers.map((p) => p.did)],
          messageCount: thread.count,
          lastMessageAtMs: thread.lastMessageAtMs,
        })),
        nextPageToken: rows.length === limit && last != null ? String(last.cursor) : '',
      }
    },

    /** The messages of one thread, sent and received, in the order this daemon stored them. */
    async getThread(req: {
      threadId: string
      pageSize: number
      pageToken: string
    }): Promise<{ messages: ThreadMessage[]; nextPageToken: string }> {
      if (req.threadId === '') throw invalidArgument('INVALID_ARGUMENT', 'thread_id is required')
      const limit = pageSize(req.pageSize)
      const after = parseCursor(req.pageToken, 'page_token')
      if ((await c.threads.get(req.threadId)) == null)
        throw notFound('THREAD_NOT_FOUND', `no message in thread "${req.threadId}" was sent or received here`)
      const entries = await c.threads.entries(req.threadId, after, limit)
      const inSeqs = entries.flatMap(({ entry }) => ('in' in entry ? [entry.in] : []))
      const outIds = entries.flatMap(({ entry }) => ('out' in entry ? [entry.out] : []))
      const [received, sent] = await Promise.all([c.inbox.getManyBySeq(inSeqs), c.outbox.getMany(outIds)])
      const bySeq = new Map(received.flatMap((r) => (r != null ? [[r.seq, r] as const] : [])))
      const byId = new Map(sent.flatMap((r) => (r != null ? [[r.id, r] as const] : [])))
      const messages = entries.flatMap(({ entry }): ThreadMessage[] => {
        const inbox = 'in' in entry ? bySeq.get(entry.in) : undefined
        const outbox = 'out' in entry ? byId.get(entry.out) : undefined
        return inbox != null ? [{ inbox }] : outbox != null ? [{ outbox }] : []
      })
      const last = entries.at(-1)
      return {
        messages,
        nextPageToken: entries.length === limit && last != null ? String(last.seq) : '',
      }
    },

    /**
     * Received messages matching the filter: first those after `afterCursor` (replay), then live ones.
     * The bus subscription starts before the replay, and live messages at or below the last replayed
     * sequence are skipped, so nothing is missed or repeated at the seam.
     */
    async *subscribeInbox(
      req: { from: string; contextId: string; threadId: string; afterCursor: string },
      signal: AbortSignal,
    ): AsyncGenerator<InboxRecord> {
      const filter = await inboxFilter(req)
      // Listen before replaying, so nothing stored during the replay is missed.
      const live = eventQueue<InboxRecord>(
        (push) => c.events.on('message.received', ({ message }) => push(message)),
        signal,
      )
      try {
        // Without a cursor the stream is live only: start after the newest stored message.
        let last = req.afterCursor === '' ? c.inbox.lastSeq : parseCursor(req.afterCursor, 'after_cursor')
        if (req.afterCursor !== '') {
          while (!signal.aborted) {
            const page = await c.inbox.list(filter, last, REPLAY_PAGE)
            for (const r of page) {
              last = r.seq
              yield r
            }
            if (page.length < REPLAY_PAGE) break
          }
        }
        for await (const next of live) {
          if (next.seq <= last) continue // already replayed
          last = next.seq
          if (matchesInbox(next, filter)) yield next
        }
      } finally {
        live.close()
      }
    },
  }
}

export type MessagingService = ReturnType<typeof createMessagingService>
