// SubscribeTasks with `claim`: the daemon claims each task for one subscription before sending it
// (WORKING, with its lease token), never for two, holds at most `max_claimed` per subscription, and
// hands a task back for the next worker the moment the subscription that held it ends. Driven through
// the TypeScript SDK (raw SubscribeTasks and runWorker, which uses it by default) and the CLI worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Client, createClient, types, type WorkerStatus } from '../../clients/ts/index.ts'
import { startCli } from '../harness/cli-process.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { offerSkills } from '../harness/tasks.ts'

const { TaskState } = types

interface Received {
  task: types.Task
  leaseToken: string
}

/** A raw pre-claiming subscription on `client`: collects what it is sent, completes nothing itself. */
function subscribe(client: Client, skill: string, extra: { maxClaimed?: number; leaseMs?: number } = {}) {
  const abort = new AbortController()
  const received: Received[] = []
  let confirmed = false
  const done = (async () => {
    for await (const res of client.a2a.subscribeTasks(
      { skills: [skill], claim: true, ...extra },
      { signal: abort.signal },
    )) {
      if (res.task == null) confirmed = true
      else received.push({ task: res.task, leaseToken: res.leaseToken })
    }
  })().catch((err: unknown) => {
    if (!abort.signal.aborted) throw err
  })
  return {
    received,
    ready: () => waitFor(() => confirmed, 10_000, 'subscription confirmed'),
    async cancel() {
      abort.abort()
      await done
    },
  }
}

