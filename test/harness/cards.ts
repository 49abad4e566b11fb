// Helpers for card tests: publish a card through the SDK, collect FindAgents results, and check a
// returned card's signature independently of the daemon that returned it.

import type { AgentCard } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import { types } from '../../clients/ts/index.ts'
import { decodeCard, encodeCard, type SignedCard } from '../../daemon/cards/card-record.ts'
import type { DaemonProcess } from './daemon-process.ts'

const { Visibility } = types

export interface SkillSpec {
  id: string
  tags?: string[]
  price?: string
  visibility?: 'public' | 'whitelist' | 'private'
}

const VIS = {
  public: Visibility.VISIBILITY_PUBLIC,
  whitelist: Visibility.VISIBILITY_WHITELIST,
  private: Visibility.VISIBILITY_PRIVATE,
} as const

export async function publishCard(d: DaemonProcess, name: string, skills: SkillSpec[], ttlMs = 0) {
  const res = await d.client.a2a.publishAgentCard({
    ttlMs,
    card: {
      did: '',
      name,
      description: `${name} for tests`,
      skills: skills.map((s) => ({
        id: s.id,
        name: s.id,
        description: `does ${s.id}`,
        tags: s.tags ?? [],
        inputSchemaJson: '',
        outputSchemaJson: '',
        price: s.price ?? '0',
        visibility: VIS[s.visibility ?? 'public'],
        allowedDids: [],
      })),
      addresses: [],
      protocols: [],
      sequence: 0,
      publishedAtMs: 0,
      expiresAtMs: 0,
      signature: '',
      claimedName: '',
    },
  })
  return res.card!
}

export async function find(
  d: DaemonProcess,
  capability: string,
  limit = 0,
  timeoutMs = 3_000,
  tags: string[] = [],
) {
  const out = []
  for await (const r of d.client.a2a.findAgents({ capability, tags, limit, timeoutMs })) out.push(r)
  return out
}

/** The signed record behind a returned card (JCS makes the re-encoding byte-identical). */
export function recordOf(card: AgentCard): SignedCard {
  const vis = (v: number): 'whitelist' | 'public' =>
    v === Visibility.VISIBILITY_WHITELIST ? 'whitelist' : 'public'
  return {
    v: 1,
    type: 'moltmesh.card',
    did: card.did,
    name: card.name,
    description: card.description,
    skills: card.skills.map((s) => ({
      id: s.id,
      name: s.name,
      description: s.description,
      tags: s.tags,
      input_schema: s.inputSchemaJson,
      output_schema: s.outputSchemaJson,
      price: s.price,
      visibility: vis(s.visibility),
    })),
    addresses: card.addresses,
    protocols: card.protocols,
    sequence: card.sequence,
    published_at_ms: card.publishedAtMs,
    expires_at_ms: card.expiresAtMs,
    sig: card.signature,
  }
}

/** Verifies a returned card's signature against its DID, here in the test process. */
export async function verifiedIndependently(card: AgentCard): Promise<boolean> {
  return decodeCard(encodeCard(recordOf(card)), card.did).then(
    () => true,
    () => false,
  )
}
