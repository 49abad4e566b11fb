// Shapes of the stored task records (records.ts), checked on every read from the database.

import { array, dict, num, object, oneOf, optional, type Shape, str } from '../store/shape.ts'
import type { PaymentQuote } from '../wire/gen/moltmesh/wire/v1/ledger.ts'
import { TaskEventKind, TaskState } from '../wire/gen/moltmesh/wire/v1/tasks.ts'
import type { Lease, StoredError, TaskEventRecord, TaskRecord } from './records.ts'

const taskState = oneOf(...Object.values(TaskState))
const strings = array(str)

const quoteShape = object<PaymentQuote>({
  price: str,
  nonce: str,
  expiresAtMs: num,
  providerDid: str,
  signature: str,
})
const errorShape = object<StoredError>({ reason: str, message: str, quote: optional(quoteShape) })
const leaseShape = object<Lease>({ token: str, expiresAtMs: num })

export const taskRecordShape: Shape<TaskRecord> = object<TaskRecord>({
  id: str,
  role: oneOf('requester', 'assignee'),
  requester: str,
  assignee: str,
  skill: str,
  input: strings,
  output: strings,
  statusMessage: strings,
  state: taskState,
  idempotencyKey: str,
  metadata: dict(str),
  maxPrice: str,
  price: str,
  error: optional(errorShape),
  createdAtMs: num,
  updatedAtMs: num,
  deadlineMs: num,
  lastSequence: num,
  contextId: str,
  attempts: num,
  order: num,
  lease: optional(leaseShape),
  remoteSequence: num,
})

export const taskEventShape: Shape<TaskEventRecord> = object<TaskEventRecord>({
  taskId: str,
  sequence: num,
  kind: oneOf(...Object.values(TaskEventKind)),
  state: optional(taskState),
  parts: strings,
  progress: num,
  note: str,
  error: optional(errorShape),
  createdAtMs: num,
})
