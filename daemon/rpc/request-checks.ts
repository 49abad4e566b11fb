// Checks every RPC request before it reaches a service, the same way for all methods: it decodes
// (an int64 beyond 2^53 or broken protobuf is INVALID_ARGUMENT, not INTERNAL), its strings are valid
// UTF-8 (protobuf decoding would silently turn bad bytes into U+FFFD), and its numbers are in range:
// no negative count, duration or time, and every wait, interval and lifetime bounded, so one call
// cannot park a handler for weeks. Errors name the field (proto names, e.g. `interval_ms`).

import { createRequire } from 'node:module'
import { invalidArgument, type MoltmeshError } from '../errors/moltmesh-error.ts'
import type { MethodDefinitionLike } from './service-types.ts'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

/** Upper bounds by field name (camelCase, as decoded); `Method.field` entries override. */
const MAX_BY_FIELD: Record<string, number> = {
  // How long one call may wait for the network.
  timeoutMs: 10 * MINUTE,
  intervalMs: MINUTE,
  // Lifetimes of things the daemon keeps.
  ttlMs: 30 * DAY,
  leaseMs: DAY,
  // Repetitions (Ping); page sizes and limits are clamped by their services.
  count: 1000,
  progress: 1,
}
const MAX_BY_METHOD_FIELD: Record<string, number> = {
  // A task's timeout is its deadline: up to 30 days, like tasks.default_timeout_ms.
  'CreateTask.timeoutMs': 30 * DAY,
  // Waiting for a task may take as long as a day (clients usually wait in shorter slices).
  'WaitTask.timeoutMs': DAY,
}
/** Absolute times (`*AtMs`, `sinceMs`) and offsets/sequences stay within what JSON and JS handle. */
const MAX_TIME_MS = 253_402_300_799_999 // 9999-12-31
const MAX_INTEGER = Number.MAX_SAFE_INTEGER

/**
 * Decimal credit amounts (non-negative, at most 18 integer and 6 fraction digits) that no service
 * checks itself; skill prices (INVALID_CARD) and ledger amounts (INVALID_AMOUNT) have their own.
 */
const DECIMAL = /^\d{1,18}(\.\d{1,6})?$/
const DECIMAL_FIELDS = new Set(['maxPrice'])

/** map<string, string> fields of the API: free-form text, checked by the services. */
const MAP_FIELDS = new Set(['metadata', 'labels'])

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

function bad(path: string, message: string): MoltmeshError {
  return invalidArgument('INVALID_ARGUMENT', `${path} ${message}`)
}

function checkNumber(method: string, field: string, path: string, value: number): void {
  if (!Number.isFinite(value)) throw bad(path, 'must be a finite number')
  if (value < 0) throw bad(path, 'must not be negative')
  const max =
    MAX_BY_METHOD_FIELD[`${method}.${field}`] ??
    MAX_BY_FIELD[field] ??
    (/AtMs$|^sinceMs$/.test(field) ? MAX_TIME_MS : MAX_INTEGER)
  if (value > max) throw bad(path, `must be at most ${max}`)
}

/**
 * Throws INVALID_ARGUMENT naming the first out-of-range field of a decoded request. Walks nested
 * messages and repeated fields; bytes are skipped. `method` is the RPC name, e.g. `Ping`.
 */
export function checkRequest(method: string, request: unknown): void {
  const stack: Array<[unknown, string, string]> = [[request, '', '']]
  while (stack.length > 0) {
    const [value, field, path] = stack.pop() as [unknown, string, string]
    if (typeof value === 'number') checkNumber(method, field, path, value)
    else if (typeof value === 'bigint') checkNumber(method, field, path, Number(value))
    else if (typeof value === 'string') {
      if (DECIMAL_FIELDS.has(field) && value !== '' && !DECIMAL.test(value))
        throw bad(path, 'must be a non-negative decimal amount (e.g. "12.5")')
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        stack.push([v, field, `${path}[${i}]`])
      })
    } else if (value != null && typeof value === 'object' && !(value instanceof Uint8Array)) {
      // Maps (proto map<string, string>) decode to plain objects too: their keys are not field names.
      if (MAP_FIELDS.has(field)) continue
      for (const [k, v] of Object.entries(value))
        stack.push([v, k, path === '' ? snake(k) : `${path}.${snake(k)}`])
    }
  }
}

