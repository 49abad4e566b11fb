// What the webhook subsystem stores. The secret is kept (it signs every delivery) but never leaves
// the daemon after CreateWebhook, and is never logged.

import { newId } from '../common/ids.ts'

export interface WebhookRecord {
  id: string
  url: string
  /** Event type patterns ("task.*", "message.received"); empty = all. */
  events: string[]
  description: string
  /** "whsec_" + base64 of the HMAC key. */
  secret: string
  enabled: boolean
  disabledReason: string
  createdAtMs: number
  /** Declared in moltbook.toml (recreated at every start) rather than created by an RPC. */
  fromConfig: boolean
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed'

export interface DeliveryRecord {
  /** Also the `webhook-id` header: the same for every attempt, so receivers can de-duplicate. */
  id: string
  webhookId: string
  eventType: string
  /** The exact JSON body sent. */
  body: string
  status: DeliveryStatus
  attempts: number
  lastStatusCode: number
  lastError: string
  nextAttemptAtMs: number
  createdAtMs: number
}

/** A delivery not yet attempted, due now: what both webhook events and A2A push notifications queue. */
export function newDelivery(webhookId: string, eventType: string, body: string, now: number): DeliveryRecord {
  return {
    id: newId('whd', now),
    webhookId,
    eventType,
    body,
    status: 'pending',
    attempts: 0,
    lastStatusCode: 0,
    lastError: '',
    nextAttemptAtMs: now,
    createdAtMs: now,
  }
}

/**
 * Where one delivery goes: a webhook, or a push target. `secret` "" = no `v1` (HMAC) signature, only
 * the `v1a` one by the agent's key; `headers` are sent with every attempt (an A2A notification token).
 */
export interface DeliveryTarget {
  id: string
  url: string
  secret: string
  headers?: Record<string, string>
  enabled: boolean
  disabledReason: string
}

/**
 * A target another subsystem owns and feeds itself (an A2A push config, daemon/a2a/push-notifications.ts):
 * it subscribes to no event, is not listed by ListWebhooks, and its deliveries go through the same
 * durable queue, retries and signatures as webhooks'. `state` is the owner's, stored with the target
 * and saved in the same batch as the deliveries the owner queues (so a cursor in it never runs ahead
 * of what was queued).
 */
export interface PushTargetRecord extends DeliveryTarget {
  /** "whp_..." */
  id: string
  /** Who feeds it, e.g. "a2a". */
  owner: string
  headers: Record<string, string>
  createdAtMs: number
  state: Record<string, unknown>
}
