// Builds a signed outbox record: the one place where an outgoing envelope is created, for messages
// and for task frames alike.

import { newId } from '../common/ids.ts'
import type { Identity } from '../identity/identity.ts'
import { signEnvelope } from '../wire/messaging-codec.ts'
import type { OutboxRecord } from './records.ts'

export interface OutboundInput {
  to: string
  /** Serialized MessageBody. */
  body: Uint8Array
  ttlMs: number
  contextId: string
  threadId: string
  replyTo: string
  idempotencyKey: string
  channel?: 'task' | 'network'
}

export async function signOutbound(
  identity: Identity,
  input: OutboundInput,
): Promise<Omit<OutboxRecord, 'seq'>> {
  const now = Date.now()
  const envelope = await signEnvelope(identity, {
    id: newId(input.channel === 'task' ? 'tfr' : input.channel === 'network' ? 'nfr' : 'msg', now),
    to: input.to,
    createdAtMs: now,
    expiresAtMs: now + input.ttlMs,
    body: Buffer.from(input.body),
  })
  return {
    id: envelope.id,
    from: envelope.from,
    to: input.to,
    createdAtMs: envelope.createdAtMs,
    expiresAtMs: envelope.expiresAtMs,
    contextId: input.contextId,
    threadId: input.threadId,
    replyTo: input.replyTo,
    body: Buffer.from(input.body).toString('base64'),
    signature: Buffer.from(envelope.signature).toString('base64'),
    status: 'queued',
    attempts: 0,
    deliveredAtMs: 0,
    nextAttemptAtMs: now,
    lastError: '',
    idempotencyKey: input.idempotencyKey,
    ...(input.channel != null ? { channel: input.channel } : {}),
  }
}