describe('pre-claimed task offers', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess
  let client: Client

  beforeAll(async () => {
    ;[a, b] = (await mesh.spawnMany(2)) as [DaemonProcess, DaemonProcess]
    await offerSkills(b, [{ id: 'echo' }, { id: 'held' }, { id: 'cli-pre' }])
    client = createClient({ socket: b.socket })
  }, 60_000)
  afterAll(() => client.close())

  const create = async (skill: string, text: string) =>
    (await a.client.a2a.createTask({ to: b.did, skill, input: [{ text }] })).task!.id
  const stateAtA = async (id: string) => (await a.client.a2a.getTask({ id })).task?.state

  it('gives every task to exactly one of several subscribers, already claimed', async () => {
    const raw = subscribe(client, 'echo', { maxClaimed: 3 })
    await raw.ready()
    const byWorker = new Map<string, string[]>()
    const stop = new AbortController()
    const workers = ['w1', 'w2'].map((name) => {
      byWorker.set(name, [])
      return client.runWorker(
        'echo',
        (ctx) => {
          byWorker.get(name)?.push(ctx.task.id)
          return `done ${ctx.text}`
        },
        { signal: stop.signal, concurrency: 2, onStatus: () => undefined },
      )
    })
    try {
      const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => create('echo', `t${i}`)))
      // The raw subscriber finishes what it is sent with the lease it came with (no ClaimTask).
      const finished = new Set<string>()
      await waitFor(
        async () => {
          for (const { task, leaseToken } of raw.received) {
            if (finished.has(task.id)) continue
            expect(task.state).toBe(TaskState.TASK_STATE_WORKING)
            expect(leaseToken).not.toBe('')
            await client.a2a.completeTask({ id: task.id, leaseToken, output: [{ text: 'raw' }] })
            finished.add(task.id)
          }
          const states = await Promise.all(ids.map(stateAtA))
          return states.every((s) => s === TaskState.TASK_STATE_COMPLETED)
        },
        60_000,
        'all 40 tasks COMPLETED at A',
      )
      const given = [...raw.received.map((r) => r.task.id), ...[...byWorker.values()].flat()]
      expect(given.sort()).toEqual([...ids].sort()) // each once, none twice, none lost
      for (const id of ids) expect((await b.client.a2a.getTask({ id })).task?.attempts).toBe(1)
    } finally {
      stop.abort()
      await Promise.all(workers)
      await raw.cancel()
    }
  }, 90_000)

  it('holds at most max_claimed per subscription, and hands a task back when its subscriber goes', async () => {
    const first = subscribe(client, 'held', { maxClaimed: 1 })
    await first.ready()
    const t1 = await create('held', 'one')
    await waitFor(() => first.received.length === 1, 20_000, 'the first subscriber to get t1')
    const held = first.received[0] as Received
    expect(held.task.id).toBe(t1)

    // The first subscriber is full: a second task waits for another worker.
    const t2 = await create('held', 'two')
    await waitFor(async () => (await b.client.a2a.getTask({ id: t2 })).task != null, 20_000, 't2 at B')
    const second = subscribe(client, 'held', { maxClaimed: 5 })
    await second.ready()
    await waitFor(() => second.received.some((r) => r.task.id === t2), 20_000, 't2 to the second subscriber')
    expect(first.received.map((r) => r.task.id)).toEqual([t1])

    // The first subscriber is killed mid-task (its stream cancelled): t1 goes to the second at once,
    // as a second attempt, and the first one's lease is void.
    await first.cancel()
    await waitFor(() => second.received.some((r) => r.task.id === t1), 20_000, 't1 handed to the second')
    const again = second.received.find((r) => r.task.id === t1) as Received
    expect(again.task.attempts).toBe(2)
    expect(again.leaseToken).not.toBe(held.leaseToken)
    const stale = await client.a2a
      .completeTask({ id: t1, leaseToken: held.leaseToken, output: [{ text: 'late' }] })
      .catch((err: { reason: string }) => err.reason)
    expect(stale).toBe('LEASE_INVALID')
    for (const { task, leaseToken } of second.received)
      await client.a2a.completeTask({ id: task.id, leaseToken, output: [{ text: 'second' }] })
    await waitFor(
      async () =>
        (await stateAtA(t1)) === TaskState.TASK_STATE_COMPLETED &&
        (await stateAtA(t2)) === TaskState.TASK_STATE_COMPLETED,
      20_000,
      'both COMPLETED at A',
    )
    expect((await a.client.a2a.getTask({ id: t1 })).task?.output[0]?.text).toBe('second')
    await second.cancel()
  }, 90_000)

  it('checks its options', async () => {
    const reasonOf = (req: object) =>
      client.a2a
        .subscribeTasks({ skills: ['held'], ...req })
        [Symbol.asyncIterator]()
        .next()
        .then(
          () => 'ok',
          (err: { reason: string }) => err.reason,
        )
    expect(await reasonOf({ claim: true, leaseMs: 10 })).toBe('INVALID_ARGUMENT')
    expect(await reasonOf({ claim: true, maxClaimed: -1 })).toBe('INVALID_ARGUMENT')
    expect(await reasonOf({ maxClaimed: 2 })).toBe('INVALID_ARGUMENT')
  })

  it('moltmesh worker: a killed worker hands its task back at once; --no-preclaim claims itself', async () => {
    const slow = startCli(b, ['worker', '--skill', 'cli-pre', '--exec', 'sleep 20'])
    let quick: ReturnType<typeof startCli> | undefined
    try {
      await waitFor(() => slow.output().includes('serving cli-pre'), 15_000, 'the CLI worker serving')
      const id = await create('cli-pre', 'shout this')
      const atB = async () => (await b.client.a2a.getTask({ id })).task
      await waitFor(async () => (await atB())?.state === TaskState.TASK_STATE_WORKING, 20_000, 'WORKING at B')
      await slow.stop('SIGKILL') // mid-task; its lease (60 s) is far from running out
      await waitFor(
        async () => (await atB())?.state === TaskState.TASK_STATE_SUBMITTED,
        10_000,
        'handed back at B',
      )
      quick = startCli(b, ['worker', '--skill', 'cli-pre', '--exec', 'tr a-z A-Z', '--no-preclaim'])
      await waitFor(async () => (await stateAtA(id)) === TaskState.TASK_STATE_COMPLETED, 20_000, 'COMPLETED')
      const done = (await a.client.a2a.getTask({ id })).task
      expect(done?.output[0]?.text).toBe('SHOUT THIS')
      expect(done?.attempts).toBe(2)
    } finally {
      if (slow.child.exitCode == null) await slow.stop('SIGKILL')
      await quick?.stop()
    }
  }, 90_000)

  // Last: it restarts B.
  it('a daemon restart keeps the claim: the worker finishes its task after reconnecting', async () => {
    let started!: () => void
    const running = new Promise<void>((resolve) => {
      started = resolve
    })
    let finish!: () => void
    const gate = new Promise<void>((resolve) => {
      finish = resolve
    })
    const statuses: WorkerStatus[] = []
    const stop = new AbortController()
    const own = createClient({ socket: b.socket })
    const worker = own.runWorker(
      'survivor',
      async () => {
        started()
        await gate
        return 'after the restart'
      },
      { signal: stop.signal, onStatus: (s) => statuses.push(s) },
    )
    try {
      await waitFor(() => statuses.some((s) => s.kind === 'ready'), 15_000, 'the worker serving')
      const id = await create('survivor', 'x')
      await running
      // The claim's WORKING update has reached A: nothing of this task is in flight at the stop.
      await waitFor(async () => (await stateAtA(id)) === TaskState.TASK_STATE_WORKING, 20_000, 'WORKING at A')
      await b.stop()
      await b.start()
      await waitFor(() => statuses.some((s) => s.kind === 'reconnected'), 30_000, 'the worker back')
      finish()
      await waitFor(
        async () => (await stateAtA(id)) === TaskState.TASK_STATE_COMPLETED,
        30_000,
        'COMPLETED',
      ).catch(async (err: Error) => {
        const atB = (await b.client.a2a.getTask({ id })).task
        throw new Error(`${err.message}; at B: state ${atB?.state}, attempts ${atB?.attempts}`)
      })
      const done = (await a.client.a2a.getTask({ id })).task
      expect(done?.output[0]?.text).toBe('after the restart')
      expect(done?.attempts).toBe(1) // never handed back, never run twice
    } finally {
      finish()
      stop.abort()
      await worker.catch(() => undefined)
      own.close()
    }
  }, 90_000)
})
