// The workspace's API is the gRPC API itself, called in-process: `POST /api/rpc/<Service>/<Method>`
// with the request in proto JSON runs the very handler object the gRPC server runs (same validation,
// same errors), and server-streaming methods become Server-Sent Events. Like daemon/rpc/, this is an
// adapter: it converts JSON <-> generated message types and errors <-> HTTP, and holds no logic.

import { Metadata } from '@grpc/grpc-js'
import { MoltmeshError } from '../errors/moltmesh-error.ts'
import type { CallContext, MethodDefinitionLike } from '../rpc/service-types.ts'
import { redactSecrets } from './redact.ts'

interface MessageType {
  fromJSON(object: unknown): unknown
  toJSON(message: unknown): unknown
}

export interface BridgedService {
  /** Short service name as in URLs: "A2ANode", "Diag", "Ext". */
  name: string
  definition: Record<string, MethodDefinitionLike>
  /** The generated module of the service's proto file (its message types by name). */
  messages: Record<string, unknown>
  /** The handler object the gRPC server uses. */
  impl: object
}

/**
 * RPCs the page may not call: stopping the daemon, minting login tokens, and creating a webhook
 * (its answer is the signing secret, which must never reach a browser). Client-streaming RPCs
 * (PutBlob) have no HTTP form here.
 */
const NOT_BRIDGED = new Set(['Diag/Shutdown', 'Diag/OpenUi', 'Ext/CreateWebhook'])

export interface BridgedMethod {
  stream: boolean
  call(request: unknown, signal: AbortSignal): Promise<unknown> | AsyncIterable<unknown>
  toJSON(response: unknown): unknown
}

export interface RpcBridge {
  /** `service/Method`, e.g. "Diag/Health"; undefined when not bridged. */
  method(key: string): BridgedMethod | undefined
  readonly keys: readonly string[]
}

export function createRpcBridge(services: readonly BridgedService[]): RpcBridge {
  const methods = new Map<string, BridgedMethod>()
  for (const service of services) {
    for (const [name, def] of Object.entries(service.definition)) {
      const rpc = def.path.split('/').pop() as string
      const key = `${service.name}/${rpc}`
      const fn = (service.impl as Record<string, unknown>)[name]
      if (NOT_BRIDGED.has(key) || def.requestStream || typeof fn !== 'function') continue
      const req = service.messages[`${rpc}Request`] as MessageType | undefined
      const res = service.messages[`${rpc}Response`] as MessageType | undefined
      if (req == null || res == null) continue
      methods.set(key, {
        stream: def.responseStream,
        call(request, signal) {
          const ctx: CallContext = { signal, metadata: new Metadata(), method: def.path }
          return fn.call(service.impl, decode(rpc, req, request), ctx)
        },
        toJSON: (response) => redactSecrets(res.toJSON(response)),
      })
    }
  }
  return { method: (key) => methods.get(key), keys: [...methods.keys()].sort() }
}

/**
 * Proto JSON -> message. The generated fromJSON is lenient (a string where a number belongs becomes
 * NaN), which a gRPC client can never send: such requests are refused here, naming the field.
 */
function decode(rpc: string, type: MessageType, request: unknown): unknown {
  const bad = (why: string) =>
    new MoltmeshError('invalid_argument', 'INVALID_REQUEST', `bad ${rpc} request: ${why}`)
  if (request == null || typeof request !== 'object' || Array.isArray(request)) {
    throw bad('the body must be a JSON object')
  }
  let decoded: unknown
  try {
    decoded = type.fromJSON(request)
  } catch (err) {
    throw bad((err as Error).message)
  }
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'number' && Number.isNaN(value)) throw bad(`${path} is not a number`)
    if (value != null && typeof value === 'object' && !(value instanceof Uint8Array)) {
      for (const [k, v] of Object.entries(value)) walk(v, path === '' ? k : `${path}.${k}`)
    }
  }
  walk(decoded, '')
  return decoded
}
