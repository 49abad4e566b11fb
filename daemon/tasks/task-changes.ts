// Small builders shared by the requester, worker, inbound and timer sides: a checked state change
// with its STATUS event, and lookups that fail with the right reason code.

import { failedPrecondition, notFound } from '../errors/moltmesh-error.ts'
import { TaskEventKind, type TaskState } from '../wire/gen/moltmesh/wire/v1/tasks.ts'
import type { StoredError, TaskRecord, TaskRole } from './records.ts'
import { assertTransition } from './state-machine.ts'
import type { NewEvent } from './task-engine.ts'
import type { TaskStore } from './task-store.ts'

export function statusEvent(
  state: TaskState,
  extra: { parts?: string[]; error?: StoredError; note?: string } = {},
): NewEvent {
  return {
    kind: TaskEventKind.TASK_EVENT_KIND_STATUS,
    state,
    parts: extra.parts ?? [],
    progress: 0,
    note: extra.note ?? '',
    ...(extra.error != null ? { error: extra.error } : {}),
  }
}

/** The task in `state` (checked by the state machine) and the STATUS event recording it. */
export function transition(
  task: TaskRecord,
  state: TaskState,
  patch: Partial<TaskRecord> = {},
  extra: { parts?: string[]; note?: string } = {},
): { task: TaskRecord; events: NewEvent[] } {
  assertTransition(task.id, task.state, state)
  const next: TaskRecord = { ...task, ...patch, state }
  return { task: next, events: [statusEvent(state, { ...extra, error: next.error })] }
}

export async function mustGet(tasks: TaskStore, id: string, role?: TaskRole): Promise<TaskRecord> {
  const task = id === '' ? undefined : await tasks.get(id)
  if (task == null) throw notFound('TASK_NOT_FOUND', `no task with id "${id}"`)
  if (role != null && task.role !== role)
    throw failedPrecondition(
      role === 'requester' ? 'NOT_REQUESTER' : 'NOT_ASSIGNEE',
      `task ${id} was ${task.role === 'requester' ? 'sent' : 'received'} by this agent; only the ${role} can do this`,
    )
  return task
}
