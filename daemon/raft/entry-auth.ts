// Who signed an entry. The core signs and verifies synchronously (it is a pure step function), so it
// takes these two small interfaces instead of the daemon's async Identity. The Ed25519 versions use
// node:crypto key objects built once per key; the simulation passes a cheaper stand-in with the same
// contract, since thousands of runs would otherwise spend their time in elliptic-curve arithmetic.

import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import { didFromPublicKeyBytes, publicKeyBytesFromDid } from '../identity/did.ts'

export interface EntrySigner {
  /** Member id the signatures are checked against (the DID in the daemon). */
  readonly id: string
  sign(data: Uint8Array): Uint8Array
}

export interface EntryVerifier {
  /** True when `signature` is `member`'s signature over `data`; false for anything malformed. */
  verify(member: string, data: Uint8Array, signature: Uint8Array): boolean
}

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url')

/** Signs as the DID of a libp2p Ed25519 key (its `raw` is the 32-byte seed then the public key). */
export function ed25519Signer(privateKey: Ed25519PrivateKey): EntrySigner {
  const publicRaw = privateKey.publicKey.raw
  const key = createPrivateKey({
    format: 'jwk',
    key: { kty: 'OKP', crv: 'Ed25519', d: b64url(privateKey.raw.subarray(0, 32)), x: b64url(publicRaw) },
  })
  return {
    id: didFromPublicKeyBytes(publicRaw),
    sign: (data) => new Uint8Array(sign(null, data, key)),
  }
}

/** Verifies against the key inside a did:key member id; parsed keys are cached per DID. */
export function ed25519DidVerifier(): EntryVerifier {
  const keys = new Map<string, KeyObject | null>()
  const keyOf = (did: string): KeyObject | null => {
    let key = keys.get(did)
    if (key === undefined) {
      try {
        const x = b64url(publicKeyBytesFromDid(did))
        key = createPublicKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', x } })
      } catch {
        key = null
      }
      if (keys.size > 10_000) keys.clear()
      keys.set(did, key)
    }
    return key
  }
  return {
    verify(member, data, signature) {
      const key = keyOf(member)
      if (key == null || signature.length !== 64) return false
      try {
        return verify(null, data, key, signature)
      } catch {
        return false
      }
    },
  }
}
