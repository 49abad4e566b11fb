import { generateKeyPair } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { didFromPublicKeyBytes, verifyDidSignature } from '../../../daemon/identity/did.ts'
import { createIdentity } from '../../../daemon/identity/identity.ts'
import { cachedPublicKeys, PUBLIC_KEY_CACHE_SIZE } from '../../../daemon/identity/key-objects.ts'

const data = new TextEncoder().encode('signed bytes')

describe('cached Ed25519 key objects', () => {
  it('signs like libp2p and verifies libp2p signatures with the cached key', async () => {
    const key = await generateKeyPair('Ed25519')
    const identity = createIdentity(key)
    const ours = await identity.sign(data)
    expect(Buffer.from(ours)).toEqual(Buffer.from(await key.sign(data))) // Ed25519 is deterministic
    expect(await key.publicKey.verify(data, ours)).toBe(true)
    for (let i = 0; i < 3; i++) expect(await verifyDidSignature(identity.did, data, ours)).toBe(true)
  })

  it('refuses a wrong signature, wrong data, another key, a short signature and a malformed DID', async () => {
    const key = await generateKeyPair('Ed25519')
    const other = await generateKeyPair('Ed25519')
    const did = didFromPublicKeyBytes(key.publicKey.raw)
    const signature = await key.sign(data)
    const flipped = Uint8Array.from(signature)
    flipped[0] = (flipped[0] as number) ^ 1
    expect(await verifyDidSignature(did, data, flipped)).toBe(false)
    expect(await verifyDidSignature(did, new TextEncoder().encode('other'), signature)).toBe(false)
    expect(await verifyDidSignature(didFromPublicKeyBytes(other.publicKey.raw), data, signature)).toBe(false)
    expect(await verifyDidSignature(did, data, signature.subarray(0, 63))).toBe(false)
    expect(await verifyDidSignature('did:key:zNotAKey', data, signature)).toBe(false)
    // The same key verifies again after the failures (nothing bad was cached for it).
    expect(await verifyDidSignature(did, data, signature)).toBe(true)
  })

  it('keeps at most PUBLIC_KEY_CACHE_SIZE keys', async () => {
    const key = await generateKeyPair('Ed25519')
    const signature = await key.sign(data)
    for (let i = 0; i < PUBLIC_KEY_CACHE_SIZE + 50; i++)
      await verifyDidSignature(`did:key:zBad${i}`, data, signature)
    expect(cachedPublicKeys()).toBe(PUBLIC_KEY_CACHE_SIZE)
  })
})
