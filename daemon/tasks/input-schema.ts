// JSON Schemas of skill inputs, compiled so that checking a peer's input cannot freeze the daemon:
// every `pattern` / `patternProperties` regex runs on RE2JS (linear time, no catastrophic
// backtracking), input depth is capped before validation, and schemas whose cost could still grow
// faster than the input (regexes RE2 cannot run, quadratic `uniqueItems`) are refused at publish.
// Validation itself runs in a worker with a time budget (input-validator.ts), so even a schema whose
// combinators blow up on some input only costs that one offer.

import { createRequire } from 'node:module'
import type { Ajv, ValidateFunction } from 'ajv'
import type { RE2JS } from 're2js'
import { invalidArgument } from '../errors/moltmesh-error.ts'

// ajv (~90 modules) and RE2JS (~250 KB) are loaded by the first schema to check, not at start-up:
// most daemons publish no input schema, and the validator's worker thread loads its own copy.
const requireLazy = createRequire(import.meta.url)
let ajvClass: typeof Ajv | undefined
let re2: typeof RE2JS | undefined
const loadAjv = () => (ajvClass ??= (requireLazy('ajv') as typeof import('ajv')).Ajv)
const loadRe2 = () => (re2 ??= (requireLazy('re2js') as typeof import('re2js')).RE2JS)

/** Deepest nesting of arrays/objects accepted in a task input (checked without recursion). */
export const MAX_INPUT_DEPTH = 64
/** Deepest nesting of a skill schema accepted at publish. */
export const MAX_SCHEMA_DEPTH = 32
/** `uniqueItems` compares every pair of items unless they are scalars: only with this many at most. */
export const MAX_UNIQUE_ITEMS = 1000

function linearRegExp(pattern: string, flags: string): { test: (s: string) => boolean } {
  // ECMAScript `u` changes little for RE2, which is always Unicode-aware; other flags do not occur.
  void flags
  const re = loadRe2().compile(pattern)
  return { test: (s: string) => re.test(s) }
}
// Only used by ajv's standalone code generation, which the daemon does not use.
linearRegExp.code = 'linearRegExp'

/** A fresh ajv whose regexes are RE2JS (each worker and the publish check have their own). */
export function createSchemaCompiler(): Ajv {
  const Ajv = loadAjv()
  return new Ajv({ strict: false, allErrors: false, code: { regExp: linearRegExp } })
}

/** How deep `value` nests (a scalar is 0), counted iteratively; stops early past `limit`. */
export function nestingDepth(value: unknown, limit: number): number {
  let max = 0
  const stack: Array<[unknown, number]> = [[value, 0]]
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number]
    if (v == null || typeof v !== 'object') continue
    const depth = d + 1
    if (depth > max) max = depth
    if (max > limit) return max
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth])
  }
  return max
}

/** Regex-bearing and cost-bearing spots of a schema, walked without recursion. */
function* schemaNodes(schema: unknown): Generator<[Record<string, unknown>, string]> {
  const stack: Array<[unknown, string]> = [[schema, '']]
  while (stack.length > 0) {
    const [node, path] = stack.pop() as [unknown, string]
    if (node == null || typeof node !== 'object') continue
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        stack.push([child, `${path}/${i}`])
      })
      continue
    }
    const obj = node as Record<string, unknown>
    yield [obj, path]
    for (const [k, child] of Object.entries(obj))
      if (k !== 'enum' && k !== 'const') stack.push([child, `${path}/${k}`])
  }
}

function regexProblem(pattern: string): string | undefined {
  try {
    loadRe2().compile(pattern)
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null'])

function scalarItems(node: Record<string, unknown>): boolean {
  const items = node.items
  if (items == null || typeof items !== 'object' || Array.isArray(items)) return false
  const type = (items as Record<string, unknown>).type
  const types = Array.isArray(type) ? type : [type]
  return types.length > 0 && types.every((t) => typeof t === 'string' && SCALAR_TYPES.has(t))
}

const cut = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n)}…` : s)

/**
 * Refuses (INVALID_ARGUMENT, reason INVALID_CARD) a skill schema that the daemon could not check in
 * bounded time: too deep, a `pattern` or `patternProperties` key RE2 cannot run (lookaround,
 * backreferences), `uniqueItems` over non-scalar items without `maxItems` <= 1000, or one ajv cannot
 * compile. `field` names the schema in the message, e.g. `skills[0].input_schema`.
 */
export function assertSchemaSafe(schema: unknown, field: string): void {
  const bad = (msg: string) => invalidArgument('INVALID_CARD', `${field}: ${msg}`)
  if (nestingDepth(schema, MAX_SCHEMA_DEPTH) > MAX_SCHEMA_DEPTH)
    throw bad(`nests deeper than ${MAX_SCHEMA_DEPTH} levels`)
  for (const [node, path] of schemaNodes(schema)) {
    const patterns: Array<[string, unknown]> = [[`${path}/pattern`, node.pattern]]
    const pp = node.patternProperties
    if (pp != null && typeof pp === 'object')
      for (const key of Object.keys(pp)) patterns.push([`${path}/patternProperties`, key])
    for (const [where, p] of patterns) {
      if (typeof p !== 'string') continue
      const problem = regexProblem(p)
      if (problem != null)
        throw bad(
          `${where} "${cut(p)}" cannot be checked in linear time (lookaround and backreferences are not supported): ${cut(problem)}`,
        )
    }
    if (node.uniqueItems === true && !scalarItems(node)) {
      const max = node.maxItems
      if (typeof max !== 'number' || max > MAX_UNIQUE_ITEMS)
        throw bad(
          `${path || '/'} uniqueItems over non-scalar items needs "maxItems" of at most ${MAX_UNIQUE_ITEMS} (it compares every pair)`,
        )
    }
  }
  try {
    compileSchema(createSchemaCompiler(), schema)
  } catch (err) {
    throw bad(`does not compile: ${cut((err as Error).message, 200)}`)
  }
}

export function compileSchema(ajv: Ajv, schema: unknown): ValidateFunction {
  if (schema == null || typeof schema !== 'object' || Array.isArray(schema))
    throw new Error('a JSON Schema must be an object')
  return ajv.compile(schema as object)
}
