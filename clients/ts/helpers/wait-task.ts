// waitTask: waits until a task is final (COMPLETED, FAILED, CANCELED or REJECTED) or waits for the
// requester (INPUT_REQUIRED, AUTH_REQUIRED), however long that takes, in WaitTask calls of bounded
// length so a dead connection is noticed.

import type { DeepPartial } from '../deep-partial.ts'
import type { CreateTaskRequest } from '../gen/moltmesh/v1/a2a.ts'
import { type Task, type TaskState, TaskState as TaskStateValues } from '../gen/moltmesh/v1/types.ts'
import type { Groups } from '../groups.ts'
import { isTerminalState } from './task-states.ts'

/** The wait ran out before the task settled; `task` is how it stood then. */
export class WaitTimeoutError extends Error {
  readonly task: Task
  constructor(task: Task) {
    super(`task ${task.id} is not final after the wait`)
    this.name = 'WaitTimeoutError'
    this.task = task
  }
}

export interface WaitOptions {
  /** Overall limit in ms (default: no limit). */
  timeoutMs?: number
  signal?: AbortSignal
}

// One WaitTask call at most this long; the loop goes on until the overall limit.
const SLICE_MS = 30_000

type TaskClient = Pick<Groups, 'tasks'>

const NEEDS_REQUESTER: ReadonlySet<TaskState> = new Set([
  TaskStateValues.TASK_STATE_INPUT_REQUIRED,
  TaskStateValues.TASK_STATE_AUTH_REQUIRED,
])

/**
 * Resolves with the task once final, or once it waits for the requester (INPUT_REQUIRED: answer with
 * `tasks.sendInput`, then wait again); rejects with WaitTimeoutError when `timeoutMs` passes first.
 */
export async function waitTask(client: TaskClient, id: string, options: WaitOptions = {}): Promise<Task> {
  const deadline = options.timeoutMs != null ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY
  for (;;) {
    const left = deadline - Date.now()
    const { task } = await client.tasks.wait(
      { id, timeoutMs: Math.max(1, Math.min(SLICE_MS, left)) },
      { signal: options.signal },
    )
    if (task == null) throw new Error(`WaitTask returned no task for ${id}`)
    if (isTerminalState(task.state as TaskState) || NEEDS_REQUESTER.has(task.state as TaskState)) return task
    if (Date.now() >= deadline) throw new WaitTimeoutError(task)
  }
}

/** CreateTask then waitTask: the settled task (check its `state`, `output` and `error`). */
export async function runTask(
  client: TaskClient,
  request: DeepPartial<CreateTaskRequest>,
  options: WaitOptions = {},
): Promise<Task> {
  const { task } = await client.tasks.create(request, { signal: options.signal })
  if (task == null) throw new Error('CreateTask returned no task')
  return waitTask(client, task.id, options)
}
