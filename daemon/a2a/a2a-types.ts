// The A2A 1.0 JSON shapes the gateway reads and writes (the proto-JSON form of a2a.proto: camelCase
// fields, enum names as strings). Only the fields the gateway uses; clients may send more.

export type A2aState =
  | 'TASK_STATE_SUBMITTED'
  | 'TASK_STATE_WORKING'
  | 'TASK_STATE_INPUT_REQUIRED'
  | 'TASK_STATE_AUTH_REQUIRED'
  | 'TASK_STATE_COMPLETED'
  | 'TASK_STATE_FAILED'
  | 'TASK_STATE_CANCELED'
  | 'TASK_STATE_REJECTED'

export interface A2aPart {
  text?: string
  /** Base64 bytes. */
  raw?: string
  url?: string
  data?: unknown
  mediaType?: string
  filename?: string
  metadata?: Record<string, unknown>
}

export interface A2aMessage {
  messageId: string
  contextId?: string
  taskId?: string
  role: 'ROLE_USER' | 'ROLE_AGENT'
  parts: A2aPart[]
  metadata?: Record<string, unknown>
}

export interface A2aStatus {
  state: A2aState
  message?: A2aMessage
  timestamp?: string
}

export interface A2aArtifact {
  artifactId: string
  name?: string
  parts: A2aPart[]
  metadata?: Record<string, unknown>
}

export interface A2aTask {
  id: string
  contextId: string
  status: A2aStatus
  artifacts?: A2aArtifact[]
  history?: A2aMessage[]
  metadata?: Record<string, unknown>
}

/** One event of SendStreamingMessage / SubscribeToTask (exactly one field set). */
export interface A2aStreamResponse {
  task?: A2aTask
  message?: A2aMessage
  statusUpdate?: { taskId: string; contextId: string; status: A2aStatus; metadata?: Record<string, unknown> }
  artifactUpdate?: {
    taskId: string
    contextId: string
    artifact: A2aArtifact
    append?: boolean
    lastChunk?: boolean
  }
}

export interface A2aPushConfig {
  id: string
  taskId: string
  url: string
  token?: string
  authentication?: { scheme: string; credentials?: string }
}

export const TERMINAL_STATES: ReadonlySet<A2aState> = new Set([
  'TASK_STATE_COMPLETED',
  'TASK_STATE_FAILED',
  'TASK_STATE_CANCELED',
  'TASK_STATE_REJECTED',
])

/** States in which the task waits for the client: a stream ends there too (A2A "interrupted"). */
export const INTERRUPTED_STATES: ReadonlySet<A2aState> = new Set([
  'TASK_STATE_INPUT_REQUIRED',
  'TASK_STATE_AUTH_REQUIRED',
])
