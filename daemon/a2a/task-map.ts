// moltmesh tasks and task events -> A2A tasks and stream events. States map 1:1 (ours follow A2A 1.0
// and carry the same names). The output of a COMPLETED task is the artifact `<task id>-output`;
// streamed chunks are appended to the artifact `<task id>-stream`; the question of INPUT_REQUIRED
// and the error of FAILED/REJECTED are the agent's status message.

import {
  type Part,
  type Task,
  type TaskEvent,
  TaskEventKind,
  TaskState,
  taskStateToJSON,
} from '../../clients/ts/gen/moltmesh/v1/types.ts'
import type { A2aArtifact, A2aMessage, A2aState, A2aStatus, A2aStreamResponse, A2aTask } from './a2a-types.ts'
import { toA2aParts } from './parts-map.ts'

export function toA2aState(state: number): A2aState {
  return taskStateToJSON(state as TaskState) as A2aState
}

function agentMessage(task: Task, parts: Part[], suffix: string): A2aMessage {
  return {
    messageId: `${task.id}-${suffix}`,
    taskId: task.id,
    contextId: task.contextId,
    role: 'ROLE_AGENT',
    parts: toA2aParts(parts),
  }
}

export function toA2aStatus(task: Task): A2aStatus {
  const status: A2aStatus = {
    state: toA2aState(task.state),
    timestamp: new Date(task.updatedAtMs || Date.now()).toISOString(),
  }
  if (task.statusMessage.length > 0)
    status.message = agentMessage(task, task.statusMessage, `status-${task.lastSequence}`)
  else if (task.error != null && task.error.reason !== '') {
    status.message = agentMessage(
      task,
      [{ text: `${task.error.reason}: ${task.error.message}`, mediaType: '', metadata: {} }],
      `error-${task.lastSequence}`,
    )
    status.message.metadata = { reason: task.error.reason }
  }
  return status
}

export function outputArtifact(task: Task): A2aArtifact {
  return { artifactId: `${task.id}-output`, name: 'output', parts: toA2aParts(task.output) }
}

export function toA2aTask(task: Task, options: { history?: boolean } = {}): A2aTask {
  const out: A2aTask = {
    id: task.id,
    contextId: task.contextId,
    status: toA2aStatus(task),
    metadata: { skill: task.skill, assignee: task.assignee, requester: task.requester },
  }
  if (task.state === TaskState.TASK_STATE_COMPLETED && task.output.length > 0)
    out.artifacts = [outputArtifact(task)]
  if (options.history !== false && task.input.length > 0)
    out.history = [
      {
        messageId: `${task.id}-input`,
        taskId: task.id,
        contextId: task.contextId,
        role: 'ROLE_USER',
        parts: toA2aParts(task.input),
      },
    ]
  return out
}

/** One of our task events as zero or more A2A stream events. */
export function toStreamResponses(event: TaskEvent, contextId: string): A2aStreamResponse[] {
  const taskId = event.taskId
  switch (event.kind) {
    case TaskEventKind.TASK_EVENT_KIND_STATUS: {
      const task = event.task
      if (task == null) return []
      const out: A2aStreamResponse[] = []
      if (task.state === TaskState.TASK_STATE_COMPLETED && task.output.length > 0)
        out.push({ artifactUpdate: { taskId, contextId, artifact: outputArtifact(task), lastChunk: true } })
      out.push({ statusUpdate: { taskId, contextId, status: toA2aStatus(task) } })
      return out
    }
    case TaskEventKind.TASK_EVENT_KIND_CHUNK:
      return [
        {
          artifactUpdate: {
            taskId,
            contextId,
            artifact: { artifactId: `${taskId}-stream`, name: 'stream', parts: toA2aParts(event.parts) },
            append: event.sequence > 1,
          },
        },
      ]
    case TaskEventKind.TASK_EVENT_KIND_ARTIFACT:
      return [
        {
          artifactUpdate: {
            taskId,
            contextId,
            artifact: { artifactId: `${taskId}-artifact-${event.sequence}`, parts: toA2aParts(event.parts) },
          },
        },
      ]
    default:
      return []
  }
}
