// A2A push notifications go through the daemon's webhook machinery (daemon/a2a/push-notifications.ts
// over daemon/webhooks/push-targets.ts): a real HTTP receiver that is down when the task changes
// gets the notification once it comes up; a daemon killed with SIGKILL after it acknowledged the
// config and queued the notification delivers it after its restart, and keeps notifying the task's
// later changes; every notification carries the A2A token and verifiable webhook signatures.

import { SendMessageRequest, type Task, TaskState } from '@a2a-js/sdk'
import { type Client, ClientFactory } from '@a2a-js/sdk/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runWorker, textOf, types } from '../../clients/ts/index.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { freePort } from '../harness/free-port.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { WebhookReceiver } from '../harness/webhook-receiver.ts'

let seq = 0
function request(text: string, extra: { taskId?: string; push?: object } = {}) {
  return SendMessageRequest.fromJSON({
    message: {
      messageId: `push-${Date.now()}-${seq++}`,
      role: 'ROLE_USER',
      parts: [{ text }],
      metadata: { skill: 'ask' },
      ...(extra.taskId != null ? { taskId: extra.taskId } : {}),
    },
    configuration: {
      returnImmediately: true,
      ...(extra.push != null ? { taskPushNotificationConfig: extra.push } : {}),
    },
  })
}

/** A receiver that knows its URL while it is down (it comes back on the same port). */
async function downReceiver(token: string, senderDid: string) {
  const receiver = await new WebhookReceiver().start()
  const url = receiver.url
  const port = Number(new URL(url).port)
  await receiver.stop()
  // The HMAC key of the `v1` signature is the config's token (docs/a2a.md).
  receiver.secret = `whsec_${Buffer.from(token).toString('base64')}`
  receiver.senderDid = senderDid
  return { receiver, url, port }
}

