// kad-dht validator and selector for /mm-card/<did>. The validator runs on every record this node
// stores (incoming PUT), reads locally, or receives in a lookup: valid cards feed the card cache,
// refused ones are logged and counted as hostile input. kad-dht stores an incoming PUT without asking
// the selector, so the validator itself refuses a card older than one this node has already seen:
// a replayed old version cannot overwrite the newer one here.

import type { SelectFn, ValidateFn } from '@libp2p/kad-dht'
import { type ReasonCode, reasonOf, refused } from '../errors/moltmesh-error.ts'
import type { CardCache } from './card-cache.ts'
import { CARD_NAMESPACE, compareCards, decodeCard, didOfCardKey, type SignedCard } from './card-record.ts'

export const selectCardRecord: SelectFn = async (key, records) => {
  const did = didOfCardKey(key)
  let best = -1
  let bestCard: SignedCard | undefined
  for (const [i, bytes] of records.entries()) {
    const card = await decodeCard(bytes, did).catch(() => undefined)
    if (card == null) continue
    if (bestCard == null || compareCards(card, bestCard) < 0) {
      best = i
      bestCard = card
    }
  }
  return Math.max(0, best)
}

export function cardDhtHooks(
  cache: CardCache,
  onReject: (did: string, reason: ReasonCode) => void,
): { validators: Record<string, ValidateFn>; selectors: Record<string, SelectFn> } {
  const validate: ValidateFn = async (key, value) => {
    const did = didOfCardKey(key)
    try {
      const card = await decodeCard(value, did)
      if (card.sequence < cache.highestSequence(did))
        throw refused('CARD_REPLAYED', `card sequence ${card.sequence} is older than one seen before`)
      cache.observe(card)
    } catch (err) {
      // decodeCard throws only coded refusals; anything else is a bug, counted as such.
      const reason = reasonOf(err) ?? 'INTERNAL'
      cache.rejected(did, reason)
      onReject(did, reason)
      throw err
    }
  }
  return { validators: { [CARD_NAMESPACE]: validate }, selectors: { [CARD_NAMESPACE]: selectCardRecord } }
}