const UNDECODABLE = Symbol('undecodable request')

interface Undecodable {
  [UNDECODABLE]: MoltmeshError
}

export function undecodable(request: unknown): MoltmeshError | undefined {
  return request != null && typeof request === 'object' && UNDECODABLE in request
    ? (request as Undecodable)[UNDECODABLE]
    : undefined
}

/** Whether any string of a decoded message holds U+FFFD (what invalid UTF-8 decodes to). */
function hasReplacementChar(message: unknown): boolean {
  const stack: unknown[] = [message]
  while (stack.length > 0) {
    const value = stack.pop()
    if (typeof value === 'string') {
      if (value.includes('\uFFFD')) return true
    } else if (Array.isArray(value)) for (const v of value) stack.push(v)
    else if (value != null && typeof value === 'object' && !(value instanceof Uint8Array))
      for (const v of Object.values(value)) stack.push(v)
  }
  return false
}

/**
 * Decodes like `deserialize`, but a request that does not decode, or whose strings held invalid
 * UTF-8, becomes a marker the handler turns into INVALID_ARGUMENT (naming the field) instead of
 * grpc-js answering INTERNAL or the service seeing altered text. The raw bytes are walked with the
 * method's descriptor (wire-fields.ts) only when decoding failed or the text holds U+FFFD: the UTF-8
 * verdict is exact (a fatal decoder on the field's bytes), a U+FFFD the client really sent passes.
 */
// wire-fields.ts walks the API's descriptors with @bufbuild/protobuf's reflection, whose boot of
// descriptor.proto costs ~100-300 ms of start-up and ~10 MB; only a request that failed to decode
// needs it, so it is loaded on the first one (synchronously: a deserializer cannot await).
const requireLazy = createRequire(import.meta.url)
let wireFields: typeof import('./wire-fields.ts') | undefined
const loadWireFields = () =>
  (wireFields ??= requireLazy('./wire-fields.ts') as typeof import('./wire-fields.ts'))

export function guardedDeserialize(
  deserialize: (buf: Buffer) => unknown,
  methodPath = '',
): (buf: Buffer) => unknown {
  return (buf: Buffer) => {
    const desc = () => loadWireFields().requestMessageOf(methodPath)
    let message: unknown
    try {
      message = deserialize(buf)
    } catch (err) {
      const d = desc()
      const problem = d == null ? undefined : loadWireFields().findWireProblem(d, buf)
      if (problem?.problem === 'too-large')
        return {
          [UNDECODABLE]: bad(problem.path, 'is larger than 2^53-1 (9007199254740991)'),
        } satisfies Undecodable
      if (problem?.problem === 'not-utf8')
        return { [UNDECODABLE]: bad(problem.path, 'is not valid UTF-8') } satisfies Undecodable
      const why = /MAX_SAFE_INTEGER/.test(String((err as Error)?.message))
        ? 'an integer field is larger than 2^53-1'
        : `it is not valid protobuf (${String((err as Error)?.message).slice(0, 80)})`
      return { [UNDECODABLE]: bad('request', `does not decode: ${why}`) } satisfies Undecodable
    }
    if (hasReplacementChar(message)) {
      const d = desc()
      const problem = d == null ? undefined : loadWireFields().findWireProblem(d, buf)
      if (problem != null)
        return {
          [UNDECODABLE]: bad(
            problem.path,
            problem.problem === 'not-utf8' ? 'is not valid UTF-8' : 'is out of range',
          ),
        } satisfies Undecodable
    }
    return message
  }
}

/** The service definition with every request deserializer guarded (see guardedDeserialize). */
export function guardDefinition<S extends Record<string, MethodDefinitionLike>>(definition: S): S {
  const out: Record<string, MethodDefinitionLike> = {}
  for (const [name, method] of Object.entries(definition))
    out[name] = { ...method, requestDeserialize: guardedDeserialize(method.requestDeserialize, method.path) }
  return out as S
}
