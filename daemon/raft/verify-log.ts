// Offline verification of a copy of a thread's log: anyone holding the entries and the group's
// genesis (id and first voters) can check that every entry is signed by a member of the group at that
// point, that membership changes follow the rules, and that the hash chain is unbroken. Changing,
// dropping, inserting or reordering any entry breaks the chain or a signature.

import { DedupeTable } from './dedupe-table.ts'
import type { EntryVerifier } from './entry-auth.ts'
import { bytesEqual, decodeConfigChange, entryHash, genesisHash } from './entry-codec.ts'
import { proposalProblem } from './entry-rules.ts'
import { applyChange } from './membership.ts'
import type { Entry, Genesis, Membership } from './types.ts'

export type VerifyResult =
  | { ok: true; entries: number; lastHash: Uint8Array; membership: Membership }
  | { ok: false; index: number; reason: string }

/** Verifies entries 1..n in order (a full copy, as `thread export` writes it). */
export function verifyLog(
  genesis: Genesis,
  entries: Iterable<Entry>,
  verifier: EntryVerifier,
  maxEntryBytes = Number.MAX_SAFE_INTEGER,
): VerifyResult {
  let membership: Membership = { voters: [...genesis.voters].sort(), learners: [] }
  let prevHash = genesisHash(genesis)
  let lastTerm = 0
  let expected = 1
  const dedupe = new DedupeTable(Number.MAX_SAFE_INTEGER)
  for (const e of entries) {
    const fail = (reason: string): VerifyResult => ({ ok: false, index: e.index, reason })
    if (e.index !== expected) return fail(`expected entry ${expected}, found ${e.index}`)
    if (!bytesEqual(e.prevHash, prevHash)) return fail('does not chain to the previous entry')
    if (!bytesEqual(e.hash, entryHash(genesis.groupId, e, e.index, e.term, prevHash)))
      return fail('hash mismatch')
    if (e.term < lastTerm) return fail(`term ${e.term} after term ${lastTerm}`)
    if (e.kind === 'noop' && e.seq !== e.term) return fail('noop signed for another term')
    const problem = proposalProblem(e, {
      groupId: genesis.groupId,
      membership,
      verifier,
      maxEntryBytes,
      dedupe,
    })
    if (problem !== undefined) return fail(problem)
    dedupe.addEntry(e)
    if (e.kind === 'config') {
      // proposalProblem has checked that the change parses and applies; this computes the result.
      const change = decodeConfigChange(e.payload)
      const next = change == null ? 'malformed config change' : applyChange(membership, change)
      if (typeof next === 'string') return fail(next)
      membership = next
    }
    prevHash = e.hash
    lastTerm = e.term
    expected++
  }
  return { ok: true, entries: expected - 1, lastHash: prevHash, membership }
}
