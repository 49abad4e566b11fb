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
//
// Claim at admission: a subscription with room that has caught up with the waiting tasks (nothing
// queued for it that it has not seen) offers itself as a taker. An offer admitted for one of its
// skills is then stored already claimed for it (SUBMITTED and WORKING with the lease, one commit;
// inbound.ts) instead of being stored, seen here and claimed in a second commit. The task is handed
// to the subscription under the task's lock, right after that commit, as a claim of its own would be.

import { invalidArgument, MoltmeshError } from '../errors/moltmesh-error.ts'
import type { Logger } from '../log/logger.ts'
import { hop } from '../messaging/hop-trace.ts'
import type { TaskRecord } from './records.ts'
import { isTerminal } from './state-machine.ts'
import type { TaskEngine } from './task-engine.ts'
import { leaseLength, type Worker } from './worker.ts'

export interface ClaimedOfferComponents {
  engine: Pick<TaskEngine, 'changes'>
  /**
   * Tasks waiting for a worker with one of the skills (streams.ts); it sets `probe.caughtUp` to tell
   * whether it has nothing buffered that it has not yielded yet.
   */
  waiting: (skills: string[], signal: AbortSignal, probe?: WaitingProbe) => AsyncGenerator<TaskRecord>
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

export interface WaitingProbe {
  caughtUp: () => boolean
}

/** A subscription's promise to take the task being admitted (see takeAtAdmission). */
export interface AdmissionClaim {
  leaseMs: number
  /** The task was stored claimed with this claim's lease: the subscription holds it now. */
  claimed: (task: TaskRecord) => void
  /** The task was not stored claimed (refused, or the commit failed): the room is free again. */
  dropped: () => void
}

interface Taker {
  /** Skills asked for; empty: every local skill. */
  skills: Set<string>
  take: () => AdmissionClaim | undefined
}

/** Reasons for which a waiting task could not be claimed because someone else was faster. */
const TAKEN = new Set(['TASK_ALREADY_CLAIMED', 'TASK_TERMINAL', 'TASK_NOT_FOUND'])

export function createClaimedOffers(c: ClaimedOfferComponents) {
  // Subscriptions that may take a task at its admission (each one checks its room when asked).
  const takers = new Set<Taker>()

  /**
   * A subscription for `skill` that has room and nothing else waiting for it, reserved for the task
   * being admitted; undefined if there is none. The caller stores the task claimed with the claim's
   * lease and then calls `claimed`, under the task's lock, or `dropped`.
   */
  function takeAtAdmission(skill: string): AdmissionClaim | undefined {
    for (const taker of takers) {
      if (taker.skills.size > 0 && !taker.skills.has(skill)) continue
      const claim = taker.take()
      if (claim == null) continue
      // The next task goes to the next subscription first.
      takers.delete(taker)
      takers.add(taker)
      return claim
    }
    return undefined
  }

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
    const probe: WaitingProbe = { caughtUp: () => false }
    const offers = c.waiting(skills, signal, probe)[Symbol.asyncIterator]()
    let next: Promise<IteratorResult<TaskRecord>> | undefined
    // An offer that came while the room was taken by a claim at admission: claimed once there is room.
    let deferred: TaskRecord | undefined
    let offersEnded = false
    const room = () => held.size + claiming.size < maxClaimed
    const taker: Taker = {
      skills: new Set(skills),
      // Only while this loop waits for the next offer with room for it, and the stream of waiting
      // tasks has nothing buffered (an older waiting task goes first).
      take: () => {
        if (
          signal.aborted ||
          failure != null ||
          offersEnded ||
          next == null ||
          deferred != null ||
          !room() ||
          !probe.caughtUp()
        )
          return undefined
        let settle: () => void = () => undefined
        const done = new Promise<void>((resolve) => {
          settle = () => {
            claiming.delete(done)
            resolve()
            poke()
          }
        })
        claiming.add(done)
        return {
          leaseMs,
          claimed: (task) => {
            held.set(task.id, task.lease?.token ?? '')
            claimed.push(task)
            hop?.('sub.admitted', task.id)
            settle()
          },
          dropped: settle,
        }
      },
    }
    takers.add(taker)
    try {
      while (!signal.aborted) {
        if (failure != null) throw failure
        const ready = claimed.shift()
        if (ready != null) {
          hop?.('sub.yield', ready.id)
          yield ready
          continue
        }
        if (deferred != null && room()) {
          claim(deferred.id)
          deferred = undefined
          continue
        }
        if (offersEnded) {
          if (claiming.size === 0) return
          await woken
          continue
        }
        // The next offer is taken only with room for it, so the ones not taken stay with the stream
        // of waiting tasks, which sees them claimed by other workers or handed back meanwhile.
        if (next == null && deferred == null && room()) next = offers.next()
        const wait = woken
        const offer = await (next == null ? wait : Promise.race([next, wait]))
        if (offer == null) continue // woken: look again
        next = undefined
        if (offer.done === true) offersEnded = true
        else {
          hop?.('sub.offer', offer.value.id)
          // A claim at admission may have taken the room while this offer was asked for.
          if (room()) claim(offer.value.id)
          else deferred = offer.value
        }
      }
    } finally {
      takers.delete(taker)
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

  return { claimedOffers, takeAtAdmission }
}
