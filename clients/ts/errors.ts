// Typed errors of the TypeScript client. The daemon sends a gRPC status plus a machine-readable reason
// in the `moltmesh-reason` trailer; the class is chosen by status, the reason is kept as `reason`.

import { existsSync } from 'node:fs'
import { type ServiceError, status } from '@grpc/grpc-js'

export const REASON_METADATA_KEY = 'moltmesh-reason'

export class MoltmeshError extends Error {
  /** Machine-readable reason, e.g. `INVALID_DID`, `NOT_IMPLEMENTED`. */
  readonly reason: string
  /** gRPC status code. */
  readonly code: number
  /** The status details sent by the daemon. */
  readonly details: string

  constructor(message: string, init: { reason: string; code: number; details?: string; cause?: unknown }) {
    super(message, { cause: init.cause })
    this.name = new.target.name
    this.reason = init.reason
    this.code = init.code
    this.details = init.details ?? message
  }
}

export class InvalidArgumentError extends MoltmeshError {}
export class NotFoundError extends MoltmeshError {}
export class AlreadyExistsError extends MoltmeshError {}
export class FailedPreconditionError extends MoltmeshError {}
export class PermissionDeniedError extends MoltmeshError {}
export class UnauthenticatedError extends MoltmeshError {}
export class ResourceExhaustedError extends MoltmeshError {}
export class UnavailableError extends MoltmeshError {}
export class DeadlineExceededError extends MoltmeshError {}
export class NotImplementedError extends MoltmeshError {}
export class AbortedError extends MoltmeshError {}
export class CanceledError extends MoltmeshError {}
export class InternalError extends MoltmeshError {}

/** No daemon answers on the socket (missing file, or nothing listening). */
export class DaemonNotRunningError extends MoltmeshError {
  readonly socket: string
  constructor(socket: string, cause?: unknown) {
    super(
      `moltmesh daemon is not running (no daemon answers on ${socket}) — start it with \`moltmesh start\``,
      {
        reason: 'DAEMON_NOT_RUNNING',
        code: status.UNAVAILABLE,
        cause,
      },
    )
    this.socket = socket
  }
}

const CLASS_BY_STATUS: Partial<
  Record<number, new (m: string, i: ConstructorParameters<typeof MoltmeshError>[1]) => MoltmeshError>
> = {
  [status.INVALID_ARGUMENT]: InvalidArgumentError,
  [status.NOT_FOUND]: NotFoundError,
  [status.ALREADY_EXISTS]: AlreadyExistsError,
  [status.FAILED_PRECONDITION]: FailedPreconditionError,
  [status.PERMISSION_DENIED]: PermissionDeniedError,
  [status.UNAUTHENTICATED]: UnauthenticatedError,
  [status.RESOURCE_EXHAUSTED]: ResourceExhaustedError,
  [status.UNAVAILABLE]: UnavailableError,
  [status.DEADLINE_EXCEEDED]: DeadlineExceededError,
  [status.UNIMPLEMENTED]: NotImplementedError,
  [status.ABORTED]: AbortedError,
  [status.CANCELLED]: CanceledError,
  [status.INTERNAL]: InternalError,
}

// grpc-js wording when nothing listens on the socket (file missing or connection refused).
const NOT_RUNNING = /ENOENT|ECONNREFUSED|No connection established|connect ENOENT|Failed to connect/i

/** Converts a grpc-js error into a typed MoltmeshError (idempotent). */
export function toMoltmeshError(err: unknown, socket: string | undefined): MoltmeshError {
  if (err instanceof MoltmeshError) return err
  const e = err as Partial<ServiceError>
  if (typeof e?.code !== 'number') {
    return new InternalError(String((err as Error)?.message ?? err), {
      reason: 'INTERNAL',
      code: status.INTERNAL,
      cause: err,
    })
  }
  const details = e.details ?? e.message ?? ''
  if (
    socket != null &&
    e.code === status.UNAVAILABLE &&
    (NOT_RUNNING.test(details) || !existsSync(socket)) &&
    e.metadata?.get(REASON_METADATA_KEY).length === 0
  ) {
    return new DaemonNotRunningError(socket, err)
  }
  const reason = String(e.metadata?.get(REASON_METADATA_KEY)[0] ?? status[e.code] ?? 'UNKNOWN')
  const Class = CLASS_BY_STATUS[e.code] ?? MoltmeshError
  return new Class(details, { reason, code: e.code, details, cause: err })
}

/** True when `err` is a MoltmeshError with the given reason. */
export function isReason(err: unknown, reason: string): boolean {
  return err instanceof MoltmeshError && err.reason === reason
}
