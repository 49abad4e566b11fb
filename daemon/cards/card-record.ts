// Signed agent cards, stored in the DHT under /mm-card/<did>. JCS-canonical JSON signed with the
// agent's Ed25519 key; every field is covered by the signature. Whitelist skills are published without
// their allow-list (who may call is the provider's business); private skills are never published.

import canonicalize from 'canonicalize'
import { type RecordReason, refused } from '../errors/moltmesh-error.ts'
import { isDid, verifyDidSignature } from '../identity/did.ts'
import type { Identity } from '../identity/identity.ts'
import { strictText } from '../wire/strict-utf8.ts'
import { isCapability, normalizeCapability } from './capability.ts'

export const CARD_NAMESPACE = 'mm-card'
export const MAX_CARD_BYTES = 16 * 1024
const MAX_SKILLS = 64
const MAX_LIST = 32
const MAX_TEXT = 2048

export type PublishedVisibility = 'public' | 'whitelist'

export interface CardSkill {
  id: string
  name: string
  description: string
  tags: string[]
  input_schema: string
  output_schema: string
  /** Decimal string in credits; "0" = free. */
  price: string
  visibility: PublishedVisibility
}

export interface CardContent {
  name: string
  description: string
  skills: CardSkill[]
  addresses: string[]
  protocols: string[]
}

export interface AgentCardRecord extends CardContent {
  v: 1
  type: 'moltmesh.card'
  did: string
  sequence: number
  published_at_ms: number
  expires_at_ms: number
}

export interface SignedCard extends AgentCardRecord {
  /** base64url Ed25519 signature over the JCS form of the other fields. */
  sig: string
}

export function cardKey(did: string): Uint8Array {
  return new TextEncoder().encode(`/${CARD_NAMESPACE}/${did}`)
}

export function didOfCardKey(key: Uint8Array): string {
  return new TextDecoder().decode(key).slice(CARD_NAMESPACE.length + 2)
}

function signingBytes(card: AgentCardRecord): Uint8Array {
  const { v, type, did, name, description, skills, addresses, protocols } = card
  const { sequence, published_at_ms, expires_at_ms } = card
  return new TextEncoder().encode(
    canonicalize({
      v,
      type,
      did,
      name,
      description,
      skills,
      addresses,
      protocols,
      sequence,
      published_at_ms,
      expires_at_ms,
    }),
  )
}

export async function signCard(
  identity: Identity,
  content: CardContent,
  meta: { sequence: number; published_at_ms: number; expires_at_ms: number },
): Promise<SignedCard> {
  const card: AgentCardRecord = { v: 1, type: 'moltmesh.card', did: identity.did, ...content, ...meta }
  const sig = Buffer.from(await identity.sign(signingBytes(card))).toString('base64url')
  return { ...card, sig }
}

export function encodeCard(card: SignedCard): Uint8Array {
  return new TextEncoder().encode(canonicalize(card))
}

/** Why a card was refused; the `reason` of the thrown MoltmeshError. */
export type CardRejection = Extract<RecordReason, `CARD_${string}`>

const isStr = (v: unknown, max = MAX_TEXT): v is string => typeof v === 'string' && v.length <= max
const isStrList = (v: unknown, max = MAX_LIST): v is string[] =>
  Array.isArray(v) && v.length <= max && v.every((s) => isStr(s, 512))

/** Published cards carry capabilities in normalised short form only. */
const isNormalized = (s: string) => isCapability(s) && normalizeCapability(s) === s

function wellFormedSkill(s: unknown): s is CardSkill {
  const k = s as CardSkill
  return (
    k != null &&
    typeof k === 'object' &&
    isStr(k.id, 80) &&
    isNormalized(k.id) &&
    isStr(k.name, 256) &&
    isStr(k.description) &&
    isStrList(k.tags) &&
    k.tags.every(isNormalized) &&
    isStr(k.input_schema, 8192) &&
    isStr(k.output_schema, 8192) &&
    isStr(k.price, 40) &&
    /^\d{1,18}(\.\d{1,6})?$/.test(k.price) &&
    (k.visibility === 'public' || k.visibility === 'whitelist')
  )
}

function wellFormed(c: SignedCard): boolean {
  return (
    c != null &&
    typeof c === 'object' &&
    c.v === 1 &&
    c.type === 'moltmesh.card' &&
    isStr(c.did, 128) &&
    isDid(c.did) &&
    isStr(c.sig, 128) &&
    isStr(c.name, 256) &&
    isStr(c.description) &&
    Array.isArray(c.skills) &&
    c.skills.length <= MAX_SKILLS &&
    c.skills.every(wellFormedSkill) &&
    isStrList(c.addresses) &&
    isStrList(c.protocols) &&
    Number.isSafeInteger(c.sequence) &&
    c.sequence > 0 &&
    Number.isSafeInteger(c.published_at_ms) &&
    Number.isSafeInteger(c.expires_at_ms)
  )
}

/**
 * Parses and fully verifies a card; `did` (when given) is the DID it must belong to (the DHT key or
 * the authenticated peer). Throws a MoltmeshError whose reason is a CardRejection.
 */
export async function decodeCard(bytes: Uint8Array, did?: string, now = Date.now()): Promise<SignedCard> {
  if (bytes.length > MAX_CARD_BYTES) throw refused('CARD_TOO_LARGE', `card over ${MAX_CARD_BYTES} bytes`)
  let c: SignedCard
  try {
    c = JSON.parse(strictText(bytes)) as SignedCard
  } catch {
    throw refused('CARD_MALFORMED', 'card is not JSON')
  }
  if (!wellFormed(c)) throw refused('CARD_MALFORMED', 'a card field is missing or has a wrong type')
  if (did != null && c.did !== did) throw refused('CARD_KEY_MISMATCH', `the card is not that of ${did}`)
  if (c.expires_at_ms <= now) throw refused('CARD_EXPIRED', 'the card has expired')
  if (!(await verifyDidSignature(c.did, signingBytes(c), Buffer.from(c.sig, 'base64url'))))
    throw refused('CARD_SIGNATURE_INVALID', "the card's signature does not verify")
  return c
}

/** Newer first: the highest sequence wins, then the later publication. */
export function compareCards(a: SignedCard, b: SignedCard): number {
  if (a.sequence !== b.sequence) return b.sequence - a.sequence
  return b.published_at_ms - a.published_at_ms
}
