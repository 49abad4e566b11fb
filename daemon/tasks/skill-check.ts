// Admission of an offered task at the assignee: the skill must exist, the requester must be allowed
// to call it, the input must match the skill's JSON Schema, and the price must be within the
// requester's max_price. A refusal becomes a REJECTED task with one of these reason codes.

import { Ajv, type ValidateFunction } from 'ajv'
import type { LocalSkill } from '../cards/local-card.ts'
import type { Part } from './parts-codec.ts'
import type { StoredError } from './records.ts'

const validators = new Map<string, ValidateFunction | Error>()
const ajv = new Ajv({ strict: false, allErrors: false })

function validatorFor(schema: string): ValidateFunction | Error {
  let v = validators.get(schema)
  if (v == null) {
    try {
      v = ajv.compile(JSON.parse(schema) as object)
    } catch (err) {
      v = err as Error
    }
    validators.set(schema, v)
  }
  return v
}

/**
 * The value a skill's input schema applies to: the first data_json part (parsed), else the first text
 * part as a string. Raw bytes and artifacts are not checked.
 */
export function inputValue(parts: Part[]): { found: true; value: unknown } | { found: false } {
  const data = parts.find((p) => p.dataJson !== undefined)
  if (data?.dataJson !== undefined) return { found: true, value: JSON.parse(data.dataJson) }
  const text = parts.find((p) => p.text !== undefined)
  if (text?.text !== undefined) return { found: true, value: text.text }
  return { found: false }
}

/** Decimal credit amounts ("12", "0.5") as integers of micro-credits: no floating point. */
export function parseCredits(amount: string): bigint | undefined {
  const m = /^(\d{1,18})(?:\.(\d{1,6}))?$/.exec(amount)
  if (m == null) return undefined
  return BigInt(m[1] as string) * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0'))
}

export function checkOffer(
  skill: LocalSkill | undefined,
  skillId: string,
  requester: string,
  input: Part[],
  maxPrice: string,
): StoredError | undefined {
  if (skill == null) return { reason: 'SKILL_NOT_FOUND', message: `this agent has no skill "${skillId}"` }
  if (skill.visibility === 'private')
    return { reason: 'NOT_ALLOWED', message: `skill "${skillId}" is private` }
  if (skill.visibility === 'whitelist' && !skill.allowedDids.includes(requester))
    return { reason: 'NOT_ALLOWED', message: `skill "${skillId}" is restricted to listed agents` }
  const price = parseCredits(skill.price === '' ? '0' : skill.price) ?? 0n
  if (price > 0n) {
    const max = maxPrice === '' ? 0n : parseCredits(maxPrice)
    if (max == null)
      return { reason: 'INVALID_INPUT', message: `max_price "${maxPrice}" is not a decimal amount` }
    if (price > max)
      return {
        reason: 'PRICE_TOO_HIGH',
        message: `skill "${skillId}" costs ${skill.price} credits; max_price is ${maxPrice || '0'}`,
      }
  }
  if (skill.inputSchema.trim() !== '') {
    const validate = validatorFor(skill.inputSchema)
    if (validate instanceof Error)
      return {
        reason: 'INVALID_INPUT',
        message: `skill "${skillId}" has an unusable input schema: ${validate.message}`,
      }
    let value: ReturnType<typeof inputValue>
    try {
      value = inputValue(input)
    } catch {
      return { reason: 'INVALID_INPUT', message: 'input data_json does not parse' }
    }
    if (!value.found)
      return { reason: 'INVALID_INPUT', message: 'the skill takes a data_json (or text) input part' }
    if (!validate(value.value)) {
      const first = validate.errors?.[0]
      return {
        reason: 'INVALID_INPUT',
        message: `input does not match the skill's schema: ${first?.instancePath || '(root)'} ${first?.message ?? 'is invalid'}`,
      }
    }
  }
  return undefined
}
