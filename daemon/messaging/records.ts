// What the messaging subsystem stores. Bodies and signatures are kept as base64 of the exact signed
// bytes, so a stored message can be re-sent or re-verified byte for byte.

import type { ChannelName } from '../wire/messaging-codec.ts'

export type OutboxStatus = 'queued' | 'delivered' | 'expired' | 'failed'

interface CommonFields {
  id: string
  from: string
  to: string
  createdAtMs: number
  expiresAtMs: number
  contextId: string
  threadId: string
  replyTo: string
  /** base64 of the serialized MessageBody. */
  body: string
}

export interface OutboxRecord extends CommonFields {
  seq: number
  /** base64 Ed25519 signature of the envelope. */
  signature: string
  status: OutboxStatus
  attempts: number
  deliveredAtMs: number
  nextAttemptAtMs: number
  lastError: string
  idempotencyKey: string
  /**
   * The registered channel a frame was sent on ('task' for task frames, 'network' for network
   * invitations; channels.ts), not shown as a message; absent for messages.
   */
  channel?: ChannelName
}

export interface InboxRecord extends CommonFields {
  seq: number
  receivedAtMs: number
  read: boolean
  acked: boolean
}
