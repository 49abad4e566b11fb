// The one table that maps daemon error kinds to gRPC status codes, and the conversion of any thrown
// error into a gRPC ServiceError carrying the reason twice: the `moltmesh-reason` trailer and the
// standard `grpc-status-details-bin` (google.rpc.Status + ErrorInfo, see status-details.ts).

import { Metadata, type ServiceError, status } from '@grpc/grpc-js'
import { capMessage } from '../errors/echo.ts'
import { type ErrorKind, isMoltmeshError } from '../errors/moltmesh-error.ts'
import { encodeStatusDetails, STATUS_DETAILS_METADATA_KEY } from './status-details.ts'

export const REASON_METADATA_KEY = 'moltmesh-reason'

const STATUS_BY_KIND: Record<ErrorKind, status> = {
  invalid_argument: status.INVALID_ARGUMENT,
  not_found: status.NOT_FOUND,
  already_exists: status.ALREADY_EXISTS,
  failed_precondition: status.FAILED_PRECONDITION,
  permission_denied: status.PERMISSION_DENIED,
  unauthenticated: status.UNAUTHENTICATED,
  resource_exhausted: status.RESOURCE_EXHAUSTED,
  unavailable: status.UNAVAILABLE,
  deadline_exceeded: status.DEADLINE_EXCEEDED,
  unimplemented: status.UNIMPLEMENTED,
  aborted: status.ABORTED,
  internal: status.INTERNAL,
}

export function grpcStatusOf(kind: ErrorKind): status {
  return STATUS_BY_KIND[kind]
}

export interface MappedError {
  error: Partial<ServiceError>
  reason: string
  /** True for errors we did not anticipate (logged with stack, reported as INTERNAL). */
  unexpected: boolean
}

export function toServiceError(err: unknown): MappedError {
  if (isMoltmeshError(err)) {
    const code = grpcStatusOf(err.kind)
    return {
      error: {
        code,
        details: err.message,
        metadata: trailers(code, err.message, err.reason, errorMetadata(err)),
      },
      reason: err.reason,
      unexpected: false,
    }
  }
  const details = capMessage(`internal error: ${(err as Error)?.message ?? String(err)}`)
  return {
    error: { code: status.INTERNAL, details, metadata: trailers(status.INTERNAL, details, 'INTERNAL', {}) },
    reason: 'INTERNAL',
    unexpected: true,
  }
}

function trailers(code: status, message: string, reason: string, extra: Record<string, string>): Metadata {
  const metadata = new Metadata()
  metadata.set(REASON_METADATA_KEY, reason)
  metadata.set(STATUS_DETAILS_METADATA_KEY, encodeStatusDetails({ code, message, reason, metadata: extra }))
  return metadata
}

/** ErrorInfo.metadata of an error: its string-valued `metadata` entries (e.g. `field`), read by shape. */
function errorMetadata(err: object): Record<string, string> {
  const raw = (err as { metadata?: unknown }).metadata
  if (raw == null || typeof raw !== 'object') return {}
  return Object.fromEntries(
    Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'),
  )
}