describe('A2A push notifications through the webhook queue', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess
  let client: Client
  let agentUrl: string
  const stopWorker = new AbortController()

  beforeAll(async () => {
    // B first, so that A (the gateway) bootstraps to B's unchanged address again after its restart.
    b = await mesh.spawn('b')
    const port = await freePort()
    a = await mesh.spawn('a', {
      args: ['--a2a-listen', `127.0.0.1:${port}`],
      bootstrap: [b.info!.tcpAddress],
      // Short retry delays, so a receiver that comes back is reached within the test.
      env: { MOLTMESH_WEBHOOKS_RETRY_SCHEDULE_MS: '0,300,600,1000,1000,1000,1000,1000,1000,1000,1000,1000' },
    })
    await mesh.connectAll([a, b])
    void runWorker(
      b.client,
      [{ id: 'ask', description: 'asks for a name' }],
      async (ctx) => `hello ${textOf(await ctx.askInput('what is your name?'))}`,
      { signal: stopWorker.signal, concurrency: 4, reconnect: false, onStatus: () => {} },
    ).catch(() => undefined)
    await waitFor(
      async () => (await a.client.a2a.getAgentCard({ did: b.did })).card?.skills.length === 1,
      30_000,
      "B's skill on its card",
    )
    agentUrl = `http://127.0.0.1:${port}/agents/${b.did}`
    client = await new ClientFactory().createFromUrl(`${agentUrl}/`)
  }, 90_000)

  afterAll(() => stopWorker.abort())

  /** A's pending push deliveries that were tried at least once (the receiver refused the connection). */
  const failedAttempt = async () =>
    (await a.client.ext.listWebhookDeliveries({ status: 'pending' })).deliveries.find(
      (d) => d.eventType === 'a2a.push' && d.attempts >= 1,
    )

  it('delivers to a receiver that was down when the task changed, once it is up, signed', async () => {
    const token = 'push-token-receiver-down'
    const { receiver, url, port } = await downReceiver(token, a.did)
    const task = (await client.sendMessage(request('who?', { push: { url, token } }))) as Task
    // Every notification queued so far (WORKING, then INPUT_REQUIRED) was tried and refused.
    await waitFor(
      async () =>
        (await a.client.a2a.getTask({ id: task.id })).task?.state ===
        types.TaskState.TASK_STATE_INPUT_REQUIRED,
      20_000,
      'the task to ask for input',
    )
    const refused = await waitFor(
      async () => {
        const pending = (await a.client.ext.listWebhookDeliveries({ status: 'pending' })).deliveries.filter(
          (d) => d.eventType === 'a2a.push',
        )
        return pending.length > 0 && pending.every((d) => d.attempts >= 1) ? pending : undefined
      },
      20_000,
      'refused push attempts',
    )
    expect(refused.every((d) => d.lastError !== '')).toBe(true)
    expect(receiver.received).toEqual([])

    await receiver.start(port)
    const pushed = await waitFor(
      () => receiver.received.find((r) => r.body.includes('TASK_STATE_INPUT_REQUIRED')),
      20_000,
      'the INPUT_REQUIRED notification',
    )
    expect(JSON.parse(pushed.body).statusUpdate.taskId).toBe(task.id)
    expect(pushed.headers['x-a2a-notification-token']).toBe(token)
    expect(pushed.hmacValid).toBe(true)
    expect(pushed.ed25519Valid).toBe(true)
    // The same delivery id on every attempt, so a receiver can de-duplicate.
    expect(refused.map((d) => d.id)).toContain(pushed.id)
    // Deleting the config drops what it has not delivered yet: the cancel below notifies nobody.
    const configs = await client.listTaskPushNotificationConfig({ tenant: '', taskId: task.id } as never)
    await client.deleteTaskPushNotificationConfig({ tenant: '', taskId: task.id, id: configs.configs[0]!.id })
    await receiver.stop()
    await client.cancelTask({ tenant: '', id: task.id, metadata: undefined })
  })

  it('delivers after the daemon is SIGKILLed between acknowledging and delivering, and keeps notifying', async () => {
    const token = 'push-token-daemon-killed'
    const { receiver, url, port } = await downReceiver(token, a.did)
    const task = (await client.sendMessage(request('who?', { push: { url, token } }))) as Task
    // Acknowledged (the call returned) and queued (tried once, refused): now the crash.
    await waitFor(failedAttempt, 20_000, 'a failed push attempt')
    await a.kill()
    await receiver.start(port)
    await a.start()
    const first = await waitFor(
      () => receiver.received.find((r) => r.body.includes('TASK_STATE_INPUT_REQUIRED')),
      30_000,
      'the INPUT_REQUIRED notification after the restart',
    )
    expect(first.hmacValid).toBe(true)
    expect(first.ed25519Valid).toBe(true)
    // Sent by the resumed queue (not queued again by the resumed watcher: there is exactly one below).
    expect(a.output.some((l) => l.includes('resuming webhook deliveries'))).toBe(true)

    // The config survived too: the answer's completion is notified, with the output.
    const restarted = await new ClientFactory().createFromUrl(`${agentUrl}/`)
    await waitFor(
      async () => (await a.client.a2a.getAgentCard({ did: b.did })).card?.skills.length === 1,
      30_000,
      "B's card seen again",
    )
    await restarted.sendMessage(request('Ada', { taskId: task.id }))
    const done = await waitFor(
      () => receiver.received.find((r) => r.body.includes('TASK_STATE_COMPLETED')),
      30_000,
      'the COMPLETED notification',
    )
    const body = JSON.parse(done.body)
    expect(body.task.id).toBe(task.id)
    expect(body.task.artifacts[0].parts[0].text).toBe('hello Ada')
    expect(done.hmacValid).toBe(true)
    expect(receiver.received.filter((r) => r.body.includes('TASK_STATE_INPUT_REQUIRED'))).toHaveLength(1)
    const configs = await restarted.listTaskPushNotificationConfig({ tenant: '', taskId: task.id } as never)
    expect(configs.configs.map((c) => c.url)).toEqual([url])
    await receiver.stop()
    expect(
      (await restarted.getTask({ tenant: '', id: task.id, historyLength: undefined })).status?.state,
    ).toBe(TaskState.TASK_STATE_COMPLETED)
  }, 120_000)

  it('refuses a push config the webhook rules refuse (credentials in the URL) before creating a task', async () => {
    const before = (await a.client.a2a.listTasks({ pageSize: 100 })).tasks.length
    await expect(
      client.sendMessage(request('who?', { push: { url: 'http://user:pw@127.0.0.1:9/x', token: 't' } })),
    ).rejects.toMatchObject({ message: expect.stringContaining('credentials') })
    expect((await a.client.a2a.listTasks({ pageSize: 100 })).tasks.length).toBe(before)
  })
})
