// How many open (not terminal) tasks each requester has at this daemon as assignee, for a quota
// against floods: an agent may keep at most `maxPerRequester` tasks open here; further offers are
// REJECTED `TOO_MANY_OPEN_TASKS` until some finish. Counted in memory from the task store at start
// and kept current from the engine's change events.

import type { EventEmitter } from 'node:events'
import type { TaskRecord } from './records.ts'
import { isTerminal } from './state-machine.ts'

export function createOpenTaskQuota(maxPerRequester: number, changes: EventEmitter) {
  const open = new Map<string, Set<string>>()

  const remove = (requester: string, id: string) => {
    const ids = open.get(requester)
    if (ids == null) return
    ids.delete(id)
    if (ids.size === 0) open.delete(requester)
  }
  const add = (requester: string, id: string) => {
    let ids = open.get(requester)
    if (ids == null) {
      ids = new Set()
      open.set(requester, ids)
    }
    ids.add(id)
  }

  changes.on('task', (task: TaskRecord) => {
    if (task.role !== 'assignee') return
    if (isTerminal(task.state)) remove(task.requester, task.id)
    else add(task.requester, task.id)
  })

  return {
    /** Counts the open tasks found at start. */
    load(tasks: TaskRecord[]): void {
      for (const t of tasks) if (t.role === 'assignee' && !isTerminal(t.state)) add(t.requester, t.id)
    },
    /**
     * Takes a place for a new task of `requester`, or returns false when it has `maxPerRequester`
     * open ones. Synchronous, so concurrent offers cannot all pass the check; `release` gives the
     * place back if the task is not stored after all.
     */
    tryTake(requester: string, id: string): boolean {
      if ((open.get(requester)?.size ?? 0) >= maxPerRequester) return false
      add(requester, id)
      return true
    },
    release: remove,
    openOf: (requester: string): number => open.get(requester)?.size ?? 0,
  }
}

export type OpenTaskQuota = ReturnType<typeof createOpenTaskQuota>
