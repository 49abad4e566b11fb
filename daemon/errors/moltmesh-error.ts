// Coded errors of the daemon. Every error that can reach a client carries a machine-readable reason
// code (sent as `moltmesh-reason` trailing metadata) and a kind, which `daemon/rpc/status-map.ts` turns
// into a gRPC status. Subsystems throw these; they never deal with gRPC themselves. Callers that branch
// on a failure test `err.reason` (see `reasonOf`), never the message: messages are for people.

import { capMessage } from './echo.ts'
import type { ReasonCode, RecordReason } from './reasons.ts'

export type { ClientReason, ReasonCode, RecordReason } from './reasons.ts'

/** What kind of failure an error is; each kind maps to exactly one gRPC status code. */
export type ErrorKind =
  | 'invalid_argument'
  | 'not_found'
  | 'already_exists'
  | 'failed_precondition'
  | 'permission_denied'
  | 'unauthenticated'
  | 'resource_exhausted'
  | 'unavailable'
  | 'deadline_exceeded'
  | 'unimplemented'
  | 'aborted'
  | 'internal'

export class MoltmeshError extends Error {
  /** Machine-readable reason code, e.g. `INVALID_DID`. */
  readonly reason: ReasonCode
  readonly kind: ErrorKind
  /** Machine-readable facts for the client, e.g. `{ field: 'id' }` (sent as google.rpc.ErrorInfo.metadata). */
  readonly metadata: Readonly<Record<string, string>>

  constructor(
    kind: ErrorKind,
    reason: ReasonCode,
    message: string,
    options?: { cause?: unknown; metadata?: Record<string, string> },
  ) {
    // Input quoted in the message is capped (echo.ts): a huge value must not make a huge header.
    super(capMessage(message), options)
    this.name = 'MoltmeshError'
    this.kind = kind
    this.reason = reason
    this.metadata = options?.metadata ?? {}
  }
}

/** `metadata.field` names the request field at fault when the caller knows it. */
export const invalidArgument = (
  reason: ReasonCode,
  message: string,
  metadata?: Record<string, string>,
): MoltmeshError => new MoltmeshError('invalid_argument', reason, message, { metadata })

export const notFound = (reason: ReasonCode, message: string): MoltmeshError =>
  new MoltmeshError('not_found', reason, message)

export const failedPrecondition = (reason: ReasonCode, message: string): MoltmeshError =>
  new MoltmeshError('failed_precondition', reason, message)

export const unavailable = (reason: ReasonCode, message: string, cause?: unknown): MoltmeshError =>
  new MoltmeshError('unavailable', reason, message, { cause })

export const notImplemented = (what: string): MoltmeshError =>
  new MoltmeshError('unimplemented', 'NOT_IMPLEMENTED', `${what} is not implemented yet`)

/**
 * A record or stream from a peer that this node refuses (bad shape, signature, key, age). Kind
 * invalid_argument: the input is at fault, and should one ever reach a client it is not INTERNAL.
 */
export const refused = (reason: RecordReason, message: string): MoltmeshError =>
  new MoltmeshError('invalid_argument', reason, message)

/** Narrowing helper that also accepts errors from other module instances (matched by shape). */
export function isMoltmeshError(err: unknown): err is MoltmeshError {
  return (
    err instanceof MoltmeshError ||
    (err instanceof Error && typeof (err as MoltmeshError).reason === 'string' && 'kind' in err)
  )
}

/** The reason code of a coded error, or undefined for any other thrown value. */
export function reasonOf(err: unknown): ReasonCode | undefined {
  return isMoltmeshError(err) ? err.reason : undefined
}
