// Task rendering like the product examples:
//   Task ID   task_01jy...
//   Status    SUBMITTED → WORKING
import { taskStateName, types } from '../../clients/ts/index.ts'
import { printFields } from './format.ts'
import { partText } from './message-format.ts'
import { safeText } from './terminal-safe.ts'

export const TASK_STATE_BY_NAME: Record<string, types.TaskState> = Object.fromEntries(
  Object.entries(types.TaskState)
    .filter(([k]) => k !== 'TASK_STATE_UNSPECIFIED' && k !== 'UNRECOGNIZED')
    .map(([k, v]) => [k.replace('TASK_STATE_', '').toLowerCase(), v as types.TaskState]),
)

export function printTask(t: types.Task): void {
  printFields([
    ['Task ID', t.id],
    ['Status', taskStateName(t.state)],
    ['Skill', t.skill],
    ['Requester', t.requester],
    ['Assignee', t.assignee],
    ['Input', t.input.map(partText).join(' ')],
    ['Question', t.statusMessage.length > 0 ? t.statusMessage.map(partText).join(' ') : undefined],
    ['Output', t.output.length > 0 ? t.output.map(partText).join(' ') : undefined],
    ['Error', t.error != null && t.error.reason !== '' ? `${t.error.reason}: ${t.error.message}` : undefined],
    ['Created', new Date(t.createdAtMs).toISOString()],
    ['Deadline', new Date(t.deadlineMs).toISOString()],
    ['Attempts', t.attempts > 0 ? t.attempts : undefined],
  ])
}

export function taskLine(t: types.Task): string {
  const peer = t.role === types.TaskRole.TASK_ROLE_REQUESTER ? `to ${t.assignee}` : `from ${t.requester}`
  return safeText(`${t.id} ${taskStateName(t.state).padEnd(14)} ${t.skill} ${peer}`)
}

const EVENT_NAMES: Record<number, string> = {
  1: 'status',
  2: 'chunk',
  3: 'progress',
  4: 'tool-call',
  5: 'artifact',
  6: 'input',
}

export function eventLine(e: types.TaskEvent): string {
  const head = `#${e.sequence} ${EVENT_NAMES[e.kind] ?? 'event'}`
  if (e.kind === types.TaskEventKind.TASK_EVENT_KIND_STATUS && e.task != null) {
    const why =
      e.task.error != null && e.task.error.reason !== ''
        ? ` (${e.task.error.reason}: ${e.task.error.message})`
        : ''
    const question = e.task.statusMessage.length > 0 ? ` ${e.task.statusMessage.map(partText).join(' ')}` : ''
    return `${head} ${taskStateName(e.task.state)}${safeText(why)}${question}`
  }
  if (e.kind === types.TaskEventKind.TASK_EVENT_KIND_PROGRESS)
    return `${head} ${Math.round(e.progress * 100)}%${e.note ? ` ${safeText(e.note)}` : ''}`
  return `${head} ${e.parts.map(partText).join(' ')}`
}
