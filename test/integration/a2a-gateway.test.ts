// The A2A gateway (daemon/a2a/) driven by the stock @a2a-js/sdk client: daemon A serves the gateway,
// daemon B's agent serves skills through an SDK worker, and every A2A call to B goes through A's
// gateway and the mesh. Both protocol versions (1.0 and the 0.3 names) and hostile input.

import { execFile } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import {
  type AgentCard,
  ListTasksRequest,
  SendMessageRequest,
  type StreamResponse,
  type Task,
  TaskState,
} from '@a2a-js/sdk'
import {
  type Client,
  ClientFactory,
  ClientFactoryOptions,
  JsonRpcTransportFactory,
  RestTransportFactory,
} from '@a2a-js/sdk/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runWorker, textOf } from '../../clients/ts/index.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { freePort } from '../harness/free-port.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { REPO_ROOT } from '../harness/paths.ts'
import { WebhookReceiver } from '../harness/webhook-receiver.ts'

const TOKEN = 'a2a-test-token-0123456789'

/** A response body as loosely typed JSON (the assertions check its shape). */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
async function json(res: Response): Promise<any> {
  return res.json()
}

let seq = 0
/** A SendMessageRequest in the SDK's types, from its JSON form. */
function request(
  parts: object[],
  extra: {
    taskId?: string
    skill?: string
    returnImmediately?: boolean
    push?: object
    messageId?: string
  } = {},
) {
  return SendMessageRequest.fromJSON({
    message: {
      messageId: extra.messageId ?? `m-${Date.now()}-${seq++}`,
      role: 'ROLE_USER',
      parts,
      ...(extra.taskId != null ? { taskId: extra.taskId } : {}),
      ...(extra.skill != null ? { metadata: { skill: extra.skill } } : {}),
    },
    configuration: {
      returnImmediately: extra.returnImmediately ?? false,
      ...(extra.push != null ? { taskPushNotificationConfig: extra.push } : {}),
    },
  })
}

