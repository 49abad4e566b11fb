// What the task subsystem stores. Parts are kept as base64 of their protobuf encoding, so bytes and
// artifact references survive JSON storage exactly.

import type { PaymentQuote } from '../wire/gen/moltmesh/wire/v1/ledger.ts'
import type { TaskEventKind, TaskState } from '../wire/gen/moltmesh/wire/v1/tasks.ts'

export type { TaskEventKind, TaskState }

export type TaskRole = 'requester' | 'assignee'

export interface StoredError {
  reason: string
  message: string
  /** With CREDIT_LIMIT_EXCEEDED: the provider's signed payment-required quote. */
  quote?: PaymentQuote
}

export interface Lease {
  token: string
  expiresAtMs: number
}

export interface TaskRecord {
  id: string
  role: TaskRole
  requester: string
  assignee: string
  skill: string
  /** base64 Part each. */
  input: string[]
  output: string[]
  statusMessage: string[]
  state: TaskState
  idempotencyKey: string
  metadata: Record<string, string>
  maxPrice: string
  price: string
  error?: StoredError
  createdAtMs: number
  updatedAtMs: number
  deadlineMs: number
  lastSequence: number
  contextId: string
  attempts: number
  /** Local listing order. */
  order: number
  /** Assignee side: the worker's lease while claimed. */
  lease?: Lease
  /** Requester side: the highest assignee sequence applied (older or repeated updates are ignored). */
  remoteSequence: number
}

export interface TaskEventRecord {
  taskId: string
  sequence: number
  kind: TaskEventKind
  /** STATUS events: the state after the change. */
  state?: TaskState
  parts: string[]
  progress: number
  note: string
  error?: StoredError
  createdAtMs: number
}
