// The newest verified card seen per DID (from DHT records kad-dht verified, and from direct fetches),
// and the last reason a card for a DID was refused. kad-dht's `get` yields nothing until its whole
// query ends, so lookups read what its validator saw here instead (see card-dht.ts).

import { compareCards, type SignedCard } from './card-record.ts'

const MAX_AGENTS = 10_000

export interface CardCache {
  observe(card: SignedCard): void
  rejected(did: string, reason: string): void
  /** The newest unexpired card seen for `did`. */
  get(did: string, now?: number): SignedCard | undefined
  /** The highest sequence ever seen for `did` (expired or not), 0 if none. */
  highestSequence(did: string): number
  /** Why the last card seen for `did` was refused, if one was. */
  lastRejection(did: string): string | undefined
}

function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key)
  if (map.size >= max) {
    const oldest = map.keys().next().value
    if (oldest != null) map.delete(oldest)
  }
  map.set(key, value)
}

export function createCardCache(max = MAX_AGENTS): CardCache {
  const cards = new Map<string, SignedCard>()
  const rejections = new Map<string, string>()
  return {
    observe(card) {
      const prev = cards.get(card.did)
      if (prev == null || compareCards(card, prev) < 0) remember(cards, card.did, card, max)
    },
    rejected(did, reason) {
      remember(rejections, did, reason, max)
    },
    get(did, now = Date.now()) {
      const card = cards.get(did)
      return card != null && card.expires_at_ms > now ? card : undefined
    },
    highestSequence: (did) => cards.get(did)?.sequence ?? 0,
    lastRejection: (did) => rejections.get(did),
  }
}
