// External A2A agents serving mesh skills (daemon/a2a/remote-agents.ts): an A2A server built with
// @a2a-js/sdk (server side) on a loopback port is added with `moltmesh a2a add` to daemon M; an agent
// on daemon R calls its skills through the mesh by capability, including an input-required turn.

import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AgentCard, Task, TaskArtifactUpdateEvent, TaskStatusUpdateEvent } from '@a2a-js/sdk'
import {
  AgentEvent,
  type AgentExecutor,
  DefaultRequestHandler,
  InMemoryTaskStore,
  JsonRpcTransportHandler,
  ServerCallContext,
} from '@a2a-js/sdk/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { textOf, types } from '../../clients/ts/index.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { runCli } from '../harness/run-cli.ts'

/** Remote task ids the remote agent was asked to cancel. */
const canceled: string[] = []
const cancelWaiters = new Map<string, () => void>()
/** Partial results the mesh requester has seen as CHUNK events (the remote agent waits for them). */
const chunksSeen: string[] = []

/** The remote agent: "upper" upper-cases the text, "quiz" asks a question first, "slow" waits for a cancel. */
const executor: AgentExecutor = {
  async execute(ctx, bus) {
    const message = ctx.userMessage
    const text = message.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('')
    const skill =
      (ctx.task?.metadata as { skill?: string } | undefined)?.skill ?? (message.metadata?.skill as string)
    const task = (state: string, extra: object = {}) =>
      Task.fromJSON({
        id: ctx.taskId,
        contextId: ctx.contextId,
        status: { state },
        metadata: { skill },
        ...extra,
      })
    if (skill === 'quiz' && ctx.task == null) {
      bus.publish(
        AgentEvent.task(
          task('TASK_STATE_INPUT_REQUIRED', {
            status: {
              state: 'TASK_STATE_INPUT_REQUIRED',
              message: {
                messageId: `${ctx.taskId}-q`,
                role: 'ROLE_AGENT',
                parts: [{ text: 'favourite colour?' }],
              },
            },
          }),
        ),
      )
    } else if (skill === 'slow') {
      bus.publish(AgentEvent.task(task('TASK_STATE_WORKING')))
      await new Promise<void>((resolve) => cancelWaiters.set(ctx.taskId, resolve))
      bus.publish(
        AgentEvent.statusUpdate(
          TaskStatusUpdateEvent.fromJSON({
            taskId: ctx.taskId,
            contextId: ctx.contextId,
            status: { state: 'TASK_STATE_CANCELED' },
          }),
        ),
      )
    } else if (skill === 'upper') {
      // Streamed: the task, a partial artifact (a chunk on the mesh side), then the final state.
      bus.publish(AgentEvent.task(task('TASK_STATE_WORKING')))
      bus.publish(
        AgentEvent.artifactUpdate(
          TaskArtifactUpdateEvent.fromJSON({
            taskId: ctx.taskId,
            contextId: ctx.contextId,
            artifact: { artifactId: 'progress', parts: [{ text: 'working on it' }] },
          }),
        ),
      )
      // The final state only once the requester has seen the partial result stream by.
      await waitFor(() => chunksSeen.includes('working on it'), 20_000, 'the requester to see the chunk')
      bus.publish(
        AgentEvent.artifactUpdate(
          TaskArtifactUpdateEvent.fromJSON({
            taskId: ctx.taskId,
            contextId: ctx.contextId,
            artifact: { artifactId: 'out', parts: [{ text: text.toUpperCase() }] },
          }),
        ),
      )
      bus.publish(
        AgentEvent.statusUpdate(
          TaskStatusUpdateEvent.fromJSON({
            taskId: ctx.taskId,
            contextId: ctx.contextId,
            status: { state: 'TASK_STATE_COMPLETED' },
          }),
        ),
      )
    } else {
      const answer = `you said ${text}`
      bus.publish(
        AgentEvent.task(
          task('TASK_STATE_COMPLETED', { artifacts: [{ artifactId: 'out', parts: [{ text: answer }] }] }),
        ),
      )
    }
    bus.finished()
  },
  async cancelTask(taskId) {
    canceled.push(taskId)
    cancelWaiters.get(taskId)?.()
  },
}

