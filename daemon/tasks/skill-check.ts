// Admission of an offered task at the assignee: the skill must exist, the requester must be allowed
// to call it, the input must match the skill's JSON Schema, and the price must be within the
// requester's max_price. The schema check runs in a worker with a time budget (input-validator.ts).
// A refusal becomes a REJECTED task with one of these reason codes.

import type { LocalSkill } from '../cards/local-card.ts'
import type { InputValidator } from './input-validator.ts'
import type { Part } from './parts-codec.ts'
import type { StoredError } from './records.ts'

// The value a skill's input schema applies to: the first data_json part (parsed), else the first
// text part as a string. Raw bytes and artifacts are not checked.

/** Decimal credit amounts ("12", "0.5") as integers of micro-credits: no floating point. */
export function parseCredits(amount: string): bigint | undefined {
  const m = /^(\d{1,18})(?:\.(\d{1,6}))?$/.exec(amount)
  if (m == null) return undefined
  return BigInt(m[1] as string) * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0'))
}

export async function checkOffer(
  validator: InputValidator,
  skill: LocalSkill | undefined,
  skillId: string,
  requester: string,
  input: Part[],
  maxPrice: string,
): Promise<StoredError | undefined> {
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
    const data = input.find((p) => p.dataJson !== undefined)?.dataJson
    const text = input.find((p) => p.text !== undefined)?.text
    if (data === undefined && text === undefined)
      return { reason: 'INVALID_INPUT', message: 'the skill takes a data_json (or text) input part' }
    const checked = await validator.validate({
      schema: skill.inputSchema,
      text: data ?? (text as string),
      json: data !== undefined,
    })
    if (!checked.ok)
      return {
        reason: checked.tooComplex === true ? 'INPUT_TOO_COMPLEX' : 'INVALID_INPUT',
        message: checked.message,
      }
  }
  return undefined
}
