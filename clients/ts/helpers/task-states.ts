import { TaskState } from '../gen/moltmesh/v1/types.ts'

const TERMINAL: ReadonlySet<TaskState> = new Set([
  TaskState.TASK_STATE_COMPLETED,
  TaskState.TASK_STATE_FAILED,
  TaskState.TASK_STATE_CANCELED,
  TaskState.TASK_STATE_REJECTED,
])

/** COMPLETED, FAILED, CANCELED and REJECTED never change again. */
export const isTerminalState = (state: TaskState): boolean => TERMINAL.has(state)
