// JSON-RPC 2.0 shapes and error codes used by the MCP server.

export type RequestId = string | number

export const PARSE_ERROR = -32700
export const INVALID_REQUEST = -32600
export const METHOD_NOT_FOUND = -32601
export const INVALID_PARAMS = -32602
export const INTERNAL_ERROR = -32603
/** Implementation-defined (-32000..-32099): too many requests in flight. */
export const SERVER_BUSY = -32000

export interface JsonRpcError {
  code: number
  message: string
  data?: unknown
}

export interface Response {
  jsonrpc: '2.0'
  id: RequestId | null
  result?: unknown
  error?: JsonRpcError
}

export type Incoming =
  | { kind: 'request'; id: RequestId; method: string; params: unknown }
  | { kind: 'notification'; method: string; params: unknown }
  | { kind: 'response' }
  | { kind: 'invalid'; id: RequestId | null; message: string }

/** An error a method handler throws to answer with a JSON-RPC error instead of a result. */
export class RpcError extends Error {
  readonly code: number
  readonly data: unknown

  constructor(code: number, message: string, data?: unknown) {
    super(message)
    this.code = code
    this.data = data
  }
}

export function isRequestId(v: unknown): v is RequestId {
  return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))
}

/** Classifies one parsed JSON-RPC message (an element of a batch, or a whole line). */
export function classify(msg: unknown): Incoming {
  if (msg == null || typeof msg !== 'object' || Array.isArray(msg))
    return { kind: 'invalid', id: null, message: 'Invalid Request: a message must be a JSON object' }
  const m = msg as Record<string, unknown>
  const id = isRequestId(m.id) ? m.id : null
  if (m.jsonrpc !== '2.0') return { kind: 'invalid', id, message: 'Invalid Request: jsonrpc must be "2.0"' }
  if (typeof m.method === 'string') {
    if (!('id' in m)) return { kind: 'notification', method: m.method, params: m.params }
    if (id == null)
      return { kind: 'invalid', id: null, message: 'Invalid Request: id must be a string or an integer' }
    return { kind: 'request', id, method: m.method, params: m.params }
  }
  if ('result' in m || 'error' in m) return { kind: 'response' }
  return { kind: 'invalid', id, message: 'Invalid Request: no method' }
}

export function errorResponse(id: RequestId | null, code: number, message: string, data?: unknown): Response {
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } }
}

export function resultResponse(id: RequestId, result: unknown): Response {
  return { jsonrpc: '2.0', id, result }
}
