// JSON-RPC error codes of A2A (spec section "Error handling") and the one mapping from moltmesh
// errors (a reason plus a gRPC status code) to them. Our reason always travels in `data.reason`.

export const RPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL: -32603,
  TASK_NOT_FOUND: -32001,
  TASK_NOT_CANCELABLE: -32002,
  PUSH_NOT_SUPPORTED: -32003,
  UNSUPPORTED_OPERATION: -32004,
  CONTENT_TYPE_NOT_SUPPORTED: -32005,
  INVALID_AGENT_RESPONSE: -32006,
  EXTENDED_CARD_NOT_CONFIGURED: -32007,
  VERSION_NOT_SUPPORTED: -32009,
} as const

export class A2aRpcError extends Error {
  readonly code: number
  readonly data: Record<string, unknown> | undefined
  constructor(code: number, message: string, data?: Record<string, unknown>) {
    super(message)
    this.code = code
    this.data = data
  }
}

export const invalidParams = (message: string, reason = 'INVALID_ARGUMENT') =>
  new A2aRpcError(RPC.INVALID_PARAMS, message, { reason })

/** gRPC status codes used below (numbers, so this file needs no gRPC import). */
const GRPC_INVALID_ARGUMENT = 3
const GRPC_NOT_FOUND = 5
const GRPC_FAILED_PRECONDITION = 9
const GRPC_UNIMPLEMENTED = 12

/** A moltmesh error (from the daemon's client) as an A2A JSON-RPC error; anything else is internal. */
export function toRpcError(err: unknown): A2aRpcError {
  if (err instanceof A2aRpcError) return err
  const e = err as { reason?: unknown; code?: unknown; details?: unknown; message?: unknown }
  const reason = typeof e?.reason === 'string' ? e.reason : 'INTERNAL'
  const message = typeof e?.details === 'string' && e.details !== '' ? e.details : String(e?.message ?? err)
  const data = { reason }
  if (reason === 'TASK_NOT_FOUND') return new A2aRpcError(RPC.TASK_NOT_FOUND, message, data)
  if (reason === 'TASK_FINISHED' || reason === 'TASK_TERMINAL' || reason === 'INVALID_TRANSITION')
    return new A2aRpcError(RPC.TASK_NOT_CANCELABLE, message, data)
  switch (e?.code) {
    case GRPC_INVALID_ARGUMENT:
      return new A2aRpcError(RPC.INVALID_PARAMS, message, data)
    case GRPC_NOT_FOUND:
      return new A2aRpcError(RPC.TASK_NOT_FOUND, message, data)
    case GRPC_FAILED_PRECONDITION:
      return new A2aRpcError(RPC.TASK_NOT_CANCELABLE, message, data)
    case GRPC_UNIMPLEMENTED:
      return new A2aRpcError(RPC.UNSUPPORTED_OPERATION, message, data)
    default:
      return new A2aRpcError(RPC.INTERNAL, message, data)
  }
}
