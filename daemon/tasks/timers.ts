// Deadlines (both sides: a task past its deadline FAILS with TIMEOUT) and worker leases (assignee
// side: a lease that runs out puts the task back to SUBMITTED for another worker, until the attempts
// are used up; a claim whose SubscribeTasks subscription ended is handed back the same way). Timers
// follow every committed change and are re-armed from the store at start.

import type { Logger } from '../log/logger.ts'
import { TaskState } from '../wire/gen/moltmesh/wire/v1/tasks.ts'
import type { TaskRecord } from './records.ts'
import { isTerminal } from './state-machine.ts'
import { transition } from './task-changes.ts'
import type { TaskEngine } from './task-engine.ts'
import type { TaskStore } from './task-store.ts'

export interface TimerComponents {
  engine: TaskEngine
  tasks: TaskStore
  maxAttempts: number
  logger: Logger
}

/** setTimeout cannot wait longer than this; longer waits re-check when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1

export function createTaskTimers(c: TimerComponents) {
  const timers = new Map<string, { deadline?: NodeJS.Timeout; lease?: NodeJS.Timeout }>()
  let stopped = false

  function clear(id: string): void {
    const t = timers.get(id)
    if (t == null) return
    clearTimeout(t.deadline)
    clearTimeout(t.lease)
    timers.delete(id)
  }

  function after(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(fn, Math.min(MAX_TIMER_MS, Math.max(0, ms)))
    timer.unref()
    return timer
  }

  function schedule(task: TaskRecord): void {
    clear(task.id)
    if (stopped || isTerminal(task.state)) return
    const now = Date.now()
    const entry: { deadline?: NodeJS.Timeout; lease?: NodeJS.Timeout } = {
      deadline: after(task.deadlineMs - now, () => void onDeadline(task.id)),
    }
    if (task.role === 'assignee' && task.lease != null)
      entry.lease = after(task.lease.expiresAtMs - now, () => void onLease(task.id))
    timers.set(task.id, entry)
  }

  async function onDeadline(id: string): Promise<void> {
    await c.engine
      .lock(id, async () => {
        const task = await c.tasks.get(id)
        if (task == null || isTerminal(task.state)) return
        if (task.deadlineMs > Date.now()) return schedule(task)
        c.logger.info({ task: id, role: task.role }, 'task timed out')
        const error = {
          reason: 'TIMEOUT',
          message: `the task passed its deadline (${new Date(task.deadlineMs).toISOString()})`,
        }
        await c.engine.commit(transition(task, TaskState.TASK_STATE_FAILED, { error, lease: undefined }))
      })
      .catch((err: unknown) => c.logger.error({ err, task: id }, 'task deadline handling failed'))
  }

  async function onLease(id: string): Promise<void> {
    await c.engine
      .lock(id, async () => {
        const task = await c.tasks.get(id)
        if (task?.lease == null || isTerminal(task.state)) return
        if (task.lease.expiresAtMs > Date.now()) return schedule(task)
        await handBack(task, 'lease expired')
      })
      .catch((err: unknown) => c.logger.error({ err, task: id }, 'task lease handling failed'))
  }

  /**
   * A claim that ended without the task finishing: back in line for another worker, or FAILED once
   * the attempts are used up (every claim counts as one). Called under the task's lock.
   */
  async function handBack(
    task: TaskRecord,
    why: 'lease expired' | 'worker subscription ended',
  ): Promise<void> {
    if (task.attempts >= c.maxAttempts) {
      c.logger.warn({ task: task.id, attempts: task.attempts, why }, 'worker claim ended; no attempts left')
      const error = {
        reason: 'LEASE_EXPIRED',
        message: `the worker's lease ran out or its subscription ended ${task.attempts} time(s); max attempts reached`,
      }
      await c.engine.commit(transition(task, TaskState.TASK_STATE_FAILED, { error, lease: undefined }))
      return
    }
    c.logger.info({ task: task.id, attempts: task.attempts, why }, 'worker claim ended; task back in line')
    await c.engine.commit(
      transition(
        task,
        TaskState.TASK_STATE_SUBMITTED,
        { lease: undefined, statusMessage: [] },
        { note: why },
      ),
    )
  }

  /**
   * Hands back a task claimed by a SubscribeTasks subscription that has ended (claimed-offers.ts), as
   * if its lease had run out now; nothing happens if the claim `token` is no longer the task's lease
   * (finished, handed back, or expired meanwhile).
   */
  async function release(id: string, token: string): Promise<void> {
    await c.engine
      .lock(id, async () => {
        const task = await c.tasks.get(id)
        if (task?.lease?.token !== token || isTerminal(task.state)) return
        await handBack(task, 'worker subscription ended')
      })
      .catch((err: unknown) => c.logger.error({ err, task: id }, 'cannot hand back a claimed task'))
  }

  return {
    schedule,
    release,
    size: (): number => timers.size,
    async start(): Promise<number> {
      const open = await c.tasks.open()
      for (const task of open) schedule(task)
      return open.length
    },
    stop(): void {
      stopped = true
      for (const id of [...timers.keys()]) clear(id)
    },
  }
}
