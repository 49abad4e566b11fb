// What makes an entry acceptable: one set of rules for the leader (before appending a proposal), for
// followers (before accepting an entry from the leader) and for offline verification of a copy.

import { DedupeTable } from './dedupe-table.ts'
import type { EntryVerifier } from './entry-auth.ts'
import { decodeConfigChange, signingBytes } from './entry-codec.ts'
import { applyChange, isMember } from './membership.ts'
import type { Membership, SignedProposal } from './types.ts'

export interface EntryContext {
  groupId: string
  /** Membership in effect where the entry goes (after every earlier entry). */
  membership: Membership
  verifier: EntryVerifier
  maxEntryBytes: number
  dedupe: DedupeTable
}

/** Why the signed proposal may not join the log at this point, or undefined when it may. */
export function proposalProblem(p: SignedProposal, ctx: EntryContext): string | undefined {
  if (p.payload.length > ctx.maxEntryBytes) return `payload over ${ctx.maxEntryBytes} bytes`
  if (!isMember(ctx.membership, p.proposer)) return `proposer ${p.proposer} is not a member`
  if (p.kind === 'noop') {
    if (p.client !== '' || p.payload.length > 0) return 'malformed noop'
  } else if (p.kind === 'data' || p.kind === 'config') {
    if (p.client === '' || !Number.isSafeInteger(p.seq) || p.seq < 1) return 'needs a client id and seq >= 1'
  } else {
    return `unknown kind ${String(p.kind)}`
  }
  if (!ctx.verifier.verify(p.proposer, signingBytes(ctx.groupId, p), p.signature)) return 'bad signature'
  if (p.kind === 'config') {
    const change = decodeConfigChange(p.payload)
    if (change == null) return 'malformed config change'
    const next = applyChange(ctx.membership, change)
    if (typeof next === 'string') return next
  }
  if (DedupeTable.applies(p) && ctx.dedupe.lookup(p.client, p.seq).state === 'present') {
    return `duplicate of (${p.client}, ${p.seq})`
  }
  return undefined
}
