// The one table that maps daemon error kinds to gRPC status codes, and the conversion of any thrown
// error into a gRPC ServiceError carrying `moltmesh-reason` trailing metadata.

import { Metadata, type ServiceError, status } from '@grpc/grpc-js'
import { capMessage } from '../errors/echo.ts'
import { type ErrorKind, isMoltmeshError } from '../errors/moltmesh-error.ts'

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
  const metadata = new Metadata()
  if (isMoltmeshError(err)) {
    metadata.set(REASON_METADATA_KEY, err.reason)
    return {
      error: { code: grpcStatusOf(err.kind), details: err.message, metadata },
      reason: err.reason,
      unexpected: false,
    }
  }
  metadata.set(REASON_METADATA_KEY, 'INTERNAL')
  return {
    error: {
      code: status.INTERNAL,
      details: capMessage(`internal error: ${(err as Error)?.message ?? String(err)}`),
      metadata,
    },
    reason: 'INTERNAL',
    unexpected: true,
  }
}
