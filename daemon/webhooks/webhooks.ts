// The webhook subsystem: endpoints (from CreateWebhook or moltbook.toml), one delivery per matching
// daemon event per endpoint, signed per Standard Webhooks, queued durably and retried (delivery-queue.ts).
// createWebhooks(components, options) returns the service plus its lifecycle.

import { createHash } from 'node:crypto'
import { newId } from '../common/ids.ts'
import { pageSize } from '../common/paging.ts'
import type { WebhookEndpointConfig, WebhooksOptions } from '../config/options.ts'
import { failedPrecondition, invalidArgument, notFound } from '../errors/moltmesh-error.ts'
import type { BusEvent, EventBus } from '../events/event-bus.ts'
import { eventMatcher } from '../events/event-filter.ts'
import type { Logger } from '../log/logger.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { Store } from '../store/store.ts'
import { createDeliveryQueue } from './delivery-queue.ts'
import { createHttpSender } from './http-sender.ts'
import { createPushTargets } from './push-targets.ts'
import {
  type DeliveryRecord,
  type DeliveryStatus,
  type DeliveryTarget,
  newDelivery,
  type PushTargetRecord,
  type WebhookRecord,
} from './records.ts'
import { parseSchedule } from './retry-schedule.ts'
import { isSecret, newSecret, signatureHeaders } from './signing.ts'
import { openWebhookStore } from './webhook-store.ts'

const PRUNE_INTERVAL_MS = 3600_000

export interface WebhooksComponents {
  store: Store
  events: EventBus
  logger: Logger
  metrics: Metrics
  sign: (data: Uint8Array) => Promise<Uint8Array>
  /** The event as clients see it (the DaemonEvent proto in JSON form). */
  serialize: (event: BusEvent) => unknown
  userAgent: string
}

const MAX_WEBHOOKS = 100
const MAX_URL_LENGTH = 2048
const MAX_PATTERNS = 64
/** Without a filter a webhook gets every event except connection churn and daemon lifecycle. */
const NOISY = /^(peer|daemon)\./
const STATUSES: readonly DeliveryStatus[] = ['pending', 'succeeded', 'failed']

/** Host patterns: "example.com" exactly, "*.example.com" any subdomain. */
export function hostAllowed(host: string, allowed: string[]): boolean {
  if (allowed.length === 0) return true
  const h = host.toLowerCase().replace(/^\[|\]$/g, '')
  return allowed.some((p) => (p.startsWith('*.') ? h.endsWith(p.slice(1)) : h === p.toLowerCase()))
}