describe('A2A remote agents', () => {
  const mesh = useMesh()
  let m: DaemonProcess
  let r: DaemonProcess
  let server: Server
  let cardUrl: string

  beforeAll(async () => {
    server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const card = AgentCard.fromJSON({
      name: 'External',
      description: 'an A2A agent outside the mesh',
      version: '1.0.0',
      supportedInterfaces: [{ url: `${url}/a2a`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
      capabilities: { streaming: true, pushNotifications: false },
      defaultInputModes: ['text/plain'],
      defaultOutputModes: ['text/plain'],
      skills: [
        { id: 'upper', name: 'Upper', description: 'upper-cases text', tags: ['text'] },
        { id: 'quiz', name: 'Quiz', description: 'asks a question', tags: ['text'] },
        { id: 'slow', name: 'Slow', description: 'runs until canceled', tags: ['text'] },
      ],
    })
    const rpc = new JsonRpcTransportHandler(
      new DefaultRequestHandler(card, new InMemoryTaskStore(), executor),
    )
    server.on('request', async (req, res) => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end(JSON.stringify(AgentCard.toJSON(card)))
      }
      const chunks: Buffer[] = []
      for await (const c of req) chunks.push(c as Buffer)
      const out = await rpc.handle(Buffer.concat(chunks).toString('utf8'), new ServerCallContext())
      if (Symbol.asyncIterator in out) {
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        for await (const event of out) res.write(`data: ${JSON.stringify(event)}\n\n`)
        return res.end()
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(out))
    })

    const config = `${mesh.root}/m.toml`
    cardUrl = `${url}/.well-known/agent-card.json`
    const added = await runCli(['a2a', 'add', '--config', config, 'ext', cardUrl])
    expect(added.code, added.stderr).toBe(0)
    m = await mesh.spawn('m', { args: ['--config', config] })
    r = await mesh.spawn('r', { bootstrap: [m.info!.tcpAddress] })
    await mesh.connectAll([m, r])
    await waitFor(
      async () => (await m.client.a2a.getAgentCard({})).card?.skills.length === 3,
      30_000,
      'the remote skills on the card',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${m.dumpOutput()}`)
    })
  }, 90_000)

  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it("offers the remote agent's skills, flagged as bridged", async () => {
    const card = (await r.client.a2a.getAgentCard({ did: m.did })).card
    expect(card?.skills.map((s) => s.id).sort()).toEqual(['ext-quiz', 'ext-slow', 'ext-upper'])
    expect(card?.skills.every((s) => s.tags.includes('a2a-bridge'))).toBe(true)
  })

  it('a mesh agent on another daemon calls the remote skill, streamed, and gets its result', async () => {
    const created = await r.client.tasks.create({
      capability: 'ext-upper',
      skill: 'ext-upper',
      input: [{ text: 'hello mesh' }],
    })
    const id = created.task?.id as string
    // The remote streams: its partial artifact reaches the requester as a CHUNK event.
    const chunks: string[] = []
    let task: types.Task | undefined
    for await (const { event } of r.client.a2a.subscribeTaskEvents({ id })) {
      if (event?.kind === types.TaskEventKind.TASK_EVENT_KIND_CHUNK) {
        chunks.push(textOf(event.parts))
        chunksSeen.push(textOf(event.parts))
      }
      if (event?.task != null && event.task.state === types.TaskState.TASK_STATE_COMPLETED) {
        task = event.task
        break
      }
    }
    expect(chunks).toContain('working on it')
    expect(task?.assignee).toBe(m.did)
    // Every artifact of the remote task is output: the partial one, then the result.
    expect(textOf(task?.output)).toBe('working on it\nHELLO MESH')
  })

  it('maps the remote INPUT_REQUIRED to ours and sends the answer to the same remote task', async () => {
    const asked = await r.client.runTask(
      { capability: 'ext-quiz', skill: 'ext-quiz', input: [{ text: 'start' }] },
      { timeoutMs: 30_000 },
    )
    expect(asked.state).toBe(types.TaskState.TASK_STATE_INPUT_REQUIRED)
    expect(textOf(asked.statusMessage)).toBe('favourite colour?')
    await r.client.tasks.sendInput({ id: asked.id, input: [{ text: 'blue' }] })
    const done = await r.client.tasks.wait({ id: asked.id, timeoutMs: 30_000 })
    expect(done.task?.state).toBe(types.TaskState.TASK_STATE_COMPLETED)
    expect(textOf(done.task?.output)).toBe('you said blue')
  })

  it('canceling the mesh task cancels the remote A2A task', async () => {
    const created = await r.client.tasks.create({
      capability: 'ext-slow',
      skill: 'ext-slow',
      input: [{ text: 'x' }],
    })
    const id = created.task?.id as string
    await waitFor(() => cancelWaiters.size > 0, 20_000, 'the remote task to run')
    await waitFor(
      async () => (await m.client.a2a.getTask({ id })).task?.state === types.TaskState.TASK_STATE_WORKING,
      20_000,
      'the mesh task to be WORKING',
    )
    await r.client.tasks.cancel({ id, reason: 'no longer needed' })
    await waitFor(() => canceled.length > 0, 20_000, 'the remote cancel')
    expect(canceled).toEqual([...cancelWaiters.keys()])
  })

  it('a config reload adds, changes and removes remote agents', async () => {
    const config = `${mesh.root}/m.toml`
    const skills = async () =>
      ((await m.client.a2a.getAgentCard({})).card?.skills ?? []).map((x) => x.id).sort()
    const reload = async () => {
      const res = await m.cli('reload')
      expect(res.code, res.stderr).toBe(0)
    }
    // Added with the CLI while the daemon runs, then picked up by a reload.
    const added = await runCli(['a2a', 'add', '--config', config, 'ext2', cardUrl])
    expect(added.code, added.stderr).toBe(0)
    await reload()
    await waitFor(async () => (await skills()).length === 6, 30_000, 'ext2 skills next to ext ones')
    const task = await r.client.runTask(
      { capability: 'ext2-upper', skill: 'ext2-upper', input: [{ text: 'reloaded' }] },
      { timeoutMs: 30_000 },
    )
    expect(textOf(task.output)).toContain('RELOADED')
    // Changed (a token now): ext2 restarts, ext keeps running untouched.
    const table = (name: string, token = '') =>
      `[[a2a.remote]]\nname = "${name}"\nurl = "${cardUrl}"\ntoken = "${token}"\n`
    writeFileSync(config, `${table('ext')}\n${table('ext2', 'a-token-for-ext2')}`)
    await reload()
    await waitFor(
      () => m.output.some((l) => l.includes('a2a remotes reconciled') && l.includes('"stopped":["ext2"]')),
      20_000,
      'ext2 restarted',
    )
    expect(m.output.some((l) => l.includes('a2a remotes reconciled') && l.includes('"stopped":["ext"'))).toBe(
      false,
    )
    // Removed: its skills leave the card.
    writeFileSync(config, table('ext2', 'a-token-for-ext2'))
    await reload()
    await waitFor(
      async () => (await skills()).join() === 'ext2-quiz,ext2-slow,ext2-upper',
      30_000,
      'only ext2 skills left',
    )
  }, 120_000)
})
