// Human output of agent cards and discovery results, in the style of the product examples:
// "did:key:z6MkAbc...  swift-falcon  text-generation, embedding".

import type { FindAgentsResponse } from '../../clients/ts/gen/moltmesh/v1/a2a.ts'
import { type AgentCard, type Skill, Visibility } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import { formatCredits } from '../../clients/ts/index.ts'
import { printFields } from './format.ts'
import { safeText } from './terminal-safe.ts'

const VISIBILITY_LABEL: Record<number, string> = {
  [Visibility.VISIBILITY_UNSPECIFIED]: 'public',
  [Visibility.VISIBILITY_PUBLIC]: 'public',
  [Visibility.VISIBILITY_WHITELIST]: 'whitelist',
  [Visibility.VISIBILITY_PRIVATE]: 'private',
}

export function priceText(price: string): string {
  return price === '' || Number(price) === 0 ? 'free' : formatCredits(price)
}

export function displayName(card: AgentCard): string {
  return card.claimedName || card.name || '(unnamed)'
}

function skillLine(s: Skill): string {
  const tags = s.tags.length > 0 ? `  [${s.tags.join(', ')}]` : ''
  const about = s.description !== '' ? `  ${s.description}` : ''
  return safeText(
    `${s.id}  ${priceText(s.price)}  ${VISIBILITY_LABEL[s.visibility] ?? 'public'}${tags}${about}`,
  )
}

export function printCard(card: AgentCard, selfDid?: string): void {
  printFields([
    ['DID', card.did === selfDid ? `${card.did} (you)` : card.did],
    ['Name', card.name || '(unnamed)'],
    ['Claimed name', card.claimedName || undefined],
    ['Description', card.description || undefined],
    ['Skills', card.skills.map(skillLine)],
    ['Addresses', card.addresses],
    ['Sequence', card.sequence],
    ['Published', new Date(card.publishedAtMs).toISOString()],
    ['Expires', new Date(card.expiresAtMs).toISOString()],
  ])
}

/** One line per agent found: DID, name, its capabilities, then how it matched. */
export function foundLine(r: FindAgentsResponse): string {
  const card = r.card
  if (card == null) return ''
  const caps = card.skills.map((s) => s.id).join(', ')
  const skill = r.skill != null ? `  (${r.skill.id}: ${priceText(r.skill.price)})` : ''
  return safeText(
    `${card.did}  ${displayName(card)}  ${caps}${skill}  score ${r.score}${r.connected ? '  connected' : ''}`,
  )
}
