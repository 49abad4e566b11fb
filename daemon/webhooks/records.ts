// What the webhook subsystem stores. The secret is kept (it signs every delivery) but never leaves
// the daemon after CreateWebhook, and is never logged.

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
