// The task subsystem between two daemons, without a network: requester and assignee each run the
// real engine, requester, worker, inbound and timer parts over their own LevelDB; frames move from
// one outbox to the other side's sink (task-pair.ts). Covers the paths integration tests reach only
// through daemons: offers, leases, questions, cancels, repeats, strangers, refusals, prices.
import { afterEach, describe, expect, it } from 'vitest'
import { isMoltmeshError } from '../../../daemon/errors/moltmesh-error.ts'
import { decodeParts } from '../../../daemon/tasks/parts-codec.ts'
import type { CreateInput } from '../../../daemon/tasks/requester.ts'
import { MessageBody } from '../../../daemon/wire/gen/moltmesh/wire/v1/messaging.ts'
import { TaskEventKind, TaskState } from '../../../daemon/wire/gen/moltmesh/wire/v1/tasks.ts'
import { closeSides, createSide, pump, type Side, settle, skill, storedEvents, text } from './task-pair.ts'

const S = TaskState
let open: Side[] = []
afterEach(async () => {
  await closeSides(...open)
  open = []
})

async function pair(options: Parameters<typeof createSide>[0] = { skills: [skill('echo')] }) {
  const requester = await createSide()
  const assignee = await createSide(options)
  open.push(requester, assignee)
  return { a: requester, b: assignee }
}

const input = (to: string, patch: Partial<CreateInput> = {}): CreateInput => ({
  to,
  capability: '',
  skill: 'echo',
  input: [text('hello')],
  idempotencyKey: '',
  timeoutMs: 0,
  maxPrice: '',
  metadata: {},
  contextId: '',
  ...patch,
})

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    if (isMoltmeshError(err)) return err.reason
    throw err
  }
  throw new Error('expected a refusal')
}

