// What the cards service keeps in the database (bucket cards.local): the local card's runtime content,
// sequence and last signed card, with its shape, checked when the state is read back at start.

import type { AgentSkillConfig } from '../config/options.ts'
import { array, num, object, oneOf, optional, type Shape, str } from '../store/shape.ts'
import type { CardSkill, SignedCard } from './card-record.ts'
import type { LocalCardContent } from './local-card.ts'

export interface CardState {
  /** Content published at runtime; replaces the configured content until an empty publish. */
  runtime?: LocalCardContent
  sequence: number
  card?: SignedCard
  ttlMs: number
}

const strings = array(str)

const skillConfigShape = object<AgentSkillConfig>({
  id: str,
  name: str,
  description: str,
  tags: strings,
  inputSchema: str,
  outputSchema: str,
  price: str,
  visibility: oneOf('public', 'whitelist', 'private'),
  allowedDids: strings,
  handler: optional(str),
  concurrency: optional(num),
  timeout: optional(str),
})

const cardSkillShape = object<CardSkill>({
  id: str,
  name: str,
  description: str,
  tags: strings,
  input_schema: str,
  output_schema: str,
  price: str,
  visibility: oneOf('public', 'whitelist'),
})

const signedCardShape = object<SignedCard>({
  v: oneOf(1),
  type: oneOf('moltmesh.card'),
  did: str,
  sequence: num,
  published_at_ms: num,
  expires_at_ms: num,
  name: str,
  description: str,
  skills: array(cardSkillShape),
  addresses: strings,
  protocols: strings,
  sig: str,
})

export const cardStateShape: Shape<CardState> = object<CardState>({
  runtime: optional(
    object<LocalCardContent>({ name: str, description: str, skills: array(skillConfigShape) }),
  ),
  sequence: num,
  card: optional(signedCardShape),
  ttlMs: num,
})
