// Skills that workers serve: while at least one worker subscription serves a skill, the agent offers
// it, even if neither moltbook.toml nor a published card declares it. Each subscription registers
// the skills it serves; the earliest registration still open describes a skill. Declared skills win
// over served ones (see mergeServed), so a worker never changes a declared skill's fields.

import type { LocalSkill } from './local-card.ts'

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
