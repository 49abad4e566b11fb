// Pre-claimed offers with stubbed components: claims run concurrently but never beyond max_claimed,
// a finished task makes room for the next, a task taken by someone else is skipped, other claim
// errors end the stream, and what the subscription still holds when it ends is handed back (not when
// the daemon is stopping).
import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { failedPrecondition } from '../../../daemon/errors/moltmesh-error.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { createClaimedOffers } from '../../../daemon/tasks/claimed-offers.ts'
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
  const offers$ = async function* (_skills: string[], signal: AbortSignal) {
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
  } as (skills: string[], signal: AbortSignal) => AsyncGenerator<TaskRecord>
  const { claimedOffers } = createClaimedOffers({
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
  }
}

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
})
