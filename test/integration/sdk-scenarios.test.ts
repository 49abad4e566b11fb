// The SDK scenario suite, TypeScript side (the Python SDK runs the same scenarios in
// clients/python/tests): discover, message, a task with streamed events served by runWorker, a
// failing handler, cancel, artifacts by file, errors — against a real daemon pair, through the
// idiomatic method groups and helpers only.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateText, isStepCount } from 'ai'
import { MockLanguageModelV4 } from 'ai/test'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMoltmeshTools } from '../../clients/ts/ai-tools.ts'
import {
  type Client,
  createClient,
  DaemonNotRunningError,
  dataOf,
  InvalidArgumentError,
  isTerminalState,
  TaskFailure,
  textOf,
  types,
  WaitTimeoutError,
} from '../../clients/ts/index.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'

const { TaskState, TaskEventKind } = types

describe('SDK scenarios (TypeScript)', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess
  let requester: Client
  let provider: Client
  const stopWorkers = new AbortController()
  const outcomes: Array<{ id: string; outcome: string }> = []
  let workers: Promise<void>
  const files = mkdtempSync(join(tmpdir(), 'mm-sdk-'))

  beforeAll(async () => {
    ;[a, b] = (await mesh.spawnMany(2)) as [DaemonProcess, DaemonProcess]
    requester = createClient({ socket: a.socket })
    provider = createClient({ socket: b.socket })
    await provider.cards.publish({
      card: {
        name: 'sdk-provider',
        description: 'serves the SDK scenarios',
        skills: [
          { id: 'sdk-echo', name: 'echo', description: 'echoes its JSON input', tags: ['sdk', 'scenario'] },
          { id: 'sdk-slow', name: 'slow', description: 'works until canceled' },
          { id: 'sdk-broken', name: 'broken', description: 'always fails' },
          { id: 'sdk-ask', name: 'ask', description: 'asks a question first' },
        ],
      },
    })
    const onTaskDone = (task: types.Task, outcome: string) => outcomes.push({ id: task.id, outcome })
    const opts = { signal: stopWorkers.signal, onTaskDone, leaseMs: 3_000 }
    workers = Promise.all([
      provider.runWorker(
        'sdk-echo',
        async (ctx) => {
          await ctx.progress(0.5, 'halfway')
          await ctx.chunk('partial output')
          return { echo: ctx.data, from: ctx.task.requester }
        },
        opts,
      ),
      // Runs until its signal aborts (the requester cancels), outliving several lease renewals.
      provider.runWorker(
        'sdk-slow',
        (ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('too late'))),
        opts,
      ),
      provider.runWorker(
        'sdk-ask',
        async (ctx) => `painted ${textOf(await ctx.askInput('which colour?'))}`,
        opts,
      ),
      provider.runWorker(
        'sdk-broken',
        () => {
          throw new TaskFailure('OUT_OF_INK', 'the printer is empty')
        },
        opts,
      ),
    ]).then(() => undefined)
  })

  afterAll(async () => {
    stopWorkers.abort()
    await workers
    requester.close()
    provider.close()
    rmSync(files, { recursive: true, force: true })
  })

  it('checks the daemon speaks the SDK API version', async () => {
    const v = await requester.checkVersion()
    expect(v.apiVersion).toBe('moltmesh.v1')
    expect(v.daemonVersion).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('discovers the provider by capability', async () => {
    const found = await waitFor(async () => {
      const results: types.AgentCard[] = []
      for await (const r of requester.agents.find({ capability: 'sdk-echo', timeoutMs: 3_000 }))
        if (r.card != null) results.push(r.card)
      return results.find((c) => c.did === b.did)
    })
    expect(found.name).toBe('sdk-provider')
    expect(found.skills.map((s) => s.id)).toContain('sdk-echo')
  })

  it('sends a message that the provider receives on its inbox stream and acknowledges', async () => {
    const abort = new AbortController()
    const received = (async () => {
      for await (const { message } of provider.inbox.subscribe({ from: a.did }, { signal: abort.signal }))
        if (message != null && textOf(message.parts) === 'hello from the SDK') return message
      return undefined
    })()
    const sent = await requester.messages.send({ to: b.did, parts: [{ text: 'hello from the SDK' }] })
    const message = await received
    abort.abort()
    expect(message?.id).toBe(sent.id)
    expect(message?.from).toBe(a.did)
    expect((await provider.inbox.ack({ ids: [sent.id] })).acknowledged).toBe(1)
  })

  it('runs a task served by runWorker, streaming progress and chunks, and waits for the result', async () => {
    const { task } = await requester.tasks.create({
      to: b.did,
      skill: 'sdk-echo',
      input: [{ dataJson: JSON.stringify({ n: 42 }) }],
    })
    const events: types.TaskEvent[] = []
    for await (const { event } of requester.tasks.events({ id: task!.id })) {
      if (event == null) continue
      events.push(event)
      if (event.task != null && isTerminalState(event.task.state)) break
    }
    const kinds = events.map((e) => e.kind)
    expect(kinds).toContain(TaskEventKind.TASK_EVENT_KIND_PROGRESS)
    expect(kinds).toContain(TaskEventKind.TASK_EVENT_KIND_CHUNK)
    expect(events.find((e) => e.kind === TaskEventKind.TASK_EVENT_KIND_PROGRESS)).toMatchObject({
      progress: 0.5,
      note: 'halfway',
    })
    expect(textOf(events.find((e) => e.kind === TaskEventKind.TASK_EVENT_KIND_CHUNK)?.parts)).toBe(
      'partial output',
    )
    // First the task as it stood (sequence 0), then its events, gap-free from 1.
    expect(events.map((e) => Number(e.sequence))).toEqual(events.map((_, i) => i))

    const done = await requester.waitTask(task!.id, { timeoutMs: 10_000 })
    expect(done.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(dataOf(done.output)).toEqual({ echo: { n: 42 }, from: a.did })
  })

  it('runTask creates and waits; a handler that throws fails the task with its reason', async () => {
    const failed = await requester.runTask({ to: b.did, skill: 'sdk-broken', input: [{ text: 'x' }] })
    expect(failed.state).toBe(TaskState.TASK_STATE_FAILED)
    expect(failed.error).toMatchObject({ reason: 'OUT_OF_INK', message: 'the printer is empty' })
    expect(outcomes).toContainEqual({ id: failed.id, outcome: 'failed' })
  })

  it('a worker asks for input: runTask settles at INPUT_REQUIRED, the answer lets the task finish', async () => {
    const asked = await requester.runTask({ to: b.did, skill: 'sdk-ask', input: [{ text: 'paint' }] })
    expect(asked.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
    expect(textOf(asked.statusMessage)).toBe('which colour?')
    const answered = await requester.tasks.sendInput({ id: asked.id, input: [{ text: 'blue' }] })
    expect(answered.task?.state).toBe(TaskState.TASK_STATE_WORKING)
    const done = await requester.waitTask(asked.id, { timeoutMs: 10_000 })
    expect(done.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(textOf(done.output)).toBe('painted blue')
  })

  it('cancels a running task: the worker handler is aborted, both sides end CANCELED', async () => {
    const { task } = await requester.tasks.create({ to: b.did, skill: 'sdk-slow', input: [{ text: 'x' }] })
    const id = task!.id
    await waitFor(
      async () => (await requester.tasks.get({ id })).task?.state === TaskState.TASK_STATE_WORKING,
    )
    // A bounded wait on a running task times out with the task as it stands.
    const early = await requester.waitTask(id, { timeoutMs: 200 }).catch((e: unknown) => e)
    expect(early).toBeInstanceOf(WaitTimeoutError)
    expect((early as WaitTimeoutError).task.state).toBe(TaskState.TASK_STATE_WORKING)

    await requester.tasks.cancel({ id, reason: 'changed my mind' })
    expect((await requester.waitTask(id, { timeoutMs: 10_000 })).state).toBe(TaskState.TASK_STATE_CANCELED)
    await waitFor(
      () => outcomes.some((o) => o.id === id && o.outcome === 'aborted'),
      10_000,
      'handler aborted',
    )
    await waitFor(
      async () => (await provider.tasks.get({ id })).task?.state === TaskState.TASK_STATE_CANCELED,
    )
  })

  it('moves a file as an artifact: uploadFile on one daemon, downloadFile from the other', async () => {
    const content = randomBytes(3 * 1024 * 1024 + 17) // several chunks, not a multiple of the chunk size
    const src = join(files, 'in.bin')
    writeFileSync(src, content)
    const artifact = await requester.uploadFile(src, { mediaType: 'application/octet-stream' })
    expect(Number(artifact.size)).toBe(content.length)
    expect(artifact.name).toBe('in.bin')
    const dst = join(files, 'out.bin')
    const got = await provider.downloadFile(artifact.cid, dst, { from: a.did })
    expect(got.bytes).toBe(content.length)
    expect(readFileSync(dst).equals(content)).toBe(true)
    // Streams work too, and the blob is now held by the provider itself.
    const chunks: Buffer[] = []
    for await (const chunk of provider.downloadStream(artifact.cid)) chunks.push(chunk)
    expect(Buffer.concat(chunks).equals(content)).toBe(true)
  })

  it('reports errors as typed errors with reason codes', async () => {
    const bad = await requester.tasks
      .create({ to: 'did:key:zNope', skill: 'x', input: [{ text: 'x' }] })
      .catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(InvalidArgumentError)
    expect((bad as InvalidArgumentError).reason).toBe('INVALID_DID')
    // The same reason arrives as the standard google.rpc.ErrorInfo (grpc-status-details-bin).
    expect((bad as InvalidArgumentError).errorInfo).toEqual({
      reason: 'INVALID_DID',
      domain: 'moltmesh',
      metadata: {},
    })
    const noId = await requester.identity.convertId({ id: '' }).catch((e: unknown) => e)
    expect((noId as InvalidArgumentError).errorInfo?.metadata).toEqual({ field: 'id' })

    const nowhere = createClient({ socket: join(files, 'no-daemon.sock') })
    const down = await nowhere.node.health({}).catch((e: unknown) => e)
    nowhere.close()
    expect(down).toBeInstanceOf(DaemonNotRunningError)
    expect((down as Error).message).toContain('moltmesh start')
  })
  it('gives a model tools (Vercel AI SDK) that find agents and delegate a task end to end', async () => {
    const usage = {
      inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: 1, text: 1, reasoning: undefined },
    }
    // A scripted model: first it calls two tools, then it answers with text.
    const model = new MockLanguageModelV4({
      doGenerate: [
        {
          content: [
            {
              type: 'tool-call',
              toolCallId: 'c1',
              toolName: 'findAgents',
              input: JSON.stringify({ capability: 'sdk-echo' }),
            },
            {
              type: 'tool-call',
              toolCallId: 'c2',
              toolName: 'createTaskAndWait',
              input: JSON.stringify({ to: b.did, skill: 'sdk-echo', data: { n: 7 } }),
            },
            {
              type: 'tool-call',
              toolCallId: 'c3',
              toolName: 'resolveName',
              input: JSON.stringify({ name: 'nobody-has-this-name' }),
            },
          ],
          finishReason: { unified: 'tool-calls', raw: undefined },
          usage,
          warnings: [],
        },
        {
          content: [{ type: 'text', text: 'done' }],
          finishReason: { unified: 'stop', raw: undefined },
          usage,
          warnings: [],
        },
      ],
    })
    const result = await generateText({
      model,
      tools: createMoltmeshTools(requester, { taskTimeoutMs: 10_000 }),
      prompt: 'echo 7 through an agent',
      stopWhen: isStepCount(3),
    })
    expect(result.text).toBe('done')
    const outputs = Object.fromEntries(result.steps[0]!.toolResults.map((r) => [r.toolName, r.output]))
    expect((outputs.findAgents as { agents: Array<{ did: string }> }).agents.map((x) => x.did)).toContain(
      b.did,
    )
    expect(outputs.createTaskAndWait).toMatchObject({
      state: 'COMPLETED',
      outputData: { echo: { n: 7 }, from: a.did },
    })
    // A daemon error reaches the model as a readable result with its reason, not as a crash.
    expect(outputs.resolveName).toMatchObject({ reason: expect.stringMatching(/NAME_NOT_FOUND|NOT_FOUND/) })
    // The tools' schemas were offered to the model.
    const offered = (model.doGenerateCalls[0]!.tools ?? []).map((t) => t.name).sort()
    expect(offered).toEqual([
      'createTaskAndWait',
      'findAgents',
      'publish',
      'readInbox',
      'resolveName',
      'sendMessage',
    ])
  })
})
