// Agent card and discovery RPCs of A2ANode: proto <-> card records, nothing else.

import type { A2ANodeService } from '../../clients/ts/gen/moltmesh/v1/a2a.ts'
import { type AgentCard, type Skill, Visibility } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import type { CardSkill, SignedCard } from '../cards/card-record.ts'
import type { CardsService } from '../cards/cards-service.ts'
import type { LocalCardContent, LocalSkill } from '../cards/local-card.ts'
import type { DemandStore } from '../discovery/demand-store.ts'
import type { FindAgents } from '../discovery/find-agents.ts'
import { invalidArgument } from '../errors/moltmesh-error.ts'
import type { ServiceHandlers } from './service-types.ts'

export interface CardsAdapterDeps {
  cards: CardsService
  findAgents: FindAgents
  demand: DemandStore
  /** DID for a DID or a claimed name. */
  resolveTarget: (didOrName: string) => Promise<string>
  /** A name the local agent holds, shown with its own card. */
  ownName: () => Promise<string>
  selfDid: string
}

const VISIBILITY_NAMES: Record<LocalSkill['visibility'], Visibility> = {
  public: Visibility.VISIBILITY_PUBLIC,
  whitelist: Visibility.VISIBILITY_WHITELIST,
  private: Visibility.VISIBILITY_PRIVATE,
}

function visibilityOf(v: Visibility): LocalSkill['visibility'] {
  if (v === Visibility.VISIBILITY_WHITELIST) return 'whitelist'
  if (v === Visibility.VISIBILITY_PRIVATE) return 'private'
  if (v === Visibility.VISIBILITY_PUBLIC || v === Visibility.VISIBILITY_UNSPECIFIED) return 'public'
  throw invalidArgument('INVALID_CARD', `unknown skill visibility ${v}`)
}

export function skillProto(s: CardSkill): Skill {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    tags: s.tags,
    inputSchemaJson: s.input_schema,
    outputSchemaJson: s.output_schema,
    price: s.price,
    visibility: VISIBILITY_NAMES[s.visibility],
    allowedDids: [],
  }
}

export function cardProto(card: SignedCard, claimedName = ''): AgentCard {
  return {
    did: card.did,
    name: card.name,
    description: card.description,
    skills: card.skills.map(skillProto),
    addresses: card.addresses,
    protocols: card.protocols,
    sequence: card.sequence,
    publishedAtMs: card.published_at_ms,
    expiresAtMs: card.expires_at_ms,
    signature: card.sig,
    claimedName,
  }
}

/** Runtime card content from a request; `null` (empty card) means "back to moltbook.toml". */
function contentOf(card: AgentCard | undefined): LocalCardContent | null {
  if (card == null || (card.name === '' && card.description === '' && card.skills.length === 0)) return null
  return {
    name: card.name,
    description: card.description,
    skills: card.skills.map(localSkillOf),
  }
}

/** A skill from a request, in the daemon's local shape. */
export function localSkillOf(s: Skill): LocalSkill {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    tags: s.tags,
    inputSchema: s.inputSchemaJson,
    outputSchema: s.outputSchemaJson,
    price: s.price,
    visibility: visibilityOf(s.visibility),
    allowedDids: s.allowedDids,
  }
}

export function cardsAdapter(d: CardsAdapterDeps) {
  const withName = async (card: SignedCard) =>
    cardProto(card, card.did === d.selfDid ? await d.ownName() : '')
  return {
    publishAgentCard: async (req) => {
      if (req.ttlMs < 0) throw invalidArgument('INVALID_ARGUMENT', 'ttl_ms must not be negative')
      if (req.ttlMs > 0 && req.ttlMs < 1_000)
        throw invalidArgument('INVALID_ARGUMENT', 'ttl_ms must be at least 1000')
      const card = await d.cards.publish(contentOf(req.card), req.ttlMs)
      return { card: await withName(card) }
    },
    getAgentCard: async (req) => {
      const did = req.did === '' ? d.selfDid : await d.resolveTarget(req.did)
      return { card: await withName(await d.cards.resolve(did, req.timeoutMs)) }
    },
    async *findAgents(req, ctx) {
      for await (const found of d.findAgents(
        { capability: req.capability, tags: req.tags, limit: req.limit, timeoutMs: req.timeoutMs },
        ctx.signal,
      )) {
        yield {
          card: cardProto(found.card),
          skill: skillProto(found.skill),
          score: found.score,
          connected: found.connected,
        }
      }
    },
    listDemand: async () => ({ entries: await d.demand.list() }),
  } satisfies ServiceHandlers<typeof A2ANodeService>
}
