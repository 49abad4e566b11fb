// Webhook RPCs of Ext: proto <-> webhook records, nothing else. Secrets leave only in CreateWebhook.

import type { ExtService } from '../../clients/ts/gen/moltmesh/v1/ext.ts'
import type { Webhook, WebhookDelivery } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import type { DeliveryRecord, WebhookRecord } from '../webhooks/records.ts'
import type { WebhooksService } from '../webhooks/webhooks.ts'
import type { ServiceHandlers } from './service-types.ts'

function webhookProto(w: WebhookRecord): Webhook {
  return {
    id: w.id,
    url: w.url,
    events: w.events,
    description: w.description,
    enabled: w.enabled,
    createdAtMs: w.createdAtMs,
    disabledReason: w.disabledReason,
  }
}

function deliveryProto(d: DeliveryRecord): WebhookDelivery {
  return {
    id: d.id,
    webhookId: d.webhookId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    nextAttemptAtMs: d.status === 'pending' ? d.nextAttemptAtMs : 0,
    createdAtMs: d.createdAtMs,
  }
}

export function webhooksAdapter(webhooks: WebhooksService) {
  return {
    async createWebhook(req) {
      const { webhook, secret } = await webhooks.create(req)
      return { webhook: webhookProto(webhook), secret }
    },
    listWebhooks() {
      return { webhooks: webhooks.list().map(webhookProto) }
    },
    async deleteWebhook(req) {
      await webhooks.delete(req.id)
      return {}
    },
    async listWebhookDeliveries(req) {
      const page = await webhooks.deliveries(req)
      return { deliveries: page.deliveries.map(deliveryProto), nextPageToken: page.nextPageToken }
    },
    async redeliverWebhook(req) {
      return { delivery: deliveryProto(await webhooks.redeliver(req.deliveryId)) }
    },
    async testWebhook(req) {
      const r = await webhooks.test(req.id)
      return { ok: r.ok, statusCode: r.statusCode, error: r.error, latencyMs: r.latencyMs }
    },
  } satisfies ServiceHandlers<typeof ExtService>
}
