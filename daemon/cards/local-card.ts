// The local agent's card content: from moltbook.toml ([agent], [[agent.skills]]) unless replaced at
// runtime with PublishAgentCard. Local skills keep what is never published (private skills, the
// allow-lists), for the checks the daemon makes when tasks arrive.

import type { AgentOptions, AgentSkillConfig } from '../config/options.ts'
import { invalidArgument } from '../errors/moltmesh-error.ts'
import { isDid } from '../identity/did.ts'
import { assertSchemaSafe } from '../tasks/input-schema.ts'
import { normalizeCapability } from './capability.ts'
import type { CardSkill } from './card-record.ts'

/** A skill as the daemon keeps it: the config shape, whether it came from moltbook.toml or an RPC. */
export type LocalSkill = AgentSkillConfig
export type LocalCardContent = AgentOptions

const PRICE = /^\d{1,18}(\.\d{1,6})?$/
export const MAX_SKILLS = 64

/** Normalises and checks runtime-published content; errors carry reason INVALID_CARD. */
export function checkCardContent(content: LocalCardContent): LocalCardContent {
  const bad = (msg: string) => invalidArgument('INVALID_CARD', msg)
  if (content.name.length > 256) throw bad('card name is longer than 256 characters')
  if (content.description.length > 2048) throw bad('card description is longer than 2048 characters')
  if (content.skills.length > MAX_SKILLS) throw bad(`a card has at most ${MAX_SKILLS} skills`)
  const ids = new Set<string>()
  const skills = content.skills.map((s, i) => {
    const where = `skills[${i}]`
    let id: string
    let tags: string[]
    try {
      id = normalizeCapability(s.id)
      tags = [...new Set(s.tags.map(normalizeCapability))]
    } catch (err) {
      throw bad(`${where}: ${(err as Error).message}`)
    }
    if (ids.has(id)) throw bad(`${where}: duplicate skill id "${id}"`)
    ids.add(id)
    const price = s.price === '' ? '0' : s.price
    if (!PRICE.test(price)) throw bad(`${where}.price: "${s.price}" is not a decimal amount of credits`)
    for (const [field, text] of [
      ['input_schema', s.inputSchema],
      ['output_schema', s.outputSchema],
    ] as const) {
      if (text === '') continue
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        throw bad(`${where}.${field} is not valid JSON`)
      }
      if (parsed == null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw bad(`${where}.${field} must be a JSON Schema object`)
      if (field === 'input_schema') assertSchemaSafe(parsed, `${where}.${field}`)
    }
    for (const did of s.allowedDids)
      if (!isDid(did)) throw bad(`${where}.allowed_dids: "${did}" is not a DID`)
    return { ...s, id, tags, price }
  })
  return { name: content.name, description: content.description, skills }
}

/** What goes into the signed card: private skills left out, allow-lists kept local. */
export function publishedSkills(skills: LocalSkill[]): CardSkill[] {
  return skills
    .filter((s) => s.visibility !== 'private')
    .map((s) => ({
      id: s.id,
      name: s.name,
      description: s.description,
      tags: s.tags,
      input_schema: s.inputSchema,
      output_schema: s.outputSchema,
      price: s.price,
      visibility: s.visibility === 'whitelist' ? 'whitelist' : 'public',
    }))
}

/** Every capability a set of published skills announces (ids and tags, normalised). */
export function capabilitiesOf(skills: CardSkill[]): string[] {
  return [...new Set(skills.flatMap((s) => [s.id, ...s.tags]))].sort()
}