describe('task lifecycle between a requester and an assignee', () => {
  it('offers, claims, completes, and both sides end COMPLETED with the same output', async () => {
    const { a, b } = await pair()
    const completed: string[] = []
    a.events.on('task.completed', ({ task }) => completed.push(`a:${task.id}`))
    b.events.on('task.completed', ({ task }) => completed.push(`b:${task.id}`))

    const { task, existing } = await a.tasks.service.create(input(b.identity.did))
    expect(existing).toBe(false)
    expect(task).toMatchObject({ role: 'requester', state: S.TASK_STATE_SUBMITTED, assignee: b.identity.did })
    expect(a.kicks).toEqual([b.identity.did]) // the offer was queued and delivery started

    expect(await pump(a, b)).toEqual([{ status: 'stored' }])
    const offered = await b.tasks.service.get(task.id)
    expect(offered).toMatchObject({
      role: 'assignee',
      requester: a.identity.did,
      state: S.TASK_STATE_SUBMITTED,
    })

    const claimed = await b.tasks.service.claim(task.id, 5_000)
    expect(claimed.state).toBe(S.TASK_STATE_WORKING)
    expect(claimed.attempts).toBe(1)
    const token = claimed.lease?.token as string
    await b.tasks.service.complete(task.id, token, [text('HELLO')])
    await settle(a, b)

    const done = await a.tasks.service.get(task.id)
    expect(done.state).toBe(S.TASK_STATE_COMPLETED)
    expect(decodeParts(done.output).map((p) => p.text)).toEqual(['HELLO'])
    expect(completed.sort()).toEqual([`a:${task.id}`, `b:${task.id}`])
    // The requester numbers its own events; they are gapless from 1.
    const events = await storedEvents(a, task.id)
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1))
    expect(events.at(-1)?.state).toBe(S.TASK_STATE_COMPLETED)
  })

  it('stores an offer already claimed for a waiting pre-claiming worker, in one commit', async () => {
    const { a, b } = await pair()
    const abort = new AbortController()
    const sub = b.tasks.service.claimedOffers(['echo'], { leaseMs: 5_000, maxClaimed: 1 }, abort.signal)
    const first = sub.next()
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)) // the subscription waits
    const created: number[] = []
    const updated: number[] = []
    b.events.on('task.created', ({ task }) => created.push(task.state))
    b.events.on('task.updated', ({ task }) => updated.push(task.state))

    const { task } = await a.tasks.service.create(input(b.identity.did))
    expect(await pump(a, b)).toEqual([{ status: 'stored' }])
    // Stored WORKING with the subscription's lease (no SUBMITTED version was ever stored alone).
    expect(created).toEqual([S.TASK_STATE_WORKING])
    expect(updated).toEqual([S.TASK_STATE_WORKING])
    const claimed = (await first).value
    expect(claimed).toMatchObject({ id: task.id, state: S.TASK_STATE_WORKING, attempts: 1 })
    expect(await b.tasks.service.get(task.id)).toMatchObject({ lease: claimed?.lease })
    expect((await storedEvents(b, task.id)).map((e) => [e.sequence, e.state])).toEqual([
      [1, S.TASK_STATE_SUBMITTED],
      [2, S.TASK_STATE_WORKING],
    ])
    // Busy with it (max_claimed 1): the next offer is stored SUBMITTED and claimed once it is done.
    const { task: second } = await a.tasks.service.create(input(b.identity.did))
    await pump(a, b)
    expect(created).toEqual([S.TASK_STATE_WORKING, S.TASK_STATE_SUBMITTED])
    const next = sub.next()
    await b.tasks.service.complete(task.id, claimed?.lease?.token as string, [text('HELLO')])
    expect((await next).value).toMatchObject({ id: second.id, state: S.TASK_STATE_WORKING })
    await settle(a, b)
    const done = await a.tasks.service.get(task.id)
    expect(done.state).toBe(S.TASK_STATE_COMPLETED)
    expect((await storedEvents(a, task.id)).map((e) => e.state)).toEqual([
      S.TASK_STATE_SUBMITTED,
      S.TASK_STATE_WORKING,
      S.TASK_STATE_COMPLETED,
    ])
    abort.abort()
    await sub.return(undefined)
  })

  it('gives concurrent creates with one idempotency key one task', async () => {
    const { a, b } = await pair()
    const results = await Promise.all(
      [1, 2, 3].map(() => a.tasks.service.create(input(b.identity.did, { idempotencyKey: 'k1' }))),
    )
    expect(new Set(results.map((r) => r.task.id)).size).toBe(1)
    expect(results.filter((r) => !r.existing)).toHaveLength(1)
    expect(await a.outbox.queued(b.identity.did, 10)).toHaveLength(1)
  })

  it('refuses a task to yourself, a missing target, and an input larger than a frame', async () => {
    const { a, b } = await pair()
    expect(await reason(a.tasks.service.create(input(a.identity.did)))).toBe('SELF_TARGET')
    expect(await reason(a.tasks.service.create(input('')))).toBe('INVALID_ARGUMENT')
    const big = text('x'.repeat(300 * 1024))
    expect(await reason(a.tasks.service.create(input(b.identity.did, { input: [big] })))).toBe(
      'PAYLOAD_TOO_LARGE',
    )
    expect(await a.outbox.queued(b.identity.did, 10)).toHaveLength(0)
  })

  it('rejects an offer for an unknown skill, and the requester learns why', async () => {
    const { a, b } = await pair({ skills: [] })
    const { task } = await a.tasks.service.create(input(b.identity.did, { skill: 'nope' }))
    await settle(a, b)
    const mine = await a.tasks.service.get(task.id)
    expect(mine.state).toBe(S.TASK_STATE_REJECTED)
    expect(mine.error?.reason).toBe('SKILL_NOT_FOUND')
  })

  it('drops a repeated frame and refuses frames from agents that are not party to the task', async () => {
    const { a, b } = await pair()
    const stranger = await createSide()
    open.push(stranger)
    const { task } = await a.tasks.service.create(input(b.identity.did))
    const [record] = await a.outbox.queued(b.identity.did, 1)
    const frame = MessageBody.decode(Buffer.from(record?.body as string, 'base64')).task
    if (frame == null) throw new Error('no frame')
    expect(await b.sink()(a.identity.did, frame)).toEqual({ status: 'stored' })
    expect(await b.sink()(a.identity.did, frame)).toEqual({ status: 'duplicate' })
    // The same offer id from another agent is a collision, not a repeat.
    expect(await b.sink()(stranger.identity.did, frame)).toMatchObject({ reason: 'TASK_ID_CONFLICT' })
    // A stranger cannot cancel the task or answer for it.
    expect(await b.sink()(stranger.identity.did, { cancel: { taskId: task.id, reason: '' } })).toMatchObject({
      status: 'rejected',
      reason: 'TASK_NOT_FOUND',
    })
    expect(
      await b.sink()(stranger.identity.did, { cancel: { taskId: 'not-an-id', reason: '' } }),
    ).toMatchObject({ reason: 'MALFORMED' })
    expect((await b.tasks.service.get(task.id)).state).toBe(S.TASK_STATE_SUBMITTED)
  })

  it('asks the requester a question and goes on with its answer', async () => {
    const { a, b } = await pair()
    const { task } = await a.tasks.service.create(input(b.identity.did))
    await pump(a, b)
    const { lease } = await b.tasks.service.claim(task.id, 5_000)
    const token = lease?.token as string
    await b.tasks.service.update(task.id, token, S.TASK_STATE_INPUT_REQUIRED, [text('which language?')])
    await settle(a, b)
    const asked = await a.tasks.service.get(task.id)
    expect(asked.state).toBe(S.TASK_STATE_INPUT_REQUIRED)
    expect(decodeParts(asked.statusMessage).map((p) => p.text)).toEqual(['which language?'])

    expect(await reason(a.tasks.service.sendInput('task_unknown', [text('x')]))).toBe('TASK_NOT_FOUND')
    await a.tasks.service.sendInput(task.id, [text('French')])
    expect((await a.tasks.service.get(task.id)).state).toBe(S.TASK_STATE_WORKING)
    await settle(a, b)
    const answered = await b.tasks.service.get(task.id)
    expect(answered.state).toBe(S.TASK_STATE_WORKING)
    const inputs = (await storedEvents(b, task.id)).filter(
      (e) => e.kind === TaskEventKind.TASK_EVENT_KIND_INPUT,
    )
    expect(inputs.flatMap((e) => decodeParts(e.parts).map((p) => p.text))).toEqual(['French'])
    // A second answer when none is asked for is refused.
    expect(await reason(a.tasks.service.sendInput(task.id, [text('again')]))).toBe('INPUT_NOT_REQUIRED')
  })

  it('cancels at both sides; the worker then finds the task final', async () => {
    const { a, b } = await pair()
    const { task } = await a.tasks.service.create(input(b.identity.did))
    await pump(a, b)
    const { lease } = await b.tasks.service.claim(task.id, 5_000)
    await a.tasks.service.cancel(task.id, 'changed my mind')
    await settle(a, b)
    expect((await b.tasks.service.get(task.id)).state).toBe(S.TASK_STATE_CANCELED)
    expect(await reason(b.tasks.service.complete(task.id, lease?.token as string, []))).toBe('TASK_TERMINAL')
    expect(await reason(a.tasks.service.cancel(task.id, ''))).toBe('TASK_TERMINAL')
  })

  it('checks leases: one worker at a time, the right token, the right role', async () => {
    const { a, b } = await pair()
    const { task } = await a.tasks.service.create(input(b.identity.did))
    await pump(a, b)
    await b.tasks.service.claim(task.id, 5_000)
    expect(await reason(b.tasks.service.claim(task.id, 5_000))).toBe('TASK_ALREADY_CLAIMED')
    expect(await reason(b.tasks.service.complete(task.id, 'wrong', []))).toBe('LEASE_INVALID')
    expect(await reason(b.tasks.service.claim(task.id, 10))).toBe('INVALID_ARGUMENT')
    expect(await reason(a.tasks.service.claim(task.id, 5_000))).toBe('NOT_ASSIGNEE')
    expect(await reason(b.tasks.service.cancel(task.id, ''))).toBe('NOT_REQUESTER')
  })

  it('fails the requester task at once when the assignee refuses the offer for good', async () => {
    const { a, b } = await pair()
    const failed = new Promise((resolve) => a.events.on('task.failed', resolve))
    const { task } = await a.tasks.service.create(input(b.identity.did))
    const [record] = await a.outbox.queued(b.identity.did, 1)
    if (record == null) throw new Error('no offer queued')
    const refused = await a.outbox.finish(record, 'failed', { lastError: 'PAYLOAD_TOO_LARGE' })
    if (refused == null) throw new Error('the offer was no longer queued')
    a.frameFailed(refused)
    await failed
    const mine = await a.tasks.service.get(task.id)
    expect(mine.state).toBe(S.TASK_STATE_FAILED)
    expect(mine.error).toMatchObject({ reason: 'UNDELIVERABLE' })
    expect(mine.error?.message).toContain('PAYLOAD_TOO_LARGE')
  })

  it('fails a task that passes its deadline, on the requester side', async () => {
    const { a, b } = await pair()
    const failed = new Promise<string>((resolve) =>
      a.events.on('task.failed', ({ task }) => resolve(task.id)),
    )
    const { task } = await a.tasks.service.create(input(b.identity.did, { timeoutMs: 20 }))
    expect(await failed).toBe(task.id)
    expect((await a.tasks.service.get(task.id)).error?.reason).toBe('TIMEOUT')
  })

  it('lists tasks by role, state and peer, newest first, with a page token', async () => {
    const { a, b } = await pair()
    const ids: string[] = []
    for (let i = 0; i < 3; i++) ids.push((await a.tasks.service.create(input(b.identity.did))).task.id)
    const base = { states: [], peer: '', skill: '', pageToken: '' }
    const first = await a.tasks.service.list({ ...base, role: 'requester', pageSize: 2 })
    expect(first.tasks.map((t) => t.id)).toEqual([ids[2], ids[1]])
    const second = await a.tasks.service.list({ ...base, pageSize: 2, pageToken: first.nextPageToken })
    expect(second.tasks.map((t) => t.id)).toEqual([ids[0]])
    expect(second.nextPageToken).toBe('')
    expect((await a.tasks.service.list({ ...base, role: 'assignee', pageSize: 10 })).tasks).toEqual([])
    expect(
      (await a.tasks.service.list({ ...base, states: [S.TASK_STATE_COMPLETED], pageSize: 10 })).tasks,
    ).toEqual([])
  })
})

