// How a leader that a follower does not know yet proves it is a member.

import type { EntryVerifier } from './entry-auth.ts'
import { decodeConfigChange, signingBytes } from './entry-codec.ts'
import type { Entry, Membership } from './types.ts'

/** Most config entries a membership proof may carry (bounds the signature checks it costs). */
export const MAX_PROOF_ENTRIES = 256

/**
 * A leader added after a follower's log ends is not in the follower's membership yet. It proves
 * membership with the signed config entries that added it (and whoever added it), replayed from the
 * members the follower already knows; forged or unsigned entries prove nothing.
 */
export function provenMember(
  from: string,
  proof: Entry[] | undefined,
  known: Membership,
  groupId: string,
  verifier: EntryVerifier,
): boolean {
  if (proof == null || proof.length === 0 || proof.length > MAX_PROOF_ENTRIES) return false
  const trusted = new Set([...known.voters, ...known.learners])
  for (const e of proof) {
    if (e.kind !== 'config' || !trusted.has(e.proposer)) continue
    if (!verifier.verify(e.proposer, signingBytes(groupId, e), e.signature)) continue
    const change = decodeConfigChange(e.payload)
    if (change?.type === 'add-learner') trusted.add(change.member)
    else if (change?.type === 'remove') trusted.delete(change.member)
  }
  return trusted.has(from)
}
