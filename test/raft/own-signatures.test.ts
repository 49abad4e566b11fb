import { generateKeyPair } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { type EntryVerifier, ed25519DidVerifier, ed25519Signer } from '../../daemon/raft/entry-auth.ts'
import { rememberOwnSignatures } from '../../daemon/raft/own-signatures.ts'

describe('rememberOwnSignatures', () => {
  it('answers its own signature over the signed bytes without the curve, and checks everything else', async () => {
    const me = ed25519Signer(await generateKeyPair('Ed25519'))
    const other = ed25519Signer(await generateKeyPair('Ed25519'))
    const real = ed25519DidVerifier()
    let curve = 0
    const counting: EntryVerifier = {
      verify: (m, d, s) => {
        curve++
        return real.verify(m, d, s)
      },
    }
    const own = rememberOwnSignatures(me, counting, 2)
    const data = new TextEncoder().encode('entry bytes')
    const sig = own.signer.sign(data)
    expect(own.signer.id).toBe(me.id)
    expect(own.verifier.verify(me.id, data, sig)).toBe(true)
    expect(curve).toBe(0)
    // The same signature over other bytes, or claimed for another member: checked, and refused.
    const altered = Uint8Array.from(data)
    altered[0] = (altered[0] as number) ^ 1
    expect(own.verifier.verify(me.id, altered, sig)).toBe(false)
    expect(own.verifier.verify(other.id, data, sig)).toBe(false)
    expect(curve).toBe(2)
    // Another member's valid signature is verified normally.
    expect(own.verifier.verify(other.id, data, other.sign(data))).toBe(true)
    expect(curve).toBe(3)
    // Changing the caller's buffer after signing does not change what was remembered.
    const buffer = new TextEncoder().encode('reused buffer')
    const sig2 = own.signer.sign(buffer)
    buffer[0] = 0
    expect(own.verifier.verify(me.id, buffer, sig2)).toBe(false)
    // Forgotten beyond capacity: then verified for real (still true).
    own.signer.sign(new TextEncoder().encode('third'))
    own.signer.sign(new TextEncoder().encode('fourth'))
    const before = curve
    expect(own.verifier.verify(me.id, data, sig)).toBe(true)
    expect(curve).toBe(before + 1)
  })
})
