// Names of enum values and amounts for people and models: the CLI's output and the MCP tools' compact
// views both show them, so they live with the SDK rather than in either front end.
import { MessageStatus, TaskState } from '../gen/moltmesh/v1/types.ts'

/** TASK_STATE_COMPLETED -> "COMPLETED" (an unknown value is shown as its number). */
export function taskStateName(state: TaskState): string {
  const entry = Object.entries(TaskState).find(([, v]) => v === state)
  return entry == null ? String(state) : entry[0].replace('TASK_STATE_', '')
}

const MESSAGE_STATUS_NAMES: Readonly<Record<number, string>> = {
  [MessageStatus.MESSAGE_STATUS_QUEUED]: 'queued',
  [MessageStatus.MESSAGE_STATUS_DELIVERED]: 'delivered',
  [MessageStatus.MESSAGE_STATUS_EXPIRED]: 'expired',
  [MessageStatus.MESSAGE_STATUS_UNREAD]: 'unread',
  [MessageStatus.MESSAGE_STATUS_READ]: 'read',
  [MessageStatus.MESSAGE_STATUS_FAILED]: 'failed',
}

/** MESSAGE_STATUS_DELIVERED -> "delivered"; "unknown" for a value this SDK does not know. */
export function messageStatusName(status: number): string {
  return MESSAGE_STATUS_NAMES[status] ?? 'unknown'
}

/** "1 credit", "0.5 credits", "-1 credit": singular only for exactly one (either sign). */
export function formatCredits(amount: string | number): string {
  const text = String(amount)
  return `${text} ${Math.abs(Number(text)) === 1 ? 'credit' : 'credits'}`
}