describe('priced tasks', () => {
  it('refuses over the credit limit with a quote, admits with the signed quote, settles the receipt', async () => {
    const { a, b } = await pair({ skills: [skill('echo', { price: '5' })], creditLimit: '0' })
    const { task: refused } = await a.tasks.service.create(input(b.identity.did, { maxPrice: '10' }))
    await settle(a, b)
    const mine = await a.tasks.service.get(refused.id)
    expect(mine.state).toBe(S.TASK_STATE_REJECTED)
    expect(mine.error?.reason).toBe('CREDIT_LIMIT_EXCEEDED')
    const quote = mine.error?.quote
    expect(quote).toMatchObject({ price: '5', providerDid: b.identity.did })

    const { task } = await a.tasks.service.create(input(b.identity.did, { maxPrice: '10', payment: quote }))
    await settle(a, b)
    expect((await b.tasks.service.get(task.id)).state).toBe(S.TASK_STATE_SUBMITTED)
    expect(b.ledger.balance(a.identity.did).reserved).toBe('5')
    const { lease } = await b.tasks.service.claim(task.id, 5_000)
    await b.tasks.service.complete(task.id, lease?.token as string, [text('done')])
    await settle(a, b)

    expect((await a.tasks.service.get(task.id)).state).toBe(S.TASK_STATE_COMPLETED)
    // Positive = the peer owes us: the requester owes the provider 5.
    expect(b.ledger.balance(a.identity.did)).toMatchObject({ balance: '5', reserved: '0', tasksCompleted: 1 })
    expect(a.ledger.balance(b.identity.did)).toMatchObject({ balance: '-5', tasksCompleted: 1 })
    expect((await a.ledger.receipt(task.id))?.status).toBe('settled')
    expect((await b.ledger.receipt(task.id))?.status).toBe('settled')
    expect((await a.ledger.verify()).ok).toBe(true)
    expect((await b.ledger.verify()).ok).toBe(true)

    // The quote was single-use.
    const { task: replay } = await a.tasks.service.create(
      input(b.identity.did, { maxPrice: '10', payment: quote }),
    )
    await settle(a, b)
    expect((await a.tasks.service.get(replay.id)).error?.reason).toBe('NONCE_REPLAYED')
  })

  it('gives the reservation back when a priced task fails', async () => {
    const { a, b } = await pair({ skills: [skill('echo', { price: '2' })], creditLimit: '10' })
    const { task } = await a.tasks.service.create(input(b.identity.did, { maxPrice: '2' }))
    await pump(a, b)
    expect(b.ledger.balance(a.identity.did).reserved).toBe('2')
    const { lease } = await b.tasks.service.claim(task.id, 5_000)
    await b.tasks.service.fail(task.id, lease?.token as string, { reason: 'BROKE', message: 'no' })
    expect(b.ledger.balance(a.identity.did)).toMatchObject({ reserved: '0', balance: '0', tasksFailed: 1 })
    await settle(a, b)
    expect((await a.tasks.service.get(task.id)).error?.reason).toBe('BROKE')
  })

  it('rejects a price above the requester max_price before touching the ledger', async () => {
    const { a, b } = await pair({ skills: [skill('echo', { price: '3' })], creditLimit: '10' })
    const { task } = await a.tasks.service.create(input(b.identity.did, { maxPrice: '1' }))
    await settle(a, b)
    expect((await a.tasks.service.get(task.id)).state).toBe(S.TASK_STATE_REJECTED)
    expect(b.ledger.balance(a.identity.did).reserved).toBe('0')
  })
})
