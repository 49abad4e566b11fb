import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { base58btc } from 'multiformats/bases/base58'
import { describe, expect, it } from 'vitest'
import {
  didFromPeerId,
  didFromPublicKeyBytes,
  isDid,
  peerIdFromDid,
  publicKeyBytesFromDid,
} from '../../../daemon/identity/did.ts'

const reasonOf = (fn: () => unknown): string | undefined => {
  try {
    fn()
    return undefined
  } catch (err) {
    return (err as { reason?: string }).reason
  }
}

describe('did:key <-> PeerId', () => {
  it('round-trips a generated key in both directions', async () => {
    const key = await generateKeyPair('Ed25519')
    const peerId = peerIdFromPrivateKey(key)
    const did = didFromPeerId(peerId)
    expect(did).toMatch(/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+$/)
    expect(peerIdFromDid(did).equals(peerId)).toBe(true)
    expect(publicKeyBytesFromDid(did)).toEqual(key.publicKey.raw)
    expect(didFromPublicKeyBytes(key.publicKey.raw)).toBe(did)
  })

  it('matches the did:key spec test vector', () => {
    // From the W3C did:key spec (Ed25519 example).
    const did = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp'
    expect(isDid(did)).toBe(true)
    expect(peerIdFromDid(did).toString()).toMatch(/^12D3KooW/)
    expect(didFromPeerId(peerIdFromDid(did))).toBe(did)
  })

  it.each([
    ['empty', ''],
    ['wrong method', 'did:web:example.com'],
    ['not base58btc', 'did:key:f6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp'],
    ['invalid base58 characters', 'did:key:z0OIl'],
    ['secp256k1 multicodec', `did:key:${base58btc.encode(Uint8Array.of(0xe7, 0x01, ...new Uint8Array(33)))}`],
    ['short key', `did:key:${base58btc.encode(Uint8Array.of(0xed, 0x01, ...new Uint8Array(31)))}`],
    ['long key', `did:key:${base58btc.encode(Uint8Array.of(0xed, 0x01, ...new Uint8Array(33)))}`],
  ])('rejects %s with INVALID_DID', (_label, did) => {
    expect(isDid(did)).toBe(false)
    expect(reasonOf(() => peerIdFromDid(did))).toBe('INVALID_DID')
  })

  it('rejects peer ids of non-Ed25519 keys', async () => {
    const key = await generateKeyPair('secp256k1')
    expect(reasonOf(() => didFromPeerId(peerIdFromPrivateKey(key)))).toBe('INVALID_DID')
  })
})
