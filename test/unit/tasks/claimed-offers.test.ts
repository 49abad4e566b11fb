// Pre-claimed offers with stubbed components: claims run concurrently but never beyond max_claimed,
// a finished task makes room for the next, a task taken by someone else is skipped, other claim
// errors end the stream, and what the subscription still holds when it ends is handed back (not when
// the daemon is stopping).
import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { failedPrecondition } from '../../../daemon/errors/moltmesh-error.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { createClaimedOffers, type WaitingProbe } from '../../../daemon/tasks/claimed-offers.ts'
import type { TaskRecord } from '../../../daemon/tasks/records.ts'
import { TaskState } from '../../../daemon/wire/gen/moltmesh/wire/v1/tasks.ts'

const task = (id: string, patch: Partial<TaskRecord> = {}): TaskRecord =>
  ({ id, state: TaskState.TASK_STATE_SUBMITTED, role: 'assignee', lastSequence: 1, ...patch }) as TaskRecord

function fixture(options: { taken?: string[]; broken?: string[]; stopping?: boolean } = {}) {
  const changes = new EventEmitter()
  const offers: TaskRecord[] = []
  let offered: (() => void) | undefined
  const inFlight = { now: 0, most: 0 }
  const released: string[] = []
  const pending: Array<() => void> = []
  // Caught up while nothing offered is waiting to be yielded (as streams.ts tells it).
  const offers$ = async function* (_skills: string[], signal: AbortSignal, probe?: WaitingProbe) {
    if (probe != null) probe.caughtUp = () => offers.length === 0
    while (!signal.aborted) {
      const next = offers.shift()
      if (next != null) {
        yield next
        continue
      }
      await new Promise<void>((resolve) => {
        offered = resolve
        signal.addEventListener('abort', () => resolve(), { once: true })
      })
    }
  } as (skills: string[], signal: AbortSignal, probe?: WaitingProbe) => AsyncGenerator<TaskRecord>
  const { claimedOffers, takeAtAdmission } = createClaimedOffers({
    engine: { changes },
    waiting: offers$,
    // A claim finishes when the test lets it (claims under way are counted).
    claim: (id, _leaseMs, onClaimed) =>
      new Promise<TaskRecord>((resolve, reject) => {
        inFlight.now++
        inFlight.most = Math.max(inFlight.most, inFlight.now)
        pending.push(() => {
          inFlight.now--
          if (options.taken?.includes(id))
            return reject(failedPrecondition('TASK_ALREADY_CLAIMED', `${id} is taken`))
          if (options.broken?.includes(id)) return reject(new Error('disk full'))
          const claimed = task(id, {
            state: TaskState.TASK_STATE_WORKING,
            lease: { token: `lease-${id}`, expiresAtMs: Date.now() + 60_000 },
          })
          onClaimed?.(claimed)
          resolve(claimed)
        })
      }),
    release: async (id, token) => {
      released.push(`${id}:${token}`)
    },
    defaultLeaseMs: 60_000,
    daemonStopping: () => options.stopping === true,
    logger: silentLogger(),
  })
  return {
    changes,
    inFlight,
    released,
    offer(...ids: string[]) {
      offers.push(...ids.map((id) => task(id)))
      offered?.()
    },
    /** Lets every claim under way finish. */
    settle: async () => {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
      for (const done of pending.splice(0)) done()
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
    },
    claimedOffers,
    takeAtAdmission,
  }
}

const admitted = (id: string) =>
  task(id, { state: TaskState.TASK_STATE_WORKING, lease: { token: `adm-${id}`, expiresAtMs: 1 } })

