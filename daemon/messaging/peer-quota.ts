// Per-peer inbox quotas: one peer may keep only so many unacknowledged messages (and bytes) here, more
// if this agent has worked with it, and all peers it has not worked with together may fill only a
// share of the inbox, so a flooder (or a swarm of fresh identities) cannot crowd out real contacts.
// Over quota the sender is told to retry later: nothing it sent is dropped.

import type { InboxStore } from './inbox-store.ts'

export interface PeerQuotaOptions {
  peerMaxUnackedMessages: number
  peerMaxUnackedBytes: number
  knownPeerQuotaMultiplier: number
  strangersInboxSharePercent: number
  inboxMaxMessages: number
}

export interface QuotaRefusal {
  reason: 'PEER_QUOTA_EXCEEDED' | 'INBOX_FULL'
  detail: string
}

/** How long the strangers' total is reused before it is counted again from the per-sender table. */
const STRANGERS_RECOUNT_MS = 1_000
const RECOUNT_BEFORE_REFUSAL_MS = 50

export function createPeerQuota(
  o: PeerQuotaOptions,
  inbox: Pick<InboxStore, 'unackedFrom' | 'unacked'>,
  isKnown: (did: string) => boolean,
) {
  let strangers = 0
  let countedAt = Number.NEGATIVE_INFINITY

  function strangersPending(now: number): number {
    if (now - countedAt >= STRANGERS_RECOUNT_MS) {
      strangers = 0
      for (const [did, p] of inbox.unacked().bySender) if (!isKnown(did)) strangers += p.messages
      countedAt = now
    }
    return strangers
  }

  return {
    /** Why one more message of `bytes` from `from` must wait, if it must. */
    check(from: string, bytes: number, now = Date.now()): QuotaRefusal | undefined {
      const known = isKnown(from)
      const factor = known ? o.knownPeerQuotaMultiplier : 1
      const used = inbox.unackedFrom(from)
      if (used.messages + 1 > o.peerMaxUnackedMessages * factor)
        return { reason: 'PEER_QUOTA_EXCEEDED', detail: `${used.messages} unacknowledged messages` }
      if (used.bytes + bytes > o.peerMaxUnackedBytes * factor)
        return { reason: 'PEER_QUOTA_EXCEEDED', detail: `${used.bytes} unacknowledged bytes` }
      if (!known) {
        const share = Math.floor((o.inboxMaxMessages * o.strangersInboxSharePercent) / 100)
        // A stale count may still hold messages acknowledged since: recount before refusing.
        if (strangersPending(now) + 1 > share && now - countedAt >= RECOUNT_BEFORE_REFUSAL_MS)
          countedAt = Number.NEGATIVE_INFINITY
        if (strangersPending(now) + 1 > share)
          return { reason: 'INBOX_FULL', detail: `peers not worked with fill their ${share}-message share` }
      }
      return undefined
    },
    /** Counts an accepted message from a stranger until the next recount. */
    stored(from: string): void {
      if (!isKnown(from)) strangers++
    },
  }
}

export type PeerQuota = ReturnType<typeof createPeerQuota>
