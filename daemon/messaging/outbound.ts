// Builds a signed outbox record: the one place where an outgoing envelope is created, for messages
// and for the frames of registered channels alike (channels.ts gives their id prefixes).

import { newId } from '../common/ids.ts'
import type { Identity } from '../identity/identity.ts'
import { type ChannelName, signEnvelope } from '../wire/messaging-codec.ts'
import { MESSAGE_ID_PREFIX } from './channels.ts'
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
  /** Set for a channel's frame (messaging.signFrame): its name and id prefix. Absent for messages. */
  channel?: { name: ChannelName; idPrefix: string }
}

/** What a channel's sender gives messaging.signFrame: the channel is implied. */
export type FrameInput = Omit<OutboundInput, 'channel'>
/** Signs a frame for one channel; the caller queues it (outbox.prepare) in its own batch. */
export type FrameSigner = (input: FrameInput) => Promise<Omit<OutboxRecord, 'seq'>>

export async function signOutbound(
  identity: Identity,
  input: OutboundInput,
): Promise<Omit<OutboxRecord, 'seq'>> {
  const now = Date.now()
  const envelope = await signEnvelope(identity, {
    id: newId(input.channel?.idPrefix ?? MESSAGE_ID_PREFIX, now),
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
    ...(input.channel != null ? { channel: input.channel.name } : {}),
  }
}
