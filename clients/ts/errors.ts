// Typed errors of the TypeScript client. The daemon sends a gRPC status plus a machine-readable reason,
// twice: in the `moltmesh-reason` trailer and as a google.rpc.ErrorInfo in `grpc-status-details-bin`.
// The class is chosen by status, the reason (from either) is kept as `reason`.

import { existsSync } from 'node:fs'
import { type ServiceError, status } from '@grpc/grpc-js'
import { decodeStatusDetails, type ErrorInfo, STATUS_DETAILS_METADATA_KEY } from './status-details.ts'

export type { ErrorInfo } from './status-details.ts'

export const REASON_METADATA_KEY = 'moltmesh-reason'

export interface MoltmeshErrorInit {
  reason: string
  code: number
  details?: string
  cause?: unknown
  errorInfo?: ErrorInfo
}

export class MoltmeshError extends Error {
  /** Machine-readable reason, e.g. `INVALID_DID`, `NOT_IMPLEMENTED` (docs/errors.md). */
  readonly reason: string
  /** gRPC status code (`status` of @grpc/grpc-js). */
  readonly code: number
  /** The status details sent by the daemon. */
  readonly details: string
  /** The standard google.rpc.ErrorInfo the daemon sent (`metadata.field` names a faulty field). */
  readonly errorInfo: ErrorInfo | undefined

  constructor(message: string, init: MoltmeshErrorInit) {
    super(message, { cause: init.cause })
    this.name = new.target.name
    this.reason = init.reason
    this.code = init.code
    this.details = init.details ?? message
    this.errorInfo = init.errorInfo
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

/** No daemon answers: the socket file is missing, or it is stale (nothing listening on it). */
export class DaemonNotRunningError extends MoltmeshError {
  /** The unix socket path (or host:port of a TCP listener) that was tried. */
  readonly socket: string

  /** What was found: no socket file, a socket file nobody listens on, or a connect that failed. */
  readonly state: 'missing' | 'stale' | 'unreachable'

  constructor(
    socket: string,
    options: { cause?: unknown; state?: 'missing' | 'stale' | 'unreachable' } = {},
  ) {
    const state = options.state ?? 'missing'
    const where =
      state === 'missing'
        ? `no socket at ${socket}`
        : state === 'stale'
          ? `stale socket at ${socket}, nothing listening`
          : `nothing answers on ${socket}`
    super(`moltmesh daemon is not running (${where}) — start it with \`moltmesh start\``, {
      reason: 'DAEMON_NOT_RUNNING',
      code: status.UNAVAILABLE,
      cause: options.cause,
    })
    this.socket = socket
    this.state = state
  }
}

type ErrorClass = new (message: string, init: MoltmeshErrorInit) => MoltmeshError

const CLASS_BY_STATUS: Partial<Record<number, ErrorClass>> = {
  [status.INVALID_ARGUMENT]: InvalidArgumentError,
  [status.NOT_FOUND]: NotFoundError,
  [status.ALREADY_EXISTS]: AlreadyExistsError,
  [status.FAILED_PRECONDITION]: FailedPreconditionError,
  [status.OUT_OF_RANGE]: InvalidArgumentError,
  [status.PERMISSION_DENIED]: PermissionDeniedError,
  [status.UNAUTHENTICATED]: UnauthenticatedError,
  [status.RESOURCE_EXHAUSTED]: ResourceExhaustedError,
  [status.UNAVAILABLE]: UnavailableError,
  [status.DEADLINE_EXCEEDED]: DeadlineExceededError,
  [status.UNIMPLEMENTED]: NotImplementedError,
  [status.ABORTED]: AbortedError,
  [status.CANCELLED]: CanceledError,
  [status.INTERNAL]: InternalError,
  [status.DATA_LOSS]: InternalError,
  [status.UNKNOWN]: InternalError,
}

/** Where the client connects: a unix socket path, or host:port of a TCP listener. */
export type Endpoint = { socket: string } | { address: string }

/**
 * Converts a grpc-js error into a typed MoltmeshError (idempotent). `endpoint` lets a connection failure
 * be recognised as "daemon not running" rather than a bare UNAVAILABLE.
 */
export function toMoltmeshError(err: unknown, endpoint?: Endpoint | string): MoltmeshError {
  if (err instanceof MoltmeshError) return err
  const e = err as Partial<ServiceError> | undefined
  if (typeof e?.code !== 'number') {
    const message = err instanceof Error ? err.message : String(err)
    return new InternalError(message, { reason: 'INTERNAL', code: status.INTERNAL, cause: err })
  }
  const details = e.details ?? e.message ?? ''
  const trailer = e.metadata?.get(REASON_METADATA_KEY)[0]
  const errorInfo = errorInfoOf(e)
  const sent = trailer != null ? String(trailer) : errorInfo?.reason
  const at: Endpoint | undefined = typeof endpoint === 'string' ? { socket: endpoint } : endpoint
  // A status with a reason came from a daemon, so one is running whatever the wording says.
  if (e.code === status.UNAVAILABLE && sent == null && at != null) {
    const notRunning = notRunningError(at, details, err)
    if (notRunning != null) return notRunning
  }
  const reason = sent ?? status[e.code] ?? 'UNKNOWN'
  const Class = CLASS_BY_STATUS[e.code] ?? MoltmeshError
  return new Class(details, { reason, code: e.code, details, cause: err, errorInfo })
}

/** The ErrorInfo in `grpc-status-details-bin`, when the status carries one. */
function errorInfoOf(e: Partial<ServiceError>): ErrorInfo | undefined {
  const raw = e.metadata?.get(STATUS_DETAILS_METADATA_KEY)[0]
  return raw instanceof Uint8Array ? decodeStatusDetails(raw)?.errorInfo : undefined
}

function notRunningError(at: Endpoint, details: string, cause: unknown): DaemonNotRunningError | undefined {
  if ('address' in at) {
    return /ECONNREFUSED/.test(details)
      ? new DaemonNotRunningError(at.address, { cause, state: 'unreachable' })
      : undefined
  }
  // grpc-js reports a failed connect as UNAVAILABLE "No connection established. Last error: connect
  // ENOENT|ECONNREFUSED ...". The file check settles races where the wording is less specific.
  if (!existsSync(at.socket) || /ENOENT/.test(details)) return new DaemonNotRunningError(at.socket, { cause })
  if (/ECONNREFUSED/.test(details)) return new DaemonNotRunningError(at.socket, { cause, state: 'stale' })
  // EACCES and the like: a daemon may well be running; the caller needs the real cause.
  if (/EACCES|EPERM/.test(details)) return undefined
  if (/No connection established|Failed to connect/i.test(details)) {
    return new DaemonNotRunningError(at.socket, { cause, state: 'unreachable' })
  }
  return undefined
}

/** True when `err` is a MoltmeshError with the given reason, e.g. `isReason(err, 'TASK_NOT_FOUND')`. */
export function isReason(err: unknown, reason: string): boolean {
  return err instanceof MoltmeshError && err.reason === reason
}
