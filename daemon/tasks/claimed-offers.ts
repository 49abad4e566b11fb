// Pre-claimed offers (SubscribeTasks with `claim`): the daemon claims each waiting task for the
// subscription before sending it, so a worker starts at once instead of answering an offer with a
// ClaimTask call (one gRPC round trip less per task on the worker's path). Claims of one subscription
// run concurrently, as separate ClaimTask calls would.
//
// A subscription holds at most `maxClaimed` tasks at a time (claimed, not yet finished or handed
// back): a worker that is busy is not sent more, and those wait for, or go to, other workers. The
// claim is made under the task's lock (worker.claim), so no task goes to two subscriptions. When the
// subscription ends, whatever it still holds is handed back as if its lease had run out (timers.ts),
// unless the daemon is stopping (the worker may finish its task after the restart).

import { invalidArgument, MoltmeshError } from '../errors/moltmesh-error.ts'
import type { Logger } from '../log/logger.ts'
import { hop } from '../messaging/hop-trace.ts'
import type { TaskRecord } from './records.ts'
import { isTerminal } from './state-machine.ts'
import type { TaskEngine } from './task-engine.ts'
import { leaseLength, type Worker } from './worker.ts'

export interface ClaimedOfferComponents {
  engine: Pick<TaskEngine, 'changes'>
  /** Tasks waiting for a worker with one of the skills (streams.ts). */
  waiting: (skills: string[], signal: AbortSignal) => AsyncGenerator<TaskRecord>
  claim: Worker['claim']
  /** Hands a claim back as if its lease had run out (timers.ts). */
  release: (id: string, token: string) => Promise<void>
  defaultLeaseMs: number
  /**
   * True once the daemon is stopping: subscriptions then end because of the daemon, not the worker,
   * so their claims are kept (a worker that reconnects after the restart finishes its task with its
   * lease; one that does not is handed back when the lease runs out).
   */
  daemonStopping: () => boolean
  logger: Logger
}

export interface ClaimOptions {
  /** 0: the default lease. */
  leaseMs: number
  /** 0: one at a time. */
  maxClaimed: number
}

const MAX_CLAIMED = 1000

/** Reasons for which a waiting task could not be claimed because someone else was faster. */
const TAKEN = new Set(['TASK_ALREADY_CLAIMED', 'TASK_TERMINAL', 'TASK_NOT_FOUND'])

export function createClaimedOffers(c: ClaimedOfferComponents) {
  /**
   * Checks the options at once (INVALID_ARGUMENT before the subscription is confirmed) and returns
   * the claimed tasks, in the order the plain subscription would offer them.
   */
  function claimedOffers(
    skills: string[],
    options: ClaimOptions,
    signal: AbortSignal,
  ): AsyncGenerator<TaskRecord> {
    const leaseMs = leaseLength(options.leaseMs, c.defaultLeaseMs)
    if (options.maxClaimed < 0 || options.maxClaimed > MAX_CLAIMED)
      throw invalidArgument(
        'INVALID_ARGUMENT',
        `max_claimed must be between 0 (default 1) and ${MAX_CLAIMED}`,
      )
    return run(skills, leaseMs, options.maxClaimed === 0 ? 1 : options.maxClaimed, signal)
  }

  async function* run(
    skills: string[],
    leaseMs: number,
    maxClaimed: number,
    outer: AbortSignal,
  ): AsyncGenerator<TaskRecord> {
    // Ends the stream of waiting tasks however this generator ends (not only when the call does).
    const stop = new AbortController()
    const signal = AbortSignal.any([outer, stop.signal])
    // Task id -> lease token of the tasks this subscription holds (claimed, sent or about to be).
    const held = new Map<string, string>()
    // Claims under way, and those made but not yet sent, in the order they were made.
    const claiming = new Set<Promise<void>>()
    const claimed: TaskRecord[] = []
    let failure: unknown
    // Wakes the loop below when anything it waits for happened: room made, a claim settled, abort.
    let wake: () => void = () => undefined
    let woken = new Promise<void>((resolve) => {
      wake = resolve
    })
    const poke = () => {
      const resolve = wake
      woken = new Promise<void>((r) => {
        wake = r
      })
      resolve()
    }
    // A held task is let go once it is finished or its lease is no longer this claim's.
    const onChange = (task: TaskRecord) => {
      const token = held.get(task.id)
      if (token == null || (!isTerminal(task.state) && task.lease?.token === token)) return
      held.delete(task.id)
      poke()
    }
    c.engine.changes.on('task', onChange)
    signal.addEventListener('abort', poke, { once: true })
    // Claims run concurrently (their store writes can share a commit), up to the room left.
    const claim = (id: string) => {
      const done: Promise<void> = c
        .claim(id, leaseMs, (task) => held.set(task.id, task.lease?.token ?? ''))
        .then(
          (task) => {
            claimed.push(task)
          },
          (err: unknown) => {
            // Someone else was faster (another worker, a cancel): not this subscription's task.
            if (!(err instanceof MoltmeshError && TAKEN.has(err.reason))) failure ??= err
          },
        )
        .finally(() => {
          claiming.delete(done)
          poke()
        })
      claiming.add(done)
    }
    const offers = c.waiting(skills, signal)[Symbol.asyncIterator]()
    let next: Promise<IteratorResult<TaskRecord>> | undefined
    let offersEnded = false
    try {
      while (!signal.aborted) {
        if (failure != null) throw failure
        const ready = claimed.shift()
        if (ready != null) {
          hop?.('sub.yield', ready.id)
          yield ready
          continue
        }
        if (offersEnded) {
          if (claiming.size === 0) return
          await woken
          continue
        }
        // The next offer is taken only with room for it, so the ones not taken stay with the stream
        // of waiting tasks, which sees them claimed by other workers or handed back meanwhile.
        if (next == null && held.size + claiming.size < maxClaimed) next = offers.next()
        const wait = woken
        const offer = await (next == null ? wait : Promise.race([next, wait]))
        if (offer == null) continue // woken: look again
        next = undefined
        if (offer.done === true) offersEnded = true
        else {
          hop?.('sub.offer', offer.value.id)
          claim(offer.value.id)
        }
      }
    } finally {
      stop.abort()
      signal.removeEventListener('abort', poke)
      void offers.return(undefined).catch(() => undefined)
      // Claims still under way land in `held` before it is handed back.
      await Promise.allSettled([...claiming])
      c.engine.changes.off('task', onChange)
      const left = [...held]
      held.clear()
      if (left.length > 0 && !c.daemonStopping()) {
        c.logger.info({ tasks: left.length }, 'task subscription ended holding claims; handing them back')
        await Promise.all(left.map(([id, token]) => c.release(id, token)))
      }
    }
  }

  return { claimedOffers }
}