const texts = (task: Task) =>
  task.artifacts.flatMap((a) => a.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')))

describe('A2A gateway', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess
  let base: string
  let agentUrl: string
  let client: Client
  const stopWorker = new AbortController()

  beforeAll(async () => {
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    a = await mesh.spawn('a', { args: ['--a2a-listen', `127.0.0.1:${port}`] })
    b = await mesh.spawn('b', { bootstrap: [a.info!.tcpAddress] })
    await mesh.connectAll([a, b])
    void runWorker(
      b.client,
      [
        { id: 'echo', description: 'echoes text and lists files' },
        { id: 'ask', description: 'asks for a name' },
        { id: 'slow', description: 'runs until canceled' },
      ],
      async (ctx) => {
        if (ctx.task.skill === 'ask') {
          const answer = await ctx.askInput('what is your name?')
          return `hello ${textOf(answer)}`
        }
        if (ctx.task.skill === 'slow') {
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve))
          return undefined
        }
        await ctx.chunk('partial')
        const files = ctx.task.input
          .filter((p) => p.artifact != null)
          .map((p) => ({ name: p.artifact?.name, size: p.artifact?.size }))
        return [{ text: `echo: ${ctx.text}` }, { dataJson: JSON.stringify({ files }) }]
      },
      { signal: stopWorker.signal, reconnect: false, onStatus: () => {} },
    ).catch(() => undefined)
    // A sees B's card with the offered skills (the gateway reads it there).
    await waitFor(
      async () => (await a.client.a2a.getAgentCard({ did: b.did })).card?.skills.length === 3,
      30_000,
      "B's skills on its card",
    )
    agentUrl = `${base}/agents/${b.did}`
    client = await new ClientFactory().createFromUrl(`${agentUrl}/`)
  }, 90_000)

  afterAll(() => stopWorker.abort())

  it("serves B's verified card as an A2A agent card through A", async () => {
    const card: AgentCard = await client.getAgentCard()
    expect(card.skills.map((s) => s.id).sort()).toEqual(['ask', 'echo', 'slow'])
    expect(card.supportedInterfaces.map((i) => `${i.protocolBinding} ${i.protocolVersion}`)).toEqual([
      'JSONRPC 1.0',
      'JSONRPC 0.3',
      'HTTP+JSON 1.0',
    ])
    expect(card.supportedInterfaces[0]?.url).toBe(agentUrl)
    expect(card.capabilities?.streaming).toBe(true)
    const self = await json(await fetch(`${base}/agents/self/.well-known/agent-card.json`))
    expect(self.metadata.did).toBe(a.did)
  })

  it('sends a message (SendMessage), gets the task, lists it, and dedupes a retry by messageId', async () => {
    const req = request([{ text: 'hi' }], { skill: 'echo' })
    const task = (await client.sendMessage(req)) as Task
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(texts(task)).toContain('echo: hi')
    const again = (await client.sendMessage(req)) as Task
    expect(again.id).toBe(task.id)
    const got = await client.getTask({ tenant: '', id: task.id, historyLength: undefined })
    expect(got.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(got.contextId).toBe(task.contextId)
    const listed = await client.listTasks(ListTasksRequest.fromJSON({ contextId: task.contextId }))
    expect(listed.tasks.map((t) => t.id)).toContain(task.id)
    // The mesh side: the same task on B, assigned to B's agent.
    const onB = (await b.client.a2a.getTask({ id: task.id })).task
    expect(onB?.skill).toBe('echo')
  })

  it('streams events (SendStreamingMessage) and maps a file part to an artifact', async () => {
    const events: StreamResponse[] = []
    const file = Buffer.from('file content for the mesh')
    for await (const e of client.sendMessageStream(
      request([
        { text: 'stream' },
        { raw: file.toString('base64'), filename: 'note.txt', mediaType: 'text/plain' },
      ]),
    ))
      events.push(e)
    const kinds = events.map((e) => e.payload?.$case)
    expect(kinds[0]).toBe('task')
    expect(kinds).toContain('artifactUpdate')
    const last = events.at(-1)?.payload
    expect(last?.$case).toBe('statusUpdate')
    if (last?.$case === 'statusUpdate') expect(last.value.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
    const chunks = events.flatMap((e) =>
      e.payload?.$case === 'artifactUpdate'
        ? e.payload.value.artifact?.parts.map((p) => p.content?.value)
        : [],
    )
    expect(chunks).toContain('partial')
    const data = events.flatMap((e) =>
      e.payload?.$case === 'artifactUpdate'
        ? (e.payload.value.artifact?.parts.filter((p) => p.content?.$case === 'data') ?? [])
        : [],
    )
    expect(data[0]?.content?.value).toEqual({ files: [{ name: 'note.txt', size: file.length }] })
  })

  it('asks for input (INPUT_REQUIRED) and takes the answer on the same task id', async () => {
    const first = (await client.sendMessage(request([{ text: 'who?' }], { skill: 'ask' }))) as Task
    expect(first.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
    const question = first.status?.message?.parts[0]?.content
    expect(question?.value).toBe('what is your name?')
    const done = (await client.sendMessage(request([{ text: 'Ada' }], { taskId: first.id }))) as Task
    expect(done.id).toBe(first.id)
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(texts(done)).toEqual(['hello Ada'])
  })

  it('cancels a running task (CancelTask); a second cancel is TaskNotCancelable', async () => {
    const task = (await client.sendMessage(
      request([{ text: 'x' }], { skill: 'slow', returnImmediately: true }),
    )) as Task
    const canceled = await client.cancelTask({ tenant: '', id: task.id, metadata: undefined })
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED)
    await expect(client.cancelTask({ tenant: '', id: task.id, metadata: undefined })).rejects.toMatchObject({
      name: 'TaskNotCancelableError',
    })
    await expect(
      client.getTask({ tenant: '', id: 'task_nope', historyLength: undefined }),
    ).rejects.toMatchObject({
      name: 'TaskNotFoundError',
    })
  })

  it('pushes status changes to a local receiver with the config token', async () => {
    const receiver = await new WebhookReceiver().start()
    const task = (await client.sendMessage(
      request([{ text: 'push?' }], {
        skill: 'ask',
        returnImmediately: true,
        push: { url: receiver.url, token: 'push-token-1' },
      }),
    )) as Task
    const pushed = await waitFor(
      () => receiver.received.find((r) => r.body.includes('TASK_STATE_INPUT_REQUIRED')),
      20_000,
      'an INPUT_REQUIRED push',
    )
    expect(pushed.headers['x-a2a-notification-token']).toBe('push-token-1')
    const body = JSON.parse(pushed.body)
    expect(body.statusUpdate.taskId).toBe(task.id)
    const configs = await client.listTaskPushNotificationConfig({ tenant: '', taskId: task.id } as never)
    expect(configs.configs.map((c) => c.url)).toEqual([receiver.url])
    await client.deleteTaskPushNotificationConfig({ tenant: '', taskId: task.id, id: configs.configs[0]!.id })
    expect(
      (await client.listTaskPushNotificationConfig({ tenant: '', taskId: task.id } as never)).configs,
    ).toEqual([])
    await client.cancelTask({ tenant: '', id: task.id, metadata: undefined })
  })

  it('speaks the 0.3 method names (SDK compat transport and raw JSON-RPC)', async () => {
    const raw = await json(await fetch(`${agentUrl}/.well-known/agent-card.json`))
    const legacyCard = {
      ...raw,
      supportedInterfaces: raw.supportedInterfaces.filter(
        (i: { protocolVersion: string }) => i.protocolVersion === '0.3',
      ),
    }
    const factory = new ClientFactory(
      ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
        transports: [new JsonRpcTransportFactory({ legacyCompat: { enabled: true } })],
      }),
    )
    const legacy = await factory.createFromAgentCard(
      (await import('@a2a-js/sdk')).AgentCard.fromJSON(legacyCard),
    )
    expect(legacy.protocolVersion).toBe('0.3')
    const task = (await legacy.sendMessage(request([{ text: 'old' }], { skill: 'echo' }))) as Task
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(texts(task)).toContain('echo: old')

    const res = await fetch(agentUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tasks/get', params: { id: task.id } }),
    })
    const body = await json(res)
    expect(body.id).toBe(7)
    expect(body.result.kind).toBe('task')
    expect(body.result.status.state).toBe('completed')
    expect(body.result.artifacts[0].parts[0]).toEqual({ kind: 'text', text: 'echo: old' })

    // A 0.3 push config: its notifications are the 0.3 Task object, through the same webhook queue.
    const rpc03 = async (id: number, method: string, params: object) =>
      json(
        await fetch(agentUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
        }),
      )
    const receiver = await new WebhookReceiver().start()
    const asked = await rpc03(8, 'message/send', {
      message: {
        kind: 'message',
        messageId: `m03-${Date.now()}`,
        role: 'user',
        parts: [{ kind: 'text', text: 'who?' }],
        metadata: { skill: 'ask' },
      },
    })
    expect(asked.result.status.state).toBe('input-required')
    const set = await rpc03(9, 'tasks/pushNotificationConfig/set', {
      taskId: asked.result.id,
      pushNotificationConfig: { id: 'old-style', url: receiver.url, token: 'tok-03' },
    })
    expect(set.result.pushNotificationConfig.id).toBe('old-style')
    await rpc03(10, 'message/send', {
      message: {
        kind: 'message',
        messageId: `m03-answer-${Date.now()}`,
        role: 'user',
        taskId: asked.result.id,
        parts: [{ kind: 'text', text: 'Lin' }],
      },
    })
    const pushed = await waitFor(
      () => receiver.received.find((r) => r.body.includes('"completed"')),
      20_000,
      'the 0.3 COMPLETED push',
    )
    const pushedTask = JSON.parse(pushed.body)
    expect(pushedTask.kind).toBe('task')
    expect(pushedTask.artifacts[0].parts[0]).toEqual({ kind: 'text', text: 'hello Lin' })
    expect(pushed.headers['x-a2a-notification-token']).toBe('tok-03')
    await receiver.stop()
  })

  it('speaks the HTTP+JSON (REST) binding of 1.0 with the SDK REST transport', async () => {
    const factory = new ClientFactory(
      ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
        transports: [new RestTransportFactory()],
      }),
    )
    const rest = await factory.createFromUrl(`${agentUrl}/`)
    const task = (await rest.sendMessage(request([{ text: 'rest' }], { skill: 'echo' }))) as Task
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(texts(task)).toContain('echo: rest')
    const got = await rest.getTask({ tenant: '', id: task.id, historyLength: undefined })
    expect(got.id).toBe(task.id)
    const listed = await rest.listTasks(ListTasksRequest.fromJSON({ contextId: task.contextId }))
    expect(listed.tasks.map((t) => t.id)).toEqual([task.id])
    const kinds: (string | undefined)[] = []
    for await (const e of rest.sendMessageStream(request([{ text: 'rest stream' }], { skill: 'echo' })))
      kinds.push(e.payload?.$case)
    expect(kinds[0]).toBe('task')
    expect(kinds.at(-1)).toBe('statusUpdate')
    // Input required, answered on the same task; push configs; cancel; errors as the SDK's classes.
    const asked = (await rest.sendMessage(request([{ text: '?' }], { skill: 'ask' }))) as Task
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
    const receiver = await new WebhookReceiver().start()
    const config = await rest.createTaskPushNotificationConfig({
      tenant: '',
      id: 'cfg-1',
      taskId: asked.id,
      url: receiver.url,
      token: 'rest-token',
      authentication: undefined,
    })
    expect(config.id).toBe('cfg-1')
    const configs = await rest.listTaskPushNotificationConfig({ tenant: '', taskId: asked.id } as never)
    expect(configs.configs.map((c) => c.id)).toEqual(['cfg-1'])
    const done = (await rest.sendMessage(request([{ text: 'Grace' }], { taskId: asked.id }))) as Task
    expect(texts(done)).toEqual(['hello Grace'])
    const pushed = await waitFor(
      () => receiver.received.find((r) => r.body.includes('hello Grace')),
      20_000,
      'the COMPLETED push',
    )
    expect(pushed.headers['x-a2a-notification-token']).toBe('rest-token')
    await rest.deleteTaskPushNotificationConfig({ tenant: '', taskId: asked.id, id: 'cfg-1' })
    expect(
      (await rest.listTaskPushNotificationConfig({ tenant: '', taskId: asked.id } as never)).configs,
    ).toEqual([])
    await receiver.stop()
    await expect(rest.cancelTask({ tenant: '', id: task.id, metadata: undefined })).rejects.toMatchObject({
      name: 'TaskNotCancelableError',
    })
    await expect(
      rest.getTask({ tenant: '', id: 'task_nope', historyLength: undefined }),
    ).rejects.toMatchObject({ name: 'TaskNotFoundError' })
    const extended = await fetch(`${agentUrl}/extendedAgentCard`)
    expect(extended.status).toBe(400)
    expect((await json(extended)).error.details[0].reason).toBe('EXTENDED_AGENT_CARD_NOT_CONFIGURED')
    const page = await json(await fetch(`${agentUrl}/tasks?pageSize=1`))
    expect(page.tasks).toHaveLength(1)
    expect(page.nextPageToken).not.toBe('')
    // Raw HTTP: unknown operation, wrong method, wrong content type, bad JSON.
    const unknown = await fetch(`${agentUrl}/tasks/x:explode`, { method: 'POST' })
    expect(unknown.status).toBe(404)
    expect((await json(unknown)).error.details[0].metadata.reason).toBe('NOT_FOUND')
    expect((await fetch(`${agentUrl}/message:send`)).status).toBe(405)
    const xml = await fetch(`${agentUrl}/message:send`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<message/>',
    })
    expect(xml.status).toBe(415)
    expect((await json(xml)).error.details[0].reason).toBe('CONTENT_TYPE_NOT_SUPPORTED')
    const broken = await fetch(`${agentUrl}/message:send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    })
    expect(broken.status).toBe(400)
    expect((await json(broken)).error.status).toBe('INVALID_ARGUMENT')
  })

  it('runs the @a2a-js/sdk example of docs/a2a.md as it is written', async () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'a2a.md'), 'utf8')
    const section = doc.slice(doc.indexOf('### Example: @a2a-js/sdk'))
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
    expect(code).toContain('@a2a-js/sdk/client')
    // Inside the repo, so that '@a2a-js/sdk' resolves from its node_modules like in a user's project.
    const file = join(REPO_ROOT, 'test', `.a2a-example-${process.pid}.ts`)
    writeFileSync(file, code as string)
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [file, `${agentUrl}/`], {
        timeout: 60_000,
      })
      expect(stdout).toContain("'echo', 'ask', 'slow'")
      expect(stdout).toContain('TASK_STATE_COMPLETED')
      expect(stdout).toContain('echo: hello mesh')
      expect(stdout.trim().split('\n').slice(-1)).toEqual(['statusUpdate'])
    } finally {
      rmSync(file, { force: true })
    }
  }, 90_000)

  it('runs the Python a2a-sdk example of docs/a2a.md as it is written', async () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'a2a.md'), 'utf8')
    const section = doc.slice(doc.indexOf('### Example: Python a2a-sdk'))
    const code = /```python\n([\s\S]*?)```/.exec(section)?.[1]
    expect(code).toContain('a2a.client')
    const file = join(mesh.root, 'a2a_example.py')
    writeFileSync(file, code as string)
    const python = join(REPO_ROOT, '.venv', 'bin', 'python')
    const { stdout } = await promisify(execFile)(python, [file, agentUrl], { timeout: 60_000 })
    expect(stdout).toContain("skills: ['echo', 'ask', 'slow']")
    expect(stdout).toContain('echo: hello mesh')
    expect(stdout).toContain('TASK_STATE_COMPLETED')
  }, 90_000)

  it('answers hostile or broken requests with JSON-RPC / HTTP errors and keeps serving', async () => {
    const post = (body: string | Buffer, url = agentUrl, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
    const parse = await post('{not json')
    expect((await json(parse)).error.code).toBe(-32700)
    const notRpc = await post(JSON.stringify({ hello: 1 }))
    expect((await json(notRpc)).error.code).toBe(-32600)
    const unknown = await post(
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'DoSomethingElse', params: {} }),
    )
    const unknownBody = await json(unknown)
    expect(unknownBody.error.code).toBe(-32601)
    expect(unknownBody.id).toBe(1)
    const badParams = await post(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'SendMessage',
        params: { message: { messageId: 'x', parts: [] } },
      }),
    )
    expect((await json(badParams)).error).toMatchObject({
      code: -32602,
      data: { reason: 'INVALID_ARGUMENT' },
    })
    const images = await post(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 5,
        method: 'SendMessage',
        params: {
          message: { messageId: 'img-only', role: 'ROLE_USER', parts: [{ text: 'x' }] },
          configuration: { acceptedOutputModes: ['image/png'] },
        },
      }),
    )
    expect((await json(images)).error).toMatchObject({
      code: -32005,
      data: { reason: 'CONTENT_TYPE_NOT_SUPPORTED' },
    })
    const big = await post(Buffer.alloc(5 * 1024 * 1024, 0x20))
    expect(big.status).toBe(413)
    expect((await json(big)).error.data.reason).toBe('PAYLOAD_TOO_LARGE')
    const noAgent = await post(
      JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'GetTask', params: { id: 'task_x' } }),
      `${base}/agents/did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK`,
    )
    expect(noAgent.status).toBe(404)
    expect((await json(noAgent)).error.data.reason).toBe('AGENT_NOT_FOUND')
    const version = await post(
      JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'GetTask', params: { id: 'x' } }),
      agentUrl,
      {
        'a2a-version': '9.9',
      },
    )
    expect((await json(version)).error.code).toBe(-32009)
    // Still serving.
    const ok = await client.sendMessage(request([{ text: 'still here' }], { skill: 'echo' }))
    expect((ok as Task).status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
  })

  it('asks for a bearer token when a2a.tokens is set', async () => {
    const port = await freePort()
    const c = await mesh.spawn('c', {
      args: ['--a2a-listen', `127.0.0.1:${port}`],
      env: { MOLTMESH_A2A_TOKENS: TOKEN },
    })
    const url = `http://127.0.0.1:${port}/agents/self`
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ListTasks', params: {} })
    const headers = (token: string) => ({
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    })
    const wrong = await fetch(url, { method: 'POST', headers: headers('wrong-token-0123456789'), body })
    expect(wrong.status).toBe(401)
    expect((await json(wrong)).error.data.reason).toBe('UNAUTHENTICATED')
    const none = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    expect(none.status).toBe(401)
    const right = await fetch(url, { method: 'POST', headers: headers(TOKEN), body })
    expect(right.status).toBe(200)
    expect((await json(right)).result.tasks).toEqual([])
    // The local agent's card stays public and says how to authenticate.
    const card = await json(await fetch(`${url}/.well-known/agent-card.json`))
    expect(card.metadata.did).toBe(c.did)
    expect(Object.keys(card.securitySchemes)).toEqual(['bearer'])
    // Other agents' cards (a lookup may search the DHT) need the token.
    const byDid = `http://127.0.0.1:${port}/agents/${c.did}/.well-known/agent-card.json`
    expect((await fetch(byDid)).status).toBe(401)
    expect((await fetch(byDid, { headers: headers(TOKEN) })).status).toBe(200)
  })

  it('a config reload moves the gateway to a new address', async () => {
    const [first, second] = [await freePort(), await freePort()]
    const config = join(mesh.root, 'd.toml')
    writeFileSync(config, `[a2a]\nlisten = "127.0.0.1:${first}"\n`)
    const d = await mesh.spawn('d', { args: ['--config', config] })
    const cardAt = (port: number) => fetch(`http://127.0.0.1:${port}/agents/self/.well-known/agent-card.json`)
    expect((await json(await cardAt(first))).metadata.did).toBe(d.did)
    writeFileSync(config, `[a2a]\nlisten = "127.0.0.1:${second}"\n`)
    const reloaded = await d.cli('reload')
    expect(reloaded.code, reloaded.stderr).toBe(0)
    const card = await waitFor(
      async () => (await cardAt(second)).ok && json(await cardAt(second)),
      20_000,
      'the gateway on its new address',
    )
    expect(card.supportedInterfaces[0].url).toBe(`http://127.0.0.1:${second}/agents/self`)
    await expect(cardAt(first)).rejects.toThrow()
  }, 60_000)
})
