// The one place that decides which task state changes are legal (A2A v1 states). Terminal states are
// final. SUBMITTED after WORKING happens only when a worker's lease runs out (the task goes back in
// line for another worker).

import { failedPrecondition } from '../errors/moltmesh-error.ts'
import { TaskState } from '../wire/gen/moltmesh/wire/v1/tasks.ts'

const S = TaskState

const TERMINAL: ReadonlySet<TaskState> = new Set([
  S.TASK_STATE_COMPLETED,
  S.TASK_STATE_FAILED,
  S.TASK_STATE_CANCELED,
  S.TASK_STATE_REJECTED,
])

const ACTIVE_NEXT: TaskState[] = [
  S.TASK_STATE_WORKING,
  S.TASK_STATE_INPUT_REQUIRED,
  S.TASK_STATE_AUTH_REQUIRED,
  S.TASK_STATE_COMPLETED,
  S.TASK_STATE_FAILED,
  S.TASK_STATE_CANCELED,
  S.TASK_STATE_REJECTED,
  S.TASK_STATE_SUBMITTED,
]

const NEXT = new Map<TaskState, ReadonlySet<TaskState>>([
  [
    S.TASK_STATE_SUBMITTED,
    new Set<TaskState>([
      S.TASK_STATE_WORKING,
      S.TASK_STATE_REJECTED,
      S.TASK_STATE_CANCELED,
      S.TASK_STATE_FAILED,
    ]),
  ],
  [S.TASK_STATE_WORKING, new Set(ACTIVE_NEXT.filter((s) => s !== S.TASK_STATE_WORKING))],
  [S.TASK_STATE_INPUT_REQUIRED, new Set(ACTIVE_NEXT.filter((s) => s !== S.TASK_STATE_INPUT_REQUIRED))],
  [S.TASK_STATE_AUTH_REQUIRED, new Set(ACTIVE_NEXT.filter((s) => s !== S.TASK_STATE_AUTH_REQUIRED))],
])

export function isTerminal(state: TaskState): boolean {
  return TERMINAL.has(state)
}

export function canTransition(from: TaskState, to: TaskState): boolean {
  return NEXT.get(from)?.has(to) ?? false
}

/** Throws FAILED_PRECONDITION INVALID_TRANSITION (or TASK_TERMINAL) for an illegal change. */
export function assertTransition(taskId: string, from: TaskState, to: TaskState): void {
  if (canTransition(from, to)) return
  if (isTerminal(from))
    throw failedPrecondition(
      'TASK_TERMINAL',
      `task ${taskId} is already ${stateName(from)}; terminal states are final`,
    )
  throw failedPrecondition(
    'INVALID_TRANSITION',
    `task ${taskId} cannot go from ${stateName(from)} to ${stateName(to)}`,
  )
}

/** "WORKING" for TASK_STATE_WORKING. */
export function stateName(state: TaskState): string {
  const entry = Object.entries(TaskState).find(([, v]) => v === state)
  return entry == null ? String(state) : entry[0].replace('TASK_STATE_', '')
}
