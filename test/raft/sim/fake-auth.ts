// A stand-in for Ed25519 in the simulation: a member's "signature" is a keyed hash under a secret only
// that member's signer knows. It has the same contract (only the holder can sign, anyone with the
// keyring can check) at a fraction of the cost, so thousands of runs stay fast. Ed25519 itself is
// exercised by the unit tests and by the long runs that pass `realCrypto`.

import { createHmac } from 'node:crypto'
import type { EntrySigner, EntryVerifier } from '../../../daemon/raft/entry-auth.ts'

const secretOf = (member: string): string => `secret-of-${member}`

export function fakeSigner(member: string): EntrySigner {
  return { id: member, sign: (data) => mac(secretOf(member), data) }
}

export function fakeVerifier(): EntryVerifier {
  return {
    verify(member, data, signature) {
      const expected = mac(secretOf(member), data)
      if (expected.length !== signature.length) return false
      for (let i = 0; i < expected.length; i++) if (expected[i] !== signature[i]) return false
      return true
    },
  }
}

function mac(secret: string, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', secret).update(data).digest())
}
