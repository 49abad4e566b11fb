// Shapes of the stored messaging records (records.ts), checked on every read from the database.

import { bool, num, object, oneOf, optional, type Shape, str } from '../store/shape.ts'
import { CHANNEL_NAMES } from '../wire/messaging-codec.ts'
import type { InboxRecord, OutboxRecord } from './records.ts'

const common = {
  id: str,
  from: str,
  to: str,
  createdAtMs: num,
  expiresAtMs: num,
  contextId: str,
  threadId: str,
  replyTo: str,
  body: str,
  seq: num,
}

export const inboxRecordShape: Shape<InboxRecord> = object<InboxRecord>({
  ...common,
  receivedAtMs: num,
  read: bool,
  acked: bool,
})

export const outboxRecordShape: Shape<OutboxRecord> = object<OutboxRecord>({
  ...common,
  signature: str,
  status: oneOf('queued', 'delivered', 'expired', 'failed'),
  attempts: num,
  deliveredAtMs: num,
  nextAttemptAtMs: num,
  lastError: str,
  idempotencyKey: str,
  channel: optional(oneOf(...CHANNEL_NAMES)),
})
