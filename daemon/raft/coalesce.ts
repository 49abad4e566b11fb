// Coalescing of outgoing appends: what a member sends after one group commit, per recipient.
//
// The core sends an append for every proposal it takes (up to its in-flight limit) and an empty one
// for every commit advance. Stepped in one batch, 16 proposals make 16 appends per follower, each one
// a frame, a step, a storage write and an answer over there. An append that directly continues the
// previous message to the same follower (same term, its prevIndex/prevTerm are that message's last
// entry) carries nothing that the two did not carry together, so they travel as one: the follower
// stores the entries of both in one write and answers once, with the index of the last entry, which
// acknowledges both to the leader. The commit index and the read-index round are the later message's
// (a leader's commit index only grows within a term). Nothing else is merged or reordered: each
// message still leaves after every message sent before it to that member.

import type { AppendMessage, Entry, RaftMessage } from './types.ts'

export interface CoalesceLimits {
  /** Most entries in one merged append. */
  maxEntries: number
  /** Most payload bytes in one merged append (a single larger entry still goes alone). */
  maxBytes: number
}

export const DEFAULT_COALESCE_LIMITS: CoalesceLimits = { maxEntries: 512, maxBytes: 1024 * 1024 }

function lastOf(m: AppendMessage): { index: number; term: number } {
  const last = m.entries.at(-1)
  return last == null ? { index: m.prevIndex, term: m.prevTerm } : { index: last.index, term: last.term }
}

const payloadBytes = (entries: Entry[]): number => entries.reduce((n, e) => n + e.payload.length, 0)

/** Messages in send order, with each append merged into the previous message to the same member when
 *  it continues it. The input is not changed. */
export function coalesceAppends(
  messages: RaftMessage[],
  limits: CoalesceLimits = DEFAULT_COALESCE_LIMITS,
): RaftMessage[] {
  if (messages.length < 2) return messages
  const out: RaftMessage[] = []
  /** Position in `out` of the last message to each member, and its payload bytes when an append. */
  const lastTo = new Map<string, { at: number; bytes: number }>()
  for (const m of messages) {
    const prev = lastTo.get(m.to)
    const before = prev == null ? undefined : out[prev.at]
    if (m.type === 'append' && before?.type === 'append' && prev != null && before.term === m.term) {
      const end = lastOf(before)
      const bytes = prev.bytes + payloadBytes(m.entries)
      const fits =
        before.entries.length + m.entries.length <= limits.maxEntries &&
        (m.entries.length === 0 || bytes <= limits.maxBytes)
      if (end.index === m.prevIndex && end.term === m.prevTerm && fits) {
        const merged: AppendMessage = {
          ...m,
          prevIndex: before.prevIndex,
          prevTerm: before.prevTerm,
          entries: m.entries.length === 0 ? before.entries : [...before.entries, ...m.entries],
        }
        const proof = m.proof ?? before.proof
        if (proof != null) merged.proof = proof
        else delete merged.proof
        out[prev.at] = merged
        lastTo.set(m.to, { at: prev.at, bytes })
        continue
      }
    }
    lastTo.set(m.to, { at: out.length, bytes: m.type === 'append' ? payloadBytes(m.entries) : 0 })
    out.push(m)
  }
  return out
}