describe('claimed offers', () => {
  it('claims concurrently up to max_claimed, and a finished task makes room for the next', async () => {
    const f = fixture()
    const abort = new AbortController()
    const stream = f.claimedOffers([], { leaseMs: 0, maxClaimed: 2 }, abort.signal)
    f.offer('t1', 't2', 't3', 't4')
    const first = stream.next()
    await f.settle()
    expect((await first).value?.id).toBe('t1')
    expect((await stream.next()).value?.id).toBe('t2')
    expect(f.inFlight.most).toBe(2) // both claims were under way at once, the third not started
    const third = stream.next()
    await f.settle()
    expect(f.inFlight.most).toBe(2)
    // t1 completes: room for one more.
    f.changes.emit('task', task('t1', { state: TaskState.TASK_STATE_COMPLETED }))
    await f.settle()
    expect((await third).value?.id).toBe('t3')
    await stream.return(undefined)
    abort.abort()
    expect(f.released.sort()).toEqual(['t2:lease-t2', 't3:lease-t3'])
  })

  it('skips a task taken by someone else; another claim error ends the stream, handing back what it holds', async () => {
    const f = fixture({ taken: ['t1'], broken: ['t3'] })
    const abort = new AbortController()
    const stream = f.claimedOffers([], { leaseMs: 0, maxClaimed: 1 }, abort.signal)
    f.offer('t1', 't2')
    const next = stream.next()
    await f.settle()
    await f.settle()
    expect((await next).value?.id).toBe('t2')
    f.changes.emit('task', task('t2', { state: TaskState.TASK_STATE_SUBMITTED })) // handed back elsewhere
    f.offer('t3')
    const failing = stream.next().then(
      () => 'no error',
      (err: Error) => err.message,
    )
    await f.settle()
    await f.settle()
    expect(await failing).toBe('disk full')
    abort.abort()
    expect(f.released).toEqual([]) // t2 was no longer held, t3 never claimed
  })

  it('keeps its claims when the daemon is stopping, and checks its options', async () => {
    const f = fixture({ stopping: true })
    const abort = new AbortController()
    const stream = f.claimedOffers([], { leaseMs: 5_000, maxClaimed: 0 }, abort.signal)
    f.offer('t1')
    const next = stream.next()
    await f.settle()
    expect((await next).value?.lease?.token).toBe('lease-t1')
    abort.abort()
    expect((await stream.next()).done).toBe(true)
    expect(f.released).toEqual([])
    expect(() => f.claimedOffers([], { leaseMs: 10, maxClaimed: 1 }, abort.signal)).toThrow(/lease_ms/)
    expect(() => f.claimedOffers([], { leaseMs: 0, maxClaimed: 1001 }, abort.signal)).toThrow(/max_claimed/)
  })

  it('takes a task at its admission only while waiting with room and caught up, for its skills', async () => {
    const f = fixture()
    expect(f.takeAtAdmission('echo')).toBeUndefined() // no subscription
    const abort = new AbortController()
    const stream = f.claimedOffers(['echo'], { leaseMs: 0, maxClaimed: 1 }, abort.signal)
    const first = stream.next()
    await f.settle()
    expect(f.takeAtAdmission('other')).toBeUndefined() // not its skill
    const claim = f.takeAtAdmission('echo')
    expect(claim?.leaseMs).toBe(60_000)
    expect(f.takeAtAdmission('echo')).toBeUndefined() // its one place is reserved
    claim?.claimed(admitted('a1'))
    expect((await first).value?.lease?.token).toBe('adm-a1')
    expect(f.inFlight.most).toBe(0) // no claim of its own was made
    // Busy with a1: a waiting task is not claimed (nor taken at admission) until a1 is finished.
    f.offer('t1')
    const second = stream.next()
    await f.settle()
    expect(f.inFlight.most).toBe(0)
    expect(f.takeAtAdmission('echo')).toBeUndefined()
    f.changes.emit('task', task('a1', { state: TaskState.TASK_STATE_COMPLETED }))
    await f.settle()
    expect((await second).value?.id).toBe('t1')
    await stream.return(undefined)
    abort.abort()
    expect(f.released).toEqual(['t1:lease-t1'])
  })

  it('is not taken while an older task waits for it; a dropped claim frees the room; an offer asked for meanwhile waits for room', async () => {
    const f = fixture()
    const abort = new AbortController()
    const stream = f.claimedOffers([], { leaseMs: 0, maxClaimed: 1 }, abort.signal)
    const first = stream.next()
    await f.settle()
    f.offer('t1') // buffered in the stream of waiting tasks, not yet seen by the subscription
    expect(f.takeAtAdmission('any')).toBeUndefined()
    await f.settle()
    expect((await first).value?.id).toBe('t1')
    f.changes.emit('task', task('t1', { state: TaskState.TASK_STATE_COMPLETED }))
    const second = stream.next()
    await f.settle()
    const dropped = f.takeAtAdmission('any')
    expect(dropped).toBeDefined()
    dropped?.dropped()
    await f.settle()
    // The admission took the place while the subscription was asking for an offer: t2 waits for it.
    const claim = f.takeAtAdmission('any')
    f.offer('t2')
    await f.settle()
    claim?.claimed(admitted('a2'))
    expect((await second).value?.id).toBe('a2')
    expect(f.inFlight.most).toBe(1) // only t1's claim so far
    const third = stream.next()
    await f.settle()
    const early = await Promise.race([third.then(() => 'sent'), Promise.resolve('waiting')])
    expect(early).toBe('waiting') // not beyond max_claimed while a2 is held
    f.changes.emit('task', task('a2', { state: TaskState.TASK_STATE_COMPLETED }))
    await f.settle()
    expect((await third).value?.id).toBe('t2')
    abort.abort()
    await stream.return(undefined)
    expect(f.released).toEqual(['t2:lease-t2'])
  })
})
