// Live views of tasks: a task's event stream (snapshot, replay from a cursor, then live, closed at a
// terminal state), the queue of tasks waiting for workers, and waiting for a task to settle. Each one
// starts listening before it reads the store, so nothing committed in between is missed.

import { invalidArgument } from '../errors/moltmesh-error.ts'
import { eventQueue } from '../events/event-queue.ts'
import { TaskState } from '../wire/gen/moltmesh/wire/v1/tasks.ts'
import type { WaitingProbe } from './claimed-offers.ts'
import type { TaskEventRecord, TaskRecord } from './records.ts'
import { isTerminal } from './state-machine.ts'
import { mustGet } from './task-changes.ts'
import type { TaskEngine } from './task-engine.ts'
import type { TaskStore } from './task-store.ts'

export interface StreamComponents {
  engine: TaskEngine
  tasks: TaskStore
  /** Skills of the local card, for a worker that subscribes to "every skill". */
  localSkillIds: () => string[]
  /** Queue tier of a waiting task: lower tiers go to workers first (e.g. requesters deep in debt last). */
  tierOf?: (task: TaskRecord) => number
}

export type StreamItem = { task: TaskRecord; event?: TaskEventRecord }

const REPLAY_PAGE = 500
const DEFAULT_WAIT_MS = 30_000
const MAX_WAIT_MS = 3600_000

/** States in which a requester has to act or stop waiting. */
function settled(task: TaskRecord): boolean {
  return (
    isTerminal(task.state) ||
    task.state === TaskState.TASK_STATE_INPUT_REQUIRED ||
    task.state === TaskState.TASK_STATE_AUTH_REQUIRED
  )
}

function waitingForWorker(task: TaskRecord): boolean {
  return task.role === 'assignee' && task.state === TaskState.TASK_STATE_SUBMITTED && task.lease == null
}

export function createTaskStreams(c: StreamComponents) {
  // Workers subscribed right now, by skill ("*" = a worker for every local skill): `moltmesh status`
  // shows which skills have one (gauge moltmesh_task_workers).
  const subscribed = new Map<string, number>()
  const countWorker = (keys: string[], by: 1 | -1) => {
    for (const key of keys) {
      const n = (subscribed.get(key) ?? 0) + by
      if (n > 0) subscribed.set(key, n)
      else subscribed.delete(key)
    }
  }

  /**
   * First the current task (no event: sequence 0), then the events after `after`, then live ones;
   * ends once the task is terminal and its last event was sent.
   */
  async function* events(id: string, after: number, signal: AbortSignal): AsyncGenerator<StreamItem> {
    if (after < 0) throw invalidArgument('INVALID_CURSOR', 'after_sequence must not be negative')
    const live = eventQueue<StreamItem[]>((push) => {
      const fn = (task: TaskRecord, evs: TaskEventRecord[]) => push(evs.map((event) => ({ task, event })))
      c.engine.changes.on(`task:${id}`, fn)
      return () => c.engine.changes.off(`task:${id}`, fn)
    }, signal)
    try {
      let task = await mustGet(c.tasks, id)
      yield { task }
      let last = after
      while (!signal.aborted) {
        const page = await c.tasks.events(id, last, REPLAY_PAGE)
        for (const event of page) {
          last = event.sequence
          yield { task, event }
        }
        if (page.length < REPLAY_PAGE) break
      }
      task = (await c.tasks.get(id)) ?? task
      if (isTerminal(task.state) && last >= task.lastSequence) return
      for await (const batch of live) {
        for (const item of batch) {
          if (item.event == null || item.event.sequence <= last) continue
          last = item.event.sequence
          yield item
          if (isTerminal(item.task.state) && last >= item.task.lastSequence) return
        }
      }
    } finally {
      live.close()
    }
  }

  /**
   * Tasks waiting for a worker with one of `skills` (empty = every local skill): queued ones first, by
   * tier then arrival, then new ones as they come. `probe.caughtUp()` tells whether the stored ones
   * were all yielded and no live one is buffered (claimed-offers.ts claims at admission only then).
   */
  async function* waiting(
    skills: string[],
    signal: AbortSignal,
    probe?: WaitingProbe,
  ): AsyncGenerator<TaskRecord> {
    const wanted = () => new Set(skills.length > 0 ? skills : c.localSkillIds())
    const keys = skills.length > 0 ? [...new Set(skills)] : ['*']
    countWorker(keys, 1)
    // Live tasks pushed and taken out of the queue: equal when nothing is buffered.
    let pushed = 0
    let taken = 0
    const live = eventQueue<TaskRecord>((push) => {
      const fn = (task: TaskRecord) => {
        if (!waitingForWorker(task)) return
        pushed++
        push(task)
      }
      c.engine.changes.on('task', fn)
      return () => c.engine.changes.off('task', fn)
    }, signal)
    try {
      const tier = c.tierOf ?? (() => 0)
      const queued = (await c.tasks.open())
        .filter(waitingForWorker)
        .map((task) => ({ task, tier: tier(task) }))
        .sort((a, b) => a.tier - b.tier || a.task.order - b.task.order)
        .map(({ task }) => task)
      const seen = new Map<string, number>()
      for (const task of queued) {
        if (!wanted().has(task.skill)) continue
        seen.set(task.id, task.lastSequence)
        yield task
      }
      if (probe != null) probe.caughtUp = () => !signal.aborted && pushed === taken
      for await (const task of live) {
        taken++
        // The same change can be both in the replay and live: send each version once.
        if ((seen.get(task.id) ?? -1) >= task.lastSequence || !wanted().has(task.skill)) continue
        seen.set(task.id, task.lastSequence)
        yield task
      }
    } finally {
      countWorker(keys, -1)
      live.close()
    }
  }

  /** The task once terminal or waiting for the requester, or as it is when `timeoutMs` runs out. */
  async function wait(
    id: string,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<{ task: TaskRecord; timedOut: boolean }> {
    if (timeoutMs < 0 || timeoutMs > MAX_WAIT_MS)
      throw invalidArgument(
        'INVALID_ARGUMENT',
        `timeout_ms must be between 0 (default ${DEFAULT_WAIT_MS}) and ${MAX_WAIT_MS}`,
      )
    const timeout = AbortSignal.timeout(timeoutMs === 0 ? DEFAULT_WAIT_MS : timeoutMs)
    const both = AbortSignal.any([signal, timeout])
    const live = eventQueue<TaskRecord>((push) => {
      const fn = (task: TaskRecord) => push(task)
      c.engine.changes.on(`task:${id}`, fn)
      return () => c.engine.changes.off(`task:${id}`, fn)
    }, both)
    try {
      let task = await mustGet(c.tasks, id)
      if (settled(task)) return { task, timedOut: false }
      for await (const next of live) {
        task = next
        if (settled(task)) return { task, timedOut: false }
      }
      return { task: (await c.tasks.get(id)) ?? task, timedOut: timeout.aborted }
    } finally {
      live.close()
    }
  }

  /** Subscribed workers by skill ("*": subscribed to every local skill). */
  function workerCounts(): Array<{ skill: string; workers: number }> {
    return [...subscribed].map(([skill, workers]) => ({ skill, workers }))
  }

  return { events, waiting, wait, workerCounts }
}
