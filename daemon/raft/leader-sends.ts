// Which of a leader's messages may leave before its own write of the same step completes.
//
// The Raft paper (10.2.1) lets a leader replicate its entries while it writes them to its own disk,
// provided it counts itself towards a majority only for entries it has made durable. The core counts
// the leader's whole log, so the shell keeps the rule at the edge: a leader's appends leave at once
// (the followers' writes then overlap with the leader's), but the commit index they carry is held to
// the leader's durable log: an index at or below its last durable entry was committed by a majority
// of durable copies (the leader's own and the followers' whose answers the core counted, which can
// only acknowledge entries they received before, i.e. durable ones); above it, the commit may rest on
// an entry only in the leader's memory (a one-member group commits that way). Such an append leaves
// now with the lower commit index, and an empty append with the real one (continuing it) is sent once
// the write is done. The term must be durable too: a leader of a term it has not written yet could
// forget it after a crash and vote again in it (with this core that cannot happen: a candidate's vote
// requests wait for the write of its term; checked anyway, it costs nothing). Everything else (votes, answers to forwards and
// reads, messages of another term) waits for the write as before.

import type { AppendMessage, RaftMessage } from './types.ts'

export interface LeaderDurability {
  /** The member is the leader now. */
  leader: boolean
  /** Term of its last completed write (the current term once that write is done). */
  durableTerm: number
  /** Index of the last entry of its last completed write. */
  durableLast: number
}

export interface LeaderSends {
  /** Send these now, before the write completes. */
  now: RaftMessage[]
  /** Send these once it has completed, in this order. */
  afterWrite: RaftMessage[]
}

export function leaderSends(messages: RaftMessage[], d: LeaderDurability): LeaderSends {
  if (!d.leader) return { now: [], afterWrite: messages }
  const now: RaftMessage[] = []
  const commitUpdates: AppendMessage[] = []
  const rest: RaftMessage[] = []
  for (const m of messages) {
    if (m.type !== 'append' || m.term !== d.durableTerm) {
      rest.push(m)
      continue
    }
    if (m.commit <= d.durableLast) {
      now.push(m)
      continue
    }
    now.push({ ...m, commit: d.durableLast })
    const last = m.entries.at(-1)
    const update: AppendMessage = {
      ...m,
      prevIndex: last?.index ?? m.prevIndex,
      prevTerm: last?.term ?? m.prevTerm,
      entries: [],
    }
    commitUpdates.push(update)
  }
  return { now, afterWrite: [...commitUpdates, ...rest] }
}
