// A member does not check its own signatures with elliptic-curve arithmetic. A follower proposes an
// entry (signs it, forwards it to the leader) and then receives it back in the leader's append, where
// every entry is verified: in a 3-member thread that is a third of a follower's verifications, spent
// on signatures it made itself a moment ago. The member remembers the bytes it signed by signature; a
// check of its own signature over exactly those bytes answers true without the curve. That is the
// answer the real check gives (a signature is valid over what was signed), so nothing is trusted that
// was not checked: an entry the leader altered, or a signature moved onto other bytes, misses the
// cache and is verified normally (and refused).

import type { EntrySigner, EntryVerifier } from './entry-auth.ts'

/** Signatures remembered per member (the oldest are forgotten first). */
const CAPACITY = 1024

const key = (signature: Uint8Array): string => Buffer.from(signature).toString('base64')

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export function rememberOwnSignatures(
  signer: EntrySigner,
  verifier: EntryVerifier,
  capacity = CAPACITY,
): { signer: EntrySigner; verifier: EntryVerifier } {
  const signed = new Map<string, Uint8Array>()
  return {
    signer: {
      id: signer.id,
      sign(data) {
        const signature = signer.sign(data)
        signed.set(key(signature), Uint8Array.from(data))
        if (signed.size > capacity) signed.delete(signed.keys().next().value as string)
        return signature
      },
    },
    verifier: {
      verify(member, data, signature) {
        if (member === signer.id) {
          const bytes = signed.get(key(signature))
          if (bytes != null && sameBytes(bytes, data)) return true
        }
        return verifier.verify(member, data, signature)
      },
    },
  }
}
