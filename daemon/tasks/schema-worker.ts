// Worker thread that checks task inputs against skill schemas (see input-validator.ts). It owns the
// compiled validators; the main thread only sends text and waits with a time budget, so a costly
// check never blocks the daemon's event loop.

import { parentPort } from 'node:worker_threads'
import type { ValidateFunction } from 'ajv'
import { compileSchema, createSchemaCompiler, MAX_INPUT_DEPTH, nestingDepth } from './input-schema.ts'
import type { ValidationJob, ValidationResult } from './input-validator.ts'

/** Compiled validators by schema text; a skill set is small, the cap only guards a runaway. */
const validators = new Map<string, ValidateFunction | Error>()
const MAX_CACHED = 256

function validatorFor(schema: string): ValidateFunction | Error {
  let v = validators.get(schema)
  if (v == null) {
    try {
      // One ajv per schema: two skills may reuse an `$id`, which one ajv instance refuses.
      v = compileSchema(createSchemaCompiler(), JSON.parse(schema))
    } catch (err) {
      v = err as Error
    }
    if (validators.size >= MAX_CACHED) validators.clear()
    validators.set(schema, v)
  }
  return v
}

function check(job: ValidationJob, validate: ValidateFunction | Error): ValidationResult {
  if (validate instanceof Error) return { ok: false, message: `unusable input schema: ${validate.message}` }
  let value: unknown = job.text
  if (job.json) {
    try {
      value = JSON.parse(job.text)
    } catch {
      return { ok: false, message: 'input data_json does not parse' }
    }
  }
  if (nestingDepth(value, MAX_INPUT_DEPTH) > MAX_INPUT_DEPTH)
    return { ok: false, message: `input nests deeper than ${MAX_INPUT_DEPTH} levels` }
  try {
    if (validate(value)) return { ok: true }
  } catch (err) {
    return { ok: false, message: `input could not be checked: ${(err as Error).name}` }
  }
  const first = validate.errors?.[0]
  return {
    ok: false,
    message: `input does not match the skill's schema: ${first?.instancePath || '(root)'} ${first?.message ?? 'is invalid'}`,
  }
}

parentPort?.on('message', (job: ValidationJob & { seq: number }) => {
  // Compiling a skill's schema (once per worker) is not part of the check's budget: the schema is the
  // local skill's own, not a peer's input. The budget starts when the input is checked.
  const compiled = validatorFor(job.schema)
  parentPort?.postMessage({ seq: job.seq, checking: true })
  parentPort?.postMessage({ seq: job.seq, result: check(job, compiled) })
})

// Loaded (ajv and the schema helpers imported): the main thread starts no budget before this.
parentPort?.postMessage({ ready: true })
