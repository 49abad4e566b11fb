// Skills that workers serve: while at least one worker subscription serves a skill, the agent offers
// it, even if neither moltbook.toml nor a published card declares it. Each subscription registers
// the skills it serves; the earliest registration still open describes a skill. Declared skills win
// over served ones (see mergeServed), so a worker never changes a declared skill's fields.

import { invalidArgument } from '../errors/moltmesh-error.ts'
import { MAX_CARD_BYTES } from './card-record.ts'
import { type LocalSkill, publishedSkills } from './local-card.ts'

/** Room in a signed card for everything but the skills (name, addresses, protocols, signature). */
const CARD_OVERHEAD_BYTES = 5 * 1024

export interface ServedSkills {
  /** Registers one worker's skills; returns the function that unregisters them (idempotent). */
  add(skills: LocalSkill[]): () => void
  /** One entry per skill id served by at least one worker, described by its earliest registration. */
  list(): LocalSkill[]
  /** Workers serving `id` right now. */
  workers(id: string): number
}

export function createServedSkills(): ServedSkills {
  // Insertion order = registration order, so the earliest open registration describes a skill.
  const registrations = new Map<number, LocalSkill[]>()
  let next = 0

  return {
    add(skills) {
      const key = next++
      registrations.set(key, skills)
      return () => {
        registrations.delete(key)
      }
    },
    list() {
      const byId = new Map<string, LocalSkill>()
      for (const skills of registrations.values())
        for (const skill of skills) if (!byId.has(skill.id)) byId.set(skill.id, skill)
      return [...byId.values()]
    },
    workers(id) {
      let n = 0
      for (const skills of registrations.values()) if (skills.some((s) => s.id === id)) n++
      return n
    },
  }
}

/** The declared skills, then each served skill the declared ones lack. */
export function mergeServed(declared: LocalSkill[], served: LocalSkill[]): LocalSkill[] {
  const ids = new Set(declared.map((s) => s.id))
  return [...declared, ...served.filter((s) => !ids.has(s.id))]
}

/** A skill a worker serves without describing it: public, free, named after its id. */
export function bareSkill(id: string): LocalSkill {
  return {
    id,
    name: id,
    description: '',
    tags: [],
    inputSchema: '',
    outputSchema: '',
    price: '0',
    visibility: 'public',
    allowedDids: [],
  }
}

/**
 * What every peer checks when it verifies a card (card-record.ts), checked when a worker offers a
 * skill: a card that breaks these would be refused by the whole network, not just by this worker.
 */
export function checkOfferLimits(skills: LocalSkill[]): void {
  const bad = (msg: string) => invalidArgument('INVALID_CARD', msg)
  for (const [i, s] of skills.entries()) {
    const where = `offers[${i}] (${s.id})`
    if (s.name.length > 256) throw bad(`${where}.name is longer than 256 characters`)
    if (s.description.length > 2048) throw bad(`${where}.description is longer than 2048 characters`)
    if (s.tags.length > 32) throw bad(`${where}: at most 32 tags`)
    if (s.inputSchema.length > 8192 || s.outputSchema.length > 8192)
      throw bad(`${where}: a schema is longer than 8192 characters`)
  }
}

/** Refuses skills that would make the signed card larger than a DHT record may be. */
export function checkCardSize(skills: LocalSkill[]): void {
  const bytes = Buffer.byteLength(JSON.stringify(publishedSkills(skills)))
  if (bytes > MAX_CARD_BYTES - CARD_OVERHEAD_BYTES)
    throw invalidArgument(
      'INVALID_CARD',
      `the card's skills would take ${bytes} bytes; a signed card holds at most ${MAX_CARD_BYTES - CARD_OVERHEAD_BYTES}`,
    )
}
