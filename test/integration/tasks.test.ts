// Task delegation between two real daemons, driven through the SDK: streaming, results on both sides,
// cancel, input round trip, timeout, lease expiry and a second worker, crash of the requester,
// idempotency, skill checks and reason codes.
import { randomBytes } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DeepPartial } from '../../clients/ts/deep-partial.ts'
import { types } from '../../clients/ts/index.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { reasonOf } from '../harness/errors.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { isTerminalState, offerSkills, sharedView, startWorker } from '../harness/tasks.ts'

const { TaskState, TaskEventKind } = types

async function settledOn(d: DaemonProcess, id: string, timeoutMs = 20_000): Promise<types.Task> {
  return waitFor(async () => {
    const t = (await d.client.a2a.getTask({ id })).task
    return t != null && isTerminalState(t.state) ? t : undefined
  }, timeoutMs)
}

describe('tasks', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess

  beforeAll(async () => {
    const daemons = await mesh.spawnMany(2)
    a = daemons[0]!
    b = daemons[1]!
    await offerSkills(b, [
      { id: 'echo' },
      { id: 'stream' },
      { id: 'ask' },
      { id: 'slow' },
      {
        id: 'sum',
        inputSchema: {
          type: 'object',
          required: ['a', 'b'],
          properties: { a: { type: 'number' }, b: { type: 'number' } },
        },
      },
      { id: 'secret', visibility: 'private' },
      {
        id: 'members',
        visibility: 'whitelist',
        allowedDids: ['did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'],
      },
    ])
  }, 60_000)

  it('streams chunks in order to the requester and stores the same task on both daemons', async () => {
    const worker = startWorker(b, 'stream', async (ctx) => {
      for (let i = 0; i < 20; i++) await ctx.chunk(`tok${i}`)
      return [{ dataJson: JSON.stringify({ tokens: 20 }) }, { raw: Buffer.from([0, 1, 2, 255]) }]
    })
    try {
      const created = await a.client.a2a.createTask({
        to: b.info!.did,
        skill: 'stream',
        input: [{ text: 'go' }],
        metadata: { purpose: 'test' },
      })
      const id = created.task!.id
      expect(created.task!.state).toBe(TaskState.TASK_STATE_SUBMITTED)
      const chunks: string[] = []
      const states: types.TaskState[] = []
      let first: types.TaskEvent | undefined
      for await (const { event } of a.client.a2a.subscribeTaskEvents({ id })) {
        first ??= event
        if (event?.kind === TaskEventKind.TASK_EVENT_KIND_CHUNK) chunks.push(event.parts[0]?.text ?? '')
        if (event?.kind === TaskEventKind.TASK_EVENT_KIND_STATUS && event.sequence > 0)
          states.push(event.task!.state)
      }
      expect(first?.sequence).toBe(0)
      expect(first?.task?.id).toBe(id)
      expect(chunks).toEqual(Array.from({ length: 20 }, (_, i) => `tok${i}`))
      expect(states.at(-1)).toBe(TaskState.TASK_STATE_COMPLETED)
      expect(states).toContain(TaskState.TASK_STATE_WORKING)
      const onA = (await a.client.a2a.getTask({ id })).task!
      const onB = (await b.client.a2a.getTask({ id })).task!
      expect(onA.output[0]?.dataJson).toBe('{"tokens":20}')
      expect(Buffer.from(onA.output[1]!.raw!)).toEqual(Buffer.from([0, 1, 2, 255]))
      expect(sharedView(onA)).toEqual(sharedView(onB))
      expect(onA.role).toBe(types.TaskRole.TASK_ROLE_REQUESTER)
      expect(onB.role).toBe(types.TaskRole.TASK_ROLE_ASSIGNEE)
      // A requester that reconnects with a cursor gets only what came after it.
      const replay: number[] = []
      for await (const { event } of a.client.a2a.subscribeTaskEvents({
        id,
        afterSequence: onA.lastSequence - 2,
      }))
        replay.push(event!.sequence)
      expect(replay).toEqual([0, onA.lastSequence - 1, onA.lastSequence])
      const listed = await a.client.a2a.listTasks({
        role: types.TaskRole.TASK_ROLE_REQUESTER,
        skill: 'stream',
      })
      expect(listed.tasks.map((t) => t.id)).toContain(id)
    } finally {
      await worker.stop()
    }
  }, 60_000)

  it('cancel from the requester reaches the worker; the worker can no longer finish', async () => {
    let claimed: { id: string; token: string } | undefined
    const worker = startWorker(b, 'slow', async (ctx) => {
      claimed = { id: ctx.task.id, token: ctx.leaseToken }
      return undefined // keeps working
    })
    try {
      const { task } = await a.client.a2a.createTask({
        to: b.info!.did,
        skill: 'slow',
        input: [{ text: 'x' }],
      })
      const id = task!.id
      await waitFor(() => claimed?.id === id, 15_000)
      // The worker watches its task the way an agent program would.
      const seen: types.TaskState[] = []
      const watching = (async () => {
        for await (const { event } of b.client.a2a.subscribeTaskEvents({ id }))
          if (event?.task != null) seen.push(event.task.state)
      })()
      const canceled = await a.client.a2a.cancelTask({ id, reason: 'changed my mind' })
      expect(canceled.task!.state).toBe(TaskState.TASK_STATE_CANCELED)
      await watching
      expect(seen.at(-1)).toBe(TaskState.TASK_STATE_CANCELED)
      expect(
        await reasonOf(
          b.client.a2a.completeTask({ id, leaseToken: claimed!.token, output: [{ text: 'late' }] }),
        ),
      ).toBe('FAILED_PRECONDITION:TASK_TERMINAL')
      expect(await reasonOf(a.client.a2a.cancelTask({ id }))).toBe('FAILED_PRECONDITION:TASK_TERMINAL')
      const onB = (await b.client.a2a.getTask({ id })).task!
      expect(onB.error?.message).toBe('changed my mind')
    } finally {
      await worker.stop()
    }
  }, 60_000)

  it('asks for input and goes on with the answer', async () => {
    const worker = startWorker(b, 'ask', async (ctx) => {
      const id = ctx.task.id
      await b.client.a2a.updateTask({
        id,
        leaseToken: ctx.leaseToken,
        state: TaskState.TASK_STATE_INPUT_REQUIRED,
        message: [{ text: 'which colour?' }],
      })
      let answer = ''
      for await (const { event } of b.client.a2a.subscribeTaskEvents({ id })) {
        if (event?.kind === TaskEventKind.TASK_EVENT_KIND_INPUT) answer = event.parts[0]?.text ?? ''
        if (event?.task?.state === TaskState.TASK_STATE_WORKING && answer !== '') break
      }
      return [{ text: `painted ${answer}` }]
    })
    try {
      const { task } = await a.client.a2a.createTask({
        to: b.info!.did,
        skill: 'ask',
        input: [{ text: 'paint' }],
      })
      const waited = await a.client.a2a.waitTask({ id: task!.id, timeoutMs: 15_000 })
      expect(waited.timedOut).toBe(false)
      expect(waited.task!.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
      expect(waited.task!.statusMessage[0]?.text).toBe('which colour?')
      const answered = await a.client.a2a.sendTaskInput({ id: task!.id, input: [{ text: 'blue' }] })
      expect(answered.task?.state).toBe(TaskState.TASK_STATE_WORKING)
      // Waiting right after answering waits for the work, not for the (answered) question.
      const after = await a.client.a2a.waitTask({ id: task!.id, timeoutMs: 15_000 })
      expect(after.task?.state).toBe(TaskState.TASK_STATE_COMPLETED)
      const done = await settledOn(a, task!.id)
      expect(done.state).toBe(TaskState.TASK_STATE_COMPLETED)
      expect(done.output[0]?.text).toBe('painted blue')
    } finally {
      await worker.stop()
    }
  }, 60_000)

  it('fails with TIMEOUT on both sides when nobody finishes in time', async () => {
    const { task } = await a.client.a2a.createTask({
      to: b.info!.did,
      skill: 'echo',
      input: [{ text: 'nobody listens' }],
      timeoutMs: 2_000,
    })
    const onA = await settledOn(a, task!.id)
    const onB = await settledOn(b, task!.id)
    expect([onA.state, onA.error?.reason]).toEqual([TaskState.TASK_STATE_FAILED, 'TIMEOUT'])
    expect([onB.state, onB.error?.reason]).toEqual([TaskState.TASK_STATE_FAILED, 'TIMEOUT'])
  }, 30_000)

  it('a task waits for a worker; a crashed worker`s lease runs out and a second worker completes it', async () => {
    const { task } = await a.client.a2a.createTask({
      to: b.info!.did,
      skill: 'echo',
      input: [{ text: 'hello' }],
    })
    const id = task!.id
    // Admitted at B and, with no worker serving the skill, left as submitted.
    const waiting = await waitFor(
      async () => (await b.client.a2a.getTask({ id }).catch(() => undefined))?.task,
      10_000,
    )
    expect(waiting.state).toBe(TaskState.TASK_STATE_SUBMITTED)
    // The first worker claims with a short lease and "crashes" (never renews, never finishes).
    const crashed = startWorker(b, 'echo', async () => undefined, 1_500)
    await waitFor(() => crashed.handled.includes(id), 10_000)
    await crashed.stop()
    const second = startWorker(b, 'echo', async (ctx) => [{ text: `echo: ${ctx.task.input[0]?.text}` }])
    try {
      const done = await settledOn(a, id)
      expect(done.state).toBe(TaskState.TASK_STATE_COMPLETED)
      expect(done.output[0]?.text).toBe('echo: hello')
      expect(done.attempts).toBe(2)
      expect(second.handled).toContain(id)
    } finally {
      await second.stop()
    }
  }, 60_000)

  it('result artifacts: small ones inline, large ones by reference and fetched on demand', async () => {
    const small = randomBytes(10 * 1024)
    const large = randomBytes(300 * 1024)
    const put = async (d: DaemonProcess, data: Buffer, name: string) =>
      (
        await d.client.a2a.putBlob([
          { metadata: { name, mediaType: 'application/octet-stream', size: data.length } },
          { chunk: data },
        ])
      ).artifact!
    const worker = startWorker(b, 'echo', async () => {
      const s = await put(b, small, 'small.bin')
      const l = await put(b, large, 'large.bin')
      return [{ artifact: { cid: s.cid } }, { artifact: { cid: l.cid } }]
    })
    try {
      const input = await put(a, Buffer.from('input document'), 'in.txt')
      const { task } = await a.client.a2a.createTask({
        to: b.info!.did,
        skill: 'echo',
        input: [{ text: 'see attachment' }, { artifact: { cid: input.cid } }],
      })
      const done = await settledOn(a, task!.id)
      expect(done.state).toBe(TaskState.TASK_STATE_COMPLETED)
      const [first, second] = done.output.map((p) => p.artifact!)
      expect(Buffer.from(first!.inlineData)).toEqual(small)
      expect(second!.inlineData.length).toBe(0)
      expect([second!.holderDid, second!.size, second!.name]).toEqual([
        b.info!.did,
        large.length,
        'large.bin',
      ])
      // The inline one is stored locally; the large one is fetched from the holder on demand.
      expect((await a.client.a2a.statBlob({ cid: first!.cid })).artifact!.size).toBe(small.length)
      const chunks: Buffer[] = []
      for await (const res of a.client.a2a.getBlob({ cid: second!.cid })) chunks.push(Buffer.from(res.chunk))
      expect(Buffer.concat(chunks)).toEqual(large)
      // The assignee got the requester's input artifact inline, and both sides keep it referenced.
      const onB = (await b.client.a2a.getTask({ id: task!.id })).task!
      expect(Buffer.from(onB.input[1]!.artifact!.inlineData).toString()).toBe('input document')
      expect((await b.client.a2a.statBlob({ cid: input.cid })).references).toBeGreaterThan(0)
      expect((await a.client.a2a.statBlob({ cid: second!.cid })).references).toBeGreaterThan(0)
      // An artifact this daemon does not hold cannot be sent.
      const elsewhere = await put(b, randomBytes(100), 'only-on-b.bin')
      expect(
        await reasonOf(
          a.client.a2a.createTask({
            to: b.info!.did,
            skill: 'echo',
            input: [{ artifact: { cid: elsewhere.cid } }],
          }),
        ),
      ).toBe('NOT_FOUND:BLOB_NOT_FOUND')
    } finally {
      await worker.stop()
    }
  }, 60_000)

  it('delegates by capability (found through discovery) and by claimed name', async () => {
    const worker = startWorker(b, 'echo', async (ctx) => [{ text: `echo: ${ctx.task.input[0]?.text}` }])
    try {
      const byCapability = await a.client.a2a.createTask({ capability: 'echo', input: [{ text: 'cap' }] })
      expect([byCapability.task!.assignee, byCapability.task!.skill]).toEqual([b.info!.did, 'echo'])
      expect((await settledOn(a, byCapability.task!.id)).output[0]?.text).toBe('echo: cap')
      await b.client.a2a.claimName({ name: 'echo-bee' })
      const byName = await a.client.a2a.createTask({
        to: 'echo-bee',
        skill: 'echo',
        input: [{ text: 'name' }],
      })
      expect(byName.task!.assignee).toBe(b.info!.did)
      expect((await settledOn(a, byName.task!.id)).output[0]?.text).toBe('echo: name')
    } finally {
      await worker.stop()
    }
  }, 60_000)

  it('an offer the assignee refuses for good fails the task at once (UNDELIVERABLE), not at its deadline', async () => {
    const small = await mesh.spawn('small-limits', {
      env: { MOLTMESH_MESSAGING_MAX_PAYLOAD_BYTES: '4096' },
      bootstrap: [a.info!.tcpAddress],
    })
    await a.client.diag.connectPeer({ target: small.info!.tcpAddress })
    const { task } = await a.client.a2a.createTask({
      to: small.info!.did,
      skill: 'echo',
      input: [{ text: 'x'.repeat(6000) }],
    })
    const done = await settledOn(a, task!.id, 15_000)
    expect([done.state, done.error?.reason]).toEqual([TaskState.TASK_STATE_FAILED, 'UNDELIVERABLE'])
    expect(done.error?.message).toContain('PAYLOAD_TOO_LARGE')
    expect(done.updatedAtMs - done.createdAtMs).toBeLessThan(10_000)
  }, 60_000)

  it('the same idempotency key gives the same task, even for concurrent calls', async () => {
    const req = {
      to: b.info!.did,
      skill: 'echo',
      input: [{ text: 'once' }],
      idempotencyKey: 'k-once',
      timeoutMs: 5_000,
    }
    const results = await Promise.all(Array.from({ length: 5 }, () => a.client.a2a.createTask(req)))
    const ids = new Set(results.map((r) => r.task!.id))
    expect(ids.size).toBe(1)
    expect(results.filter((r) => !r.existing)).toHaveLength(1)
    const again = await a.client.a2a.createTask(req)
    expect(again.existing).toBe(true)
    expect(again.task!.id).toBe([...ids][0])
  }, 30_000)

  it('the assignee refuses unknown skills, input that breaks the schema, and skills the requester may not call', async () => {
    const cases: Array<[string, Array<DeepPartial<types.Part>>, string]> = [
      ['nope', [{ text: 'x' }], 'SKILL_NOT_FOUND'],
      ['sum', [{ dataJson: '{"a":1}' }], 'INVALID_INPUT'],
      ['sum', [{ dataJson: '{"a":1,"b":"two"}' }], 'INVALID_INPUT'],
      ['secret', [{ text: 'x' }], 'NOT_ALLOWED'],
      ['members', [{ text: 'x' }], 'NOT_ALLOWED'],
    ]
    for (const [skill, input, reason] of cases) {
      const { task } = await a.client.a2a.createTask({ to: b.info!.did, skill, input })
      const done = await settledOn(a, task!.id)
      expect([skill, done.state, done.error?.reason]).toEqual([skill, TaskState.TASK_STATE_REJECTED, reason])
    }
    const ok = await a.client.a2a.createTask({
      to: b.info!.did,
      skill: 'sum',
      input: [{ dataJson: '{"a":1,"b":2}' }],
    })
    // B checks the input when the offer arrives: once B has the task, its verdict is in.
    const admitted = await waitFor(
      async () => (await b.client.a2a.getTask({ id: ok.task!.id }).catch(() => undefined))?.task,
      10_000,
      'the valid task at B',
    )
    expect(admitted.state).toBe(TaskState.TASK_STATE_SUBMITTED)
  }, 60_000)

  it('answers bad calls with reason codes', async () => {
    const did = b.info!.did
    expect(await reasonOf(a.client.a2a.createTask({ skill: 'echo', input: [{ text: 'x' }] }))).toBe(
      'INVALID_ARGUMENT:INVALID_ARGUMENT',
    )
    expect(await reasonOf(a.client.a2a.createTask({ to: did, skill: 'echo', input: [] }))).toBe(
      'INVALID_ARGUMENT:EMPTY_MESSAGE',
    )
    expect(
      await reasonOf(a.client.a2a.createTask({ to: 'did:key:zBad', skill: 'echo', input: [{ text: 'x' }] })),
    ).toBe('INVALID_ARGUMENT:INVALID_DID')
    expect(
      await reasonOf(a.client.a2a.createTask({ to: a.info!.did, skill: 'echo', input: [{ text: 'x' }] })),
    ).toBe('INVALID_ARGUMENT:SELF_TARGET')
    expect(await reasonOf(a.client.a2a.getTask({ id: 'task_missing' }))).toBe('NOT_FOUND:TASK_NOT_FOUND')
    const { task } = await a.client.a2a.createTask({
      to: did,
      skill: 'echo',
      input: [{ text: 'x' }],
      timeoutMs: 10_000,
    })
    const id = task!.id
    await waitFor(async () => (await b.client.a2a.getTask({ id }).catch(() => undefined))?.task, 10_000)
    expect(await reasonOf(a.client.a2a.claimTask({ id }))).toBe('FAILED_PRECONDITION:NOT_ASSIGNEE')
    expect(await reasonOf(b.client.a2a.cancelTask({ id }))).toBe('FAILED_PRECONDITION:NOT_REQUESTER')
    expect(await reasonOf(b.client.a2a.completeTask({ id, leaseToken: 'forged', output: [] }))).toBe(
      'FAILED_PRECONDITION:LEASE_INVALID',
    )
    const claim = await b.client.a2a.claimTask({ id, leaseMs: 5_000 })
    expect(await reasonOf(b.client.a2a.claimTask({ id }))).toBe('FAILED_PRECONDITION:TASK_ALREADY_CLAIMED')
    expect(
      await reasonOf(
        b.client.a2a.updateTask({ id, leaseToken: claim.leaseToken, state: TaskState.TASK_STATE_COMPLETED }),
      ),
    ).toBe('INVALID_ARGUMENT:INVALID_ARGUMENT')
    expect(await reasonOf(a.client.a2a.sendTaskInput({ id, input: [{ text: 'x' }] }))).toBe(
      'FAILED_PRECONDITION:INPUT_NOT_REQUIRED',
    )
    await b.client.a2a.rejectTask({ id, leaseToken: claim.leaseToken, reason: 'not today' })
    const done = await settledOn(a, id)
    expect([done.state, done.error?.reason, done.error?.message]).toEqual([
      TaskState.TASK_STATE_REJECTED,
      'REJECTED_BY_WORKER',
      'not today',
    ])
  }, 60_000)

  it('a requester SIGKILLed mid-task finds the result after restart; an assignee SIGKILLed keeps its tasks', async () => {
    let claimed: { id: string; token: string } | undefined
    const worker = startWorker(b, 'slow', async (ctx) => {
      claimed = { id: ctx.task.id, token: ctx.leaseToken }
      return undefined
    })
    const { task } = await a.client.a2a.createTask({
      to: b.info!.did,
      skill: 'slow',
      input: [{ text: 'survive' }],
    })
    const id = task!.id
    await waitFor(() => claimed?.id === id, 15_000)
    await worker.stop()
    await a.kill()
    await b.client.a2a.publishTaskEvent({
      id,
      leaseToken: claimed!.token,
      kind: TaskEventKind.TASK_EVENT_KIND_CHUNK,
      parts: [{ text: 'while you were away' }],
    })
    await b.client.a2a.completeTask({ id, leaseToken: claimed!.token, output: [{ text: 'kept' }] })
    await a.restart()
    await a.client.diag.connectPeer({ target: b.info!.tcpAddress })
    const done = await settledOn(a, id, 30_000)
    expect([done.state, done.output[0]?.text]).toEqual([TaskState.TASK_STATE_COMPLETED, 'kept'])
    const chunks: string[] = []
    for await (const { event } of a.client.a2a.subscribeTaskEvents({ id }))
      if (event?.kind === TaskEventKind.TASK_EVENT_KIND_CHUNK) chunks.push(event.parts[0]?.text ?? '')
    expect(chunks).toEqual(['while you were away'])

    // The assignee crashes right after accepting a task: it is still there, and still delivered.
    const second = await a.client.a2a.createTask({
      to: b.info!.did,
      skill: 'echo',
      input: [{ text: 'after crash' }],
    })
    await waitFor(
      async () => (await b.client.a2a.getTask({ id: second.task!.id }).catch(() => undefined))?.task,
      10_000,
    )
    await b.kill()
    await b.restart()
    await b.client.diag.connectPeer({ target: a.info!.tcpAddress })
    const echo = startWorker(b, 'echo', async (ctx) => [{ text: `echo: ${ctx.task.input[0]?.text}` }])
    try {
      const finished = await settledOn(a, second.task!.id, 30_000)
      expect(finished.output[0]?.text).toBe('echo: after crash')
    } finally {
      await echo.stop()
    }
  }, 120_000)
})
