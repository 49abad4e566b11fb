// node:crypto key objects for Ed25519, built once per key. @libp2p/crypto's sign and verify rebuild a
// KeyObject from JWK on every call (a base64url encode and a key parse), which was a visible share of
// every inbound envelope's cost; the receiver checks the same few senders' keys over and over.

import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto'

/** Parsed public keys kept (least recently used dropped first): more than the peers a daemon talks to. */
export const PUBLIC_KEY_CACHE_SIZE = 1024

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url')

/** A bounded least-recently-used map (a Map keeps insertion order; a hit is moved to the end). */
function lru<V>(max: number) {
  const map = new Map<string, V>()
  return {
    get(key: string): V | undefined {
      const v = map.get(key)
      if (v !== undefined) {
        map.delete(key)
        map.set(key, v)
      }
      return v
    },
    set(key: string, v: V): void {
      map.delete(key)
      map.set(key, v)
      if (map.size > max) map.delete(map.keys().next().value as string)
    },
    get size() {
      return map.size
    },
  }
}

/** Name of a key (a DID) -> its key, or null when it holds no valid Ed25519 key (a peer may repeat it). */
const publicKeys = lru<KeyObject | null>(PUBLIC_KEY_CACHE_SIZE)

function publicKeyOf(name: string, rawOf: (name: string) => Uint8Array): KeyObject | null {
  let key = publicKeys.get(name)
  if (key === undefined) {
    try {
      key = createPublicKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', x: b64url(rawOf(name)) } })
    } catch {
      key = null
    }
    publicKeys.set(name, key)
  }
  return key
}

/** How many parsed public keys are cached (for tests). */
export const cachedPublicKeys = (): number => publicKeys.size

/**
 * True when `signature` is the Ed25519 signature over `data` of the key named `name` (a DID), whose
 * raw 32 bytes `rawOf` gives (it may throw for a malformed name); false on any malformed input.
 */
export function verifyWithCachedKey(
  name: string,
  rawOf: (name: string) => Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const key = publicKeyOf(name, rawOf)
  if (key == null || signature.length !== 64) return false
  try {
    return verify(null, data, key, signature)
  } catch {
    return false
  }
}

/** A signing function over one Ed25519 key (its 32-byte seed and 32-byte public key). */
export function ed25519Sign(seed: Uint8Array, publicKey: Uint8Array): (data: Uint8Array) => Uint8Array {
  const key = createPrivateKey({
    format: 'jwk',
    key: { kty: 'OKP', crv: 'Ed25519', d: b64url(seed), x: b64url(publicKey) },
  })
  return (data) => new Uint8Array(sign(null, data, key))
}
