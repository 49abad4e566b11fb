// `moltmesh webhook add|list|rm|deliveries|redeliver|test`.

import type { Command } from 'commander'
import { ext, type types } from '../../clients/ts/index.ts'
import { action, withClient } from '../context.ts'
import { intOption } from '../int-option.ts'
import { printFields } from '../output/format.ts'
import { printMessage } from '../output/proto-json.ts'

function webhookLine(w: types.Webhook): string {
  const state = w.enabled ? 'enabled' : `disabled (${w.disabledReason})`
  return `${w.id}  ${w.url}  ${w.events.length > 0 ? w.events.join(',') : '(all events)'}  ${state}`
}

function deliveryLine(d: types.WebhookDelivery): string {
  const last = d.lastStatusCode > 0 ? `HTTP ${d.lastStatusCode}` : d.lastError || '-'
  const next = d.status === 'pending' ? `  next ${new Date(d.nextAttemptAtMs).toISOString()}` : ''
  return `${d.id}  ${d.eventType.padEnd(18)} ${d.status.padEnd(9)} attempts ${d.attempts}  last ${last}${next}`
}

export function registerWebhookCommands(program: Command): void {
  const webhook = program
    .command('webhook')
    .description('HTTP callbacks for daemon events (Standard Webhooks)')

  webhook
    .command('add')
    .description('register a webhook; prints its signing secret once')
    .requiredOption('--url <url>', 'target URL (http or https)')
    .option('--events <types>', 'comma-separated event types or prefixes, e.g. "message.received,task.*"', '')
    .option('--description <text>', 'free text', '')
    .action(
      action(async (opts: { url: string; events: string; description: string }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const events = opts.events
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '')
          const res = await client.ext.createWebhook({ url: opts.url, events, description: opts.description })
          if (json) return printMessage(ext.CreateWebhookResponse, res)
          const w = res.webhook as types.Webhook
          printFields([
            ['Webhook ID', w.id],
            ['URL', w.url],
            ['Events', w.events.length > 0 ? w.events.join(', ') : '(all events)'],
            ['Secret', res.secret],
          ])
          console.log('\nKeep the secret: it is not shown again. Verify `webhook-signature` v1 with it.')
        }),
      ),
    )

  webhook
    .command('list')
    .description('registered webhooks (secrets are never shown)')
    .action(
      action(async (_opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.ext.listWebhooks({})
          if (json) return printMessage(ext.ListWebhooksResponse, res)
          console.log(`${res.webhooks.length} webhook${res.webhooks.length === 1 ? '' : 's'}`)
          for (const w of res.webhooks) console.log(webhookLine(w))
        }),
      ),
    )

  webhook
    .command('rm <id>')
    .description('delete a webhook (its pending deliveries are dropped)')
    .action(
      action(async (id: string, _opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          await client.ext.deleteWebhook({ id })
          if (json) return printMessage(ext.DeleteWebhookResponse, {})
          console.log(`deleted ${id}`)
        }),
      ),
    )

  webhook
    .command('deliveries')
    .description('deliveries, newest first')
    .option('--webhook <id>', 'only this webhook', '')
    .option('--status <status>', 'pending, succeeded or failed (dead-lettered)', '')
    .option('--limit <n>', 'page size (max 1000)', intOption(1, 1000), 50)
    .option('--page-token <token>', 'continue after a previous page', '')
    .action(
      action(
        async (opts: { webhook: string; status: string; limit: number; pageToken: string }, cmd: Command) =>
          withClient(cmd, async (client, { json }) => {
            const res = await client.ext.listWebhookDeliveries({
              webhookId: opts.webhook,
              status: opts.status,
              pageSize: opts.limit,
              pageToken: opts.pageToken,
            })
            if (json) return printMessage(ext.ListWebhookDeliveriesResponse, res)
            console.log(`${res.deliveries.length} deliver${res.deliveries.length === 1 ? 'y' : 'ies'}`)
            for (const d of res.deliveries) console.log(deliveryLine(d))
            if (res.nextPageToken !== '') console.log(`more: --page-token ${res.nextPageToken}`)
          }),
      ),
    )

  webhook
    .command('redeliver <delivery>')
    .description('send a delivery again (e.g. a dead-lettered one), with a fresh retry schedule')
    .action(
      action(async (id: string, _opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.ext.redeliverWebhook({ deliveryId: id })
          if (json) return printMessage(ext.RedeliverWebhookResponse, res)
          console.log(deliveryLine(res.delivery as types.WebhookDelivery))
        }),
      ),
    )

  webhook
    .command('test <id>')
    .description('POST a signed webhook.test event now and show the answer')
    .action(
      action(async (id: string, _opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.ext.testWebhook({ id })
          if (json) return printMessage(ext.TestWebhookResponse, res)
          printFields([
            ['OK', res.ok],
            ['Status', res.statusCode > 0 ? res.statusCode : '-'],
            ['Error', res.error || undefined],
            ['Latency', `${res.latencyMs.toFixed(1)}ms`],
          ])
          if (!res.ok) process.exitCode = 1
        }),
      ),
    )
}