export async function createWebhooks(c: WebhooksComponents, options: WebhooksOptions) {
  const logger = c.logger.child({ component: 'webhooks' })
  const store = await openWebhookStore(c.store)
  let pruneTimer: NodeJS.Timeout | undefined
  let pruning: Promise<void> = Promise.resolve()
  const allowedHosts = options.allowedHosts
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const webhooks = new Map<string, WebhookRecord>()
  const matchers = new Map<string, (type: string) => boolean>()
  /** Push targets (A2A push configs): delivered like webhooks, never matched against events. */
  const targets = new Map<string, PushTargetRecord>()
  const sender = createHttpSender({
    timeoutMs: options.timeoutMs,
    connectionsPerOrigin: options.maxInFlightPerWebhook,
    userAgent: c.userAgent,
  })
  const queue = createDeliveryQueue({
    store,
    sender,
    sign: c.sign,
    webhook: (id) => webhooks.get(id) ?? targets.get(id),
    disable,
    logger,
    metrics: c.metrics,
    schedule: parseSchedule(options.retryScheduleMs),
    maxInFlightPerWebhook: options.maxInFlightPerWebhook,
  })
  let unsubscribe: (() => void) | undefined
  const push = createPushTargets({ store, queue, checkUrl, targets, logger })

  function remember(w: WebhookRecord): void {
    webhooks.set(w.id, w)
    const explicit = eventMatcher(w.events)
    matchers.set(w.id, w.events.length === 0 ? (type) => !NOISY.test(type) : explicit)
  }

  async function disable(w: DeliveryTarget, reason: string): Promise<void> {
    const target = targets.get(w.id)
    if (target != null) {
      const next = { ...target, enabled: false, disabledReason: reason }
      targets.set(next.id, next)
      await store.putPushTarget(next)
    } else {
      const next = { ...(w as WebhookRecord), enabled: false, disabledReason: reason }
      remember(next)
      await store.putWebhook(next)
    }
    await queue.drop(w.id, `webhook disabled: ${reason}`)
  }

  /**
   * The URL as it will be requested (parsed and normalised), or an error. Control characters are
   * refused rather than left to the URL parser, which drops CR/LF/tab silently: a URL with CRLF in it
   * would otherwise be stored as typed and requested as something else.
   */
  function checkUrl(url: string): string {
    if (url.length > MAX_URL_LENGTH)
      throw invalidArgument('INVALID_URL', `the URL is longer than ${MAX_URL_LENGTH}`)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    const control = /[\u0000-\u001f\u007f-\u009f]/.exec(url)
    if (control != null)
      throw invalidArgument(
        'INVALID_URL',
        `the URL contains a control character (U+${control[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} at ${control.index})`,
      )
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw invalidArgument('INVALID_URL', `"${url}" is not a URL`)
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw invalidArgument('INVALID_URL', 'webhook URLs are http or https')
    if (parsed.username !== '' || parsed.password !== '')
      throw invalidArgument('INVALID_URL', 'put credentials in the receiver, not in the URL')
    if (!hostAllowed(parsed.hostname, allowedHosts))
      throw failedPrecondition(
        'WEBHOOK_TARGET_NOT_ALLOWED',
        `${parsed.hostname} is not in webhooks.allowed_hosts (${allowedHosts.join(', ')})`,
      )
    return parsed.href
  }

  function checkPatterns(events: string[]): void {
    if (events.length > MAX_PATTERNS)
      throw invalidArgument('INVALID_EVENT_FILTER', `at most ${MAX_PATTERNS} event patterns`)
    eventMatcher(events)
  }

  function mustGet(id: string): WebhookRecord {
    const w = webhooks.get(id)
    if (w == null) throw notFound('WEBHOOK_NOT_FOUND', `no webhook with id "${id}"`)
    return w
  }

  /** One delivery per endpoint whose filter matches. */
  async function onEvent(e: BusEvent): Promise<void> {
    if (e.type === 'daemon.stopping') return
    const targets = [...webhooks.values()].filter((w) => w.enabled && matchers.get(w.id)?.(e.type))
    if (targets.length === 0) return
    const body = JSON.stringify({
      type: e.type,
      timestamp: new Date(e.at).toISOString(),
      data: c.serialize(e),
    })
    const now = Date.now()
    await queue.add(targets.map((w) => newDelivery(w.id, e.type, body, now)))
  }

  /** Endpoints from moltbook.toml: recreated at every start with a stable id per URL. */
  async function syncConfigured(configured: WebhookEndpointConfig[]): Promise<void> {
    const wanted = new Map<string, WebhookRecord>()
    for (const e of configured) {
      if (!isSecret(e.secret))
        throw invalidArgument(
          'CONFIG_INVALID',
          `webhooks.endpoints: the secret of ${e.url} must be "whsec_" + base64 (16-64 bytes)`,
        )
      const url = checkUrl(e.url)
      const events = e.events
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
      checkPatterns(events)
      const id = `wh_cfg_${createHash('sha256').update(e.url).digest('hex').slice(0, 16)}`
      const existing = webhooks.get(id)
      wanted.set(id, {
        id,
        url,
        events,
        description: e.description,
        secret: e.secret,
        enabled: existing?.enabled ?? true,
        disabledReason: existing?.disabledReason ?? '',
        createdAtMs: existing?.createdAtMs ?? Date.now(),
        fromConfig: true,
      })
    }
    for (const w of [...webhooks.values()]) {
      if (w.fromConfig && !wanted.has(w.id)) {
        webhooks.delete(w.id)
        await store.deleteWebhook(w.id)
      }
    }
    for (const w of wanted.values()) {
      remember(w)
      await store.putWebhook(w)
    }
  }

  const service = {
    async create(req: {
      url: string
      events: string[]
      description: string
    }): Promise<{ webhook: WebhookRecord; secret: string }> {
      const url = checkUrl(req.url)
      checkPatterns(req.events)
      if (req.description.length > 1024)
        throw invalidArgument('INVALID_ARGUMENT', 'description is at most 1024 characters')
      if (webhooks.size >= MAX_WEBHOOKS)
        throw failedPrecondition('TOO_MANY_WEBHOOKS', `at most ${MAX_WEBHOOKS} webhooks`)
      const webhook: WebhookRecord = {
        id: newId('wh'),
        url,
        events: req.events,
        description: req.description,
        secret: newSecret(),
        enabled: true,
        disabledReason: '',
        createdAtMs: Date.now(),
        fromConfig: false,
      }
      await store.putWebhook(webhook)
      remember(webhook)
      logger.info({ webhook: webhook.id, url: webhook.url, events: webhook.events }, 'webhook created')
      return { webhook, secret: webhook.secret }
    },

    list: (): WebhookRecord[] => [...webhooks.values()].sort((a, b) => a.createdAtMs - b.createdAtMs),

    async delete(id: string): Promise<void> {
      const w = mustGet(id)
      if (w.fromConfig)
        throw failedPrecondition(
          'WEBHOOK_FROM_CONFIG',
          `webhook ${id} is declared in moltbook.toml; remove it there`,
        )
      webhooks.delete(id)
      matchers.delete(id)
      await store.deleteWebhook(id)
      await queue.drop(id, 'webhook deleted')
      logger.info({ webhook: id }, 'webhook deleted')
    },

    async deliveries(req: { webhookId: string; status: string; pageSize: number; pageToken: string }) {
      // A push target's deliveries (an A2A push config, id "whp_...") can be listed by its id too.
      if (req.webhookId !== '' && !targets.has(req.webhookId)) mustGet(req.webhookId)
      if (req.status !== '' && !STATUSES.includes(req.status as DeliveryStatus))
        throw invalidArgument('INVALID_ARGUMENT', `status is one of ${STATUSES.join(', ')}`)
      if (req.pageToken !== '' && !/^whd_[0-9a-z]{26}$/.test(req.pageToken))
        throw invalidArgument('INVALID_CURSOR', 'page_token is not a delivery id')
      const limit = pageSize(req.pageSize)
      const page = await store.deliveries(
        {
          webhookId: req.webhookId === '' ? undefined : req.webhookId,
          status: req.status === '' ? undefined : (req.status as DeliveryStatus),
        },
        req.pageToken,
        limit,
      )
      return { deliveries: page, nextPageToken: page.length === limit ? (page.at(-1)?.id ?? '') : '' }
    },

    /** Queues a delivery again (any status), with a fresh retry schedule. */
    async redeliver(deliveryId: string): Promise<DeliveryRecord> {
      const d = deliveryId === '' ? undefined : await store.getDelivery(deliveryId)
      if (d == null) throw notFound('DELIVERY_NOT_FOUND', `no webhook delivery with id "${deliveryId}"`)
      const w: DeliveryTarget = targets.get(d.webhookId) ?? mustGet(d.webhookId)
      if (!w.enabled)
        throw failedPrecondition('WEBHOOK_DISABLED', `webhook ${w.id} is disabled: ${w.disabledReason}`)
      const next: DeliveryRecord = {
        ...d,
        status: 'pending',
        attempts: 0,
        nextAttemptAtMs: Date.now(),
        lastError: '',
      }
      await store.saveDeliveries([next])
      queue.schedule(next)
      return next
    },

    /** Sends a `webhook.test` event now (not queued, not retried) and reports what the endpoint said. */
    async test(id: string) {
      const w = mustGet(id)
      const deliveryId = newId('whd')
      const body = JSON.stringify({
        type: 'webhook.test',
        timestamp: new Date().toISOString(),
        data: { webhookId: w.id, note: 'test delivery from moltmesh' },
      })
      const headers = await signatureHeaders(w.secret, c.sign, deliveryId, body)
      return sender.post(w.url, headers, body)
    },
  }

  return {
    service,
    /** Targets fed by other subsystems (A2A push configs), see push-targets.ts. */
    push,
    /** Starts with the endpoints of moltbook.toml (or `configured`, e.g. in benchmarks). */
    async start(configured: WebhookEndpointConfig[] = options.endpoints): Promise<void> {
      for (const w of await store.webhooks()) remember(w)
      await push.load()
      await syncConfigured(configured)
      // Deliveries of events arriving together are written in one batch (see saveDeliveries); a
      // failed write is logged, never thrown into the code that emitted the event.
      unsubscribe = c.events.subscribe((e) => {
        onEvent(e).catch((err: unknown) =>
          logger.error({ err, type: e.type }, 'cannot queue webhook deliveries'),
        )
      })
      const resumed = await queue.resume()
      if (resumed > 0) logger.info({ pending: resumed }, 'resuming webhook deliveries')
      // Finished deliveries are kept for listing and redelivery, then pruned: now and hourly.
      const prune = () => {
        pruning = store
          .prune(Date.now() - options.deliveryRetentionMs)
          .then((removed) => {
            if (removed > 0) logger.info({ removed }, 'pruned old webhook deliveries')
          })
          .catch((err: unknown) => logger.warn({ err }, 'cannot prune webhook deliveries'))
      }
      prune()
      pruneTimer = setInterval(prune, PRUNE_INTERVAL_MS)
      pruneTimer.unref()
    },
    async stop(): Promise<void> {
      clearInterval(pruneTimer)
      await pruning
      unsubscribe?.()
      queue.stop()
      await sender.close().catch(() => undefined)
    },
  }
}

export type Webhooks = Awaited<ReturnType<typeof createWebhooks>>
export type WebhooksService = Webhooks['service']
