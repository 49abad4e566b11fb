// Webhooks to a real HTTP receiver that checks both signatures: events arrive; a receiver that is
// down for a while gets them later; pending retries survive SIGKILL; 410 disables; dead letters can be
// redelivered; Retry-After is honoured; the secret is never shown again or logged; bad input and
// configured endpoints.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { reasonOf } from '../harness/errors.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { text } from '../harness/messages.ts'
import { WebhookReceiver } from '../harness/webhook-receiver.ts'

describe('webhooks', () => {
  const mesh = useMesh()
  const receivers: WebhookReceiver[] = []
  let a: DaemonProcess
  let b: DaemonProcess
  const env = { MOLTMESH_WEBHOOKS_RETRY_SCHEDULE_MS: '0,400,400,400' }

  async function receiver(): Promise<WebhookReceiver> {
    const r = await new WebhookReceiver().start()
    r.senderDid = b.info!.did
    receivers.push(r)
    return r
  }

  async function hook(r: WebhookReceiver, events: string[]) {
    const res = await b.client.ext.createWebhook({ url: r.url, events, description: 'test' })
    r.secret = res.secret
    return res.webhook!
  }

  beforeAll(async () => {
    const daemons = await mesh.spawnMany(2, { env })
    a = daemons[0]!
    b = daemons[1]!
  }, 60_000)
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()))
  })

  it('delivers events signed with both v1 (HMAC) and v1a (Ed25519); secrets are shown once', async () => {
    const r = await receiver()
    const webhook = await hook(r, ['message.received', 'task.*'])
    expect(r.secret).toMatch(/^whsec_/)
    const { id } = await a.client.a2a.sendMessage({ to: b.info!.did, parts: text('hello hook') })
    const got = await waitFor(() => r.ofType('message.received')[0], 15_000)
    expect(got.hmacValid).toBe(true)
    expect(got.ed25519Valid).toBe(true)
    expect(got.id).toMatch(/^whd_/)
    expect(Math.abs(Number(got.timestamp) * 1000 - Date.now())).toBeLessThan(60_000)
    expect((got.json.data.message as { id: string; parts: Array<{ text: string }> }).id).toBe(id)
    expect((got.json.data.message as { parts: Array<{ text: string }> }).parts[0]?.text).toBe('hello hook')
    // Task events on the assignee side too.
    const created = await a.client.a2a.createTask({ to: b.info!.did, skill: 'nothing', input: text('x') })
    const taskEvent = await waitFor(() => r.ofType('task.created')[0], 15_000)
    expect((taskEvent.json.data.task as { id: string }).id).toBe(created.task!.id)
    await waitFor(() => r.ofType('task.rejected')[0], 15_000)
    // Only the types asked for: no peer or other message events.
    expect(
      r.received.every((x) => x.json.type === 'message.received' || x.json.type.startsWith('task.')),
    ).toBe(true)
    const listed = await b.client.ext.listWebhooks({})
    expect(listed.webhooks.find((w) => w.id === webhook.id)).toMatchObject({ url: r.url, enabled: true })
    const cli = await b.cli('--json', 'webhook', 'list')
    expect(cli.stdout).toContain(webhook.id)
    expect(cli.stdout).not.toContain(r.secret)
    expect(JSON.stringify(listed)).not.toContain(r.secret)
    expect(b.dumpOutput()).not.toContain(r.secret.slice('whsec_'.length))
    const deliveries = await b.client.ext.listWebhookDeliveries({
      webhookId: webhook.id,
      status: 'succeeded',
    })
    expect(deliveries.deliveries.map((d) => d.id)).toContain(got.id)
    const test = await b.client.ext.testWebhook({ id: webhook.id })
    expect([test.ok, test.statusCode]).toEqual([true, 204])
    await b.client.ext.deleteWebhook({ id: webhook.id })

    // The same through the CLI.
    const added = await b.cli('webhook', 'add', '--url', r.url, '--events', 'message.*')
    expect(added.code, added.stderr).toBe(0)
    const cliId = /^Webhook ID\s+(wh_\w+)$/m.exec(added.stdout)?.[1]
    r.secret = /^Secret\s+(whsec_\S+)$/m.exec(added.stdout)?.[1] ?? ''
    expect(cliId).toBeDefined()
    const tested = await b.cli('webhook', 'test', cliId!)
    expect(tested.stdout).toMatch(/^OK\s+true$/m)
    expect(r.ofType('webhook.test').at(-1)?.hmacValid).toBe(true)
    await a.client.a2a.sendMessage({ to: b.info!.did, parts: text('via cli hook') })
    await waitFor(() => r.received.filter((x) => x.json.type === 'message.received').length >= 2, 15_000)
    const listedDeliveries = await b.cli('webhook', 'deliveries', '--webhook', cliId!)
    expect(listedDeliveries.stdout).toMatch(/message\.received\s+succeeded attempts 1 {2}last HTTP 204/)
    expect((await b.cli('webhook', 'rm', cliId!)).stdout).toContain(`deleted ${cliId}`)
  }, 60_000)

  it('retries while the receiver is down, honours Retry-After, and dead-letters after the schedule', async () => {
    const r = await receiver()
    let down = true
    r.reply = (req) => {
      if (req.json.type !== 'message.received') return { status: 204 }
      if (down) return { status: 503 }
      return { status: 204 }
    }
    const webhook = await hook(r, ['message.received'])
    await a.client.a2a.sendMessage({ to: b.info!.did, parts: text('while down') })
    await waitFor(() => r.attempts.length >= 2, 15_000)
    down = false
    const got = await waitFor(() => r.received[0], 15_000)
    expect(got.json.type).toBe('message.received')
    // Every attempt of one delivery carries the same webhook-id.
    expect(new Set(r.attempts.map((x) => x.id)).size).toBe(1)

    // Retry-After: 1 s is waited for even though the schedule says 400 ms.
    r.attempts.length = 0
    r.received.length = 0
    let first = true
    r.reply = () => {
      if (!first) return { status: 200 }
      first = false
      return { status: 429, headers: { 'retry-after': '1' } }
    }
    await a.client.a2a.sendMessage({ to: b.info!.did, parts: text('slow down') })
    await waitFor(() => r.received[0], 15_000)
    expect(r.attempts).toHaveLength(2)
    expect(r.attempts[1]!.at - r.attempts[0]!.at).toBeGreaterThanOrEqual(950)

    // Always failing: dead-lettered after the 4 attempts of the schedule, then redelivered by hand.
    r.attempts.length = 0
    r.received.length = 0
    r.reply = () => ({ status: 500 })
    await a.client.a2a.sendMessage({ to: b.info!.did, parts: text('doomed') })
    const dead = await waitFor(async () => {
      const res = await b.client.ext.listWebhookDeliveries({ webhookId: webhook.id, status: 'failed' })
      return res.deliveries[0]
    }, 20_000)
    expect([dead.attempts, dead.lastStatusCode, dead.lastError]).toEqual([4, 500, 'HTTP 500'])
    expect(r.attempts).toHaveLength(4)
    r.reply = () => ({ status: 200 })
    const again = await b.client.ext.redeliverWebhook({ deliveryId: dead.id })
    expect(again.delivery!.status).toBe('pending')
    const redelivered = await waitFor(() => r.received[0], 15_000)
    expect(redelivered.id).toBe(dead.id)
    expect(redelivered.hmacValid).toBe(true)
    await b.client.ext.deleteWebhook({ id: webhook.id })
  }, 90_000)

  it('410 Gone disables the endpoint', async () => {
    const r = await receiver()
    r.reply = () => ({ status: 410 })
    const webhook = await hook(r, ['message.received'])
    await a.client.a2a.sendMessage({ to: b.info!.did, parts: text('gone?') })
    const disabled = await waitFor(async () => {
      const w = (await b.client.ext.listWebhooks({})).webhooks.find((x) => x.id === webhook.id)
      return w?.enabled === false ? w : undefined
    }, 15_000)
    expect(disabled.disabledReason).toContain('410')
    const before = r.attempts.length
    const deliveries = async () =>
      (await b.client.ext.listWebhookDeliveries({ webhookId: webhook.id })).deliveries.length
    const queued = await deliveries()
    const ignored = await a.client.a2a.sendMessage({ to: b.info!.did, parts: text('ignored') })
    // B stores the message and emits message.received in one step: once B has it, a delivery to an
    // enabled webhook would be queued.
    await waitFor(
      async () => (await b.client.a2a.getMessage({ id: ignored.id }).catch(() => undefined))?.message,
      15_000,
      'the message at B',
    )
    expect(await deliveries()).toBe(queued)
    expect(r.attempts.length).toBe(before)
    expect(await reasonOf(b.client.ext.redeliverWebhook({ deliveryId: r.attempts[0]!.id }))).toBe(
      'FAILED_PRECONDITION:WEBHOOK_DISABLED',
    )
  }, 60_000)

  it('pending retries survive a SIGKILL of the daemon and are delivered after restart', async () => {
    const r = await receiver()
    // Asks for 3 s: the retry is certainly still pending when the daemon is killed.
    r.reply = () => ({ status: 503, headers: { 'retry-after': '3' } })
    await hook(r, ['message.received'])
    // The webhook itself survives a crash too.
    await b.kill()
    await b.restart()
    await a.client.diag.connectPeer({ target: b.info!.tcpAddress })
    await a.client.a2a.sendMessage({ to: b.info!.did, parts: text('survive') })
    await waitFor(() => r.attempts.length >= 1, 15_000)
    await b.kill()
    r.reply = () => ({ status: 200 })
    const attemptsBefore = r.attempts.length
    await b.restart()
    const got = await waitFor(() => r.received.find((x) => x.json.type === 'message.received'), 20_000)
    expect(got.id).toBe(r.attempts[0]!.id)
    expect(r.attempts.length).toBeGreaterThan(attemptsBefore)
  }, 90_000)

  it('refuses bad input with reason codes; endpoints from moltbook.toml cannot be deleted by RPC', async () => {
    expect(await reasonOf(b.client.ext.createWebhook({ url: 'not a url' }))).toBe(
      'INVALID_ARGUMENT:INVALID_URL',
    )
    expect(await reasonOf(b.client.ext.createWebhook({ url: 'ftp://x/y' }))).toBe(
      'INVALID_ARGUMENT:INVALID_URL',
    )
    // Header injection through the URL: CR/LF (and every other control character) is refused, not
    // dropped by the URL parser at send time (issue 15, item 13); a URL is stored as it will be sent.
    for (const url of [
      'http://127.0.0.1:1/x\r\nX-Injected: 1',
      'http://127.0.0.1:1/\u0000',
      'http://127.0.0.1:1/\t',
    ])
      expect(await reasonOf(b.client.ext.createWebhook({ url }))).toBe('INVALID_ARGUMENT:INVALID_URL')
    const normalised = await b.client.ext.createWebhook({ url: 'HTTP://127.0.0.1:1/a b?q=é' })
    expect(normalised.webhook?.url).toBe('http://127.0.0.1:1/a%20b?q=%C3%A9')
    await b.client.ext.deleteWebhook({ id: normalised.webhook!.id })
    expect(
      await reasonOf(b.client.ext.createWebhook({ url: 'http://127.0.0.1:1/x', events: ['Bad Type'] })),
    ).toBe('INVALID_ARGUMENT:INVALID_EVENT_FILTER')
    expect(await reasonOf(b.client.ext.deleteWebhook({ id: 'wh_nope' }))).toBe('NOT_FOUND:WEBHOOK_NOT_FOUND')
    expect(await reasonOf(b.client.ext.redeliverWebhook({ deliveryId: 'whd_nope' }))).toBe(
      'NOT_FOUND:DELIVERY_NOT_FOUND',
    )
    expect(await reasonOf(b.client.ext.listWebhookDeliveries({ status: 'lost' }))).toBe(
      'INVALID_ARGUMENT:INVALID_ARGUMENT',
    )

    const r = await new WebhookReceiver().start()
    receivers.push(r)
    r.secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
    const configFile = join(mesh.root, 'hooks.toml')
    writeFileSync(
      configFile,
      `[webhooks]\nallowed_hosts = "127.0.0.1"\n\n[[webhooks.endpoints]]\nurl = "${r.url}"\nevents = "message.*"\nsecret = "${r.secret}"\n`,
    )
    const c = await mesh.spawn('configured', { args: ['--config', configFile] })
    r.senderDid = c.info!.did
    const listed = (await c.client.ext.listWebhooks({})).webhooks
    expect(listed).toHaveLength(1)
    expect(listed[0]!.url).toBe(r.url)
    expect(await reasonOf(c.client.ext.deleteWebhook({ id: listed[0]!.id }))).toBe(
      'FAILED_PRECONDITION:WEBHOOK_FROM_CONFIG',
    )
    expect(await reasonOf(c.client.ext.createWebhook({ url: 'http://example.com/hook' }))).toBe(
      'FAILED_PRECONDITION:WEBHOOK_TARGET_NOT_ALLOWED',
    )
    await a.client.diag.connectPeer({ target: c.info!.tcpAddress })
    await a.client.a2a.sendMessage({ to: c.info!.did, parts: text('configured') })
    const got = await waitFor(() => r.ofType('message.received')[0], 15_000)
    expect([got.hmacValid, got.ed25519Valid]).toEqual([true, true])
  }, 60_000)
})
