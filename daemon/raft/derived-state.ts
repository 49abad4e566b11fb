// State a member derives from its snapshot and log rather than stores: the membership (and the
// memberships each config entry set), the latest add/remove entry per member (membership proofs) and
// the dedupe table. It is rebuilt after a restart, a truncation or an installed snapshot.

import { DedupeTable } from './dedupe-table.ts'
import { decodeConfigChange, sortedMembership } from './entry-codec.ts'
import { applyChange } from './membership.ts'
import type { RaftLog } from './raft-log.ts'
import type { Entry, Membership } from './types.ts'

export interface DerivedState {
  config: Membership
  /** Memberships set by config entries after the snapshot, oldest first. */
  configs: { index: number; membership: Membership }[]
  memberChanges: Map<string, Entry>
  dedupe: DedupeTable
}

/** Updates membership, proofs and the dedupe table for an entry that joins the log. */
export function noteEntry(d: DerivedState, e: Entry): void {
  d.dedupe.addEntry(e)
  if (e.kind !== 'config') return
  const change = decodeConfigChange(e.payload)
  if (change == null) return
  const next = applyChange(d.config, change)
  if (typeof next === 'string') return
  // A configuration takes effect as soon as it is in the log, committed or not (thesis 4.1).
  d.config = next
  d.configs.push({ index: e.index, membership: next })
  if (change.type !== 'promote') d.memberChanges.set(change.member, e)
}

/** The derived state after entry `upTo`, replayed from the snapshot and the log. */
export function deriveState(log: RaftLog, upTo: number, dedupeWindow: number | undefined): DerivedState {
  const meta = log.snapshot
  const d: DerivedState = {
    config: sortedMembership(meta.membership),
    configs: [],
    memberChanges: new Map(),
    dedupe: new DedupeTable(dedupeWindow),
  }
  for (const e of meta.memberChanges) {
    const change = decodeConfigChange(e.payload)
    if (change != null) d.memberChanges.set(change.member, e)
  }
  for (const r of meta.dedupe) d.dedupe.add(r)
  for (const e of log.slice(log.firstIndex(), upTo)) noteEntry(d, e)
  return d
}
