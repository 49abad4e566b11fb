// Pure conversions between did:key (Ed25519), libp2p peer ids and raw public keys.
//
// A moltmesh agent's DID and its libp2p PeerId are two encodings of the same Ed25519 public key, so
// converting between them needs no network and no state. Validation is strict: anything that is not
// exactly a did:key with the ed25519-pub multicodec and a 32-byte key is rejected with INVALID_DID.

import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { Ed25519PublicKey, PeerId } from '@libp2p/interface'
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id'
import { base58btc } from 'multiformats/bases/base58'
import { invalidArgument } from '../errors/moltmesh-error.ts'
import { verifyWithCachedKey } from './key-objects.ts'

const DID_KEY_PREFIX = 'did:key:'
// multicodec ed25519-pub (0xed) as an unsigned varint: 0xed 0x01.
const ED25519_MULTICODEC = Uint8Array.of(0xed, 0x01)
const ED25519_KEY_LENGTH = 32

/** Encodes a raw 32-byte Ed25519 public key as `did:key:z6Mk…`. */
export function didFromPublicKeyBytes(raw: Uint8Array): string {
  if (raw.length !== ED25519_KEY_LENGTH) {
    throw invalidArgument(
      'INVALID_DID',
      `an Ed25519 public key has ${ED25519_KEY_LENGTH} bytes, got ${raw.length}`,
    )
  }
  const bytes = new Uint8Array(ED25519_MULTICODEC.length + raw.length)
  bytes.set(ED25519_MULTICODEC, 0)
  bytes.set(raw, ED25519_MULTICODEC.length)
  return DID_KEY_PREFIX + base58btc.encode(bytes)
}

/** Decodes a did:key into the raw 32-byte Ed25519 public key, rejecting anything else. */
export function publicKeyBytesFromDid(did: string): Uint8Array {
  if (typeof did !== 'string' || !did.startsWith(DID_KEY_PREFIX)) {
    throw invalidArgument('INVALID_DID', `not a did:key DID: "${truncate(did)}" (expected did:key:z6Mk…)`)
  }
  const multibase = did.slice(DID_KEY_PREFIX.length)
  if (!multibase.startsWith('z')) {
    throw invalidArgument(
      'INVALID_DID',
      `DID "${truncate(did)}" is not base58btc-encoded (must start with did:key:z)`,
    )
  }
  let bytes: Uint8Array
  try {
    bytes = base58btc.decode(multibase)
  } catch {
    throw invalidArgument('INVALID_DID', `DID "${truncate(did)}" is not valid base58btc`)
  }
  if (bytes[0] !== ED25519_MULTICODEC[0] || bytes[1] !== ED25519_MULTICODEC[1]) {
    throw invalidArgument(
      'INVALID_DID',
      `DID "${truncate(did)}" is not an Ed25519 key (multicodec 0xed01 expected)`,
    )
  }
  const raw = bytes.subarray(ED25519_MULTICODEC.length)
  if (raw.length !== ED25519_KEY_LENGTH) {
    throw invalidArgument(
      'INVALID_DID',
      `DID "${truncate(did)}" holds a ${raw.length}-byte key; Ed25519 keys have ${ED25519_KEY_LENGTH} bytes`,
    )
  }
  return Uint8Array.from(raw)
}

/** True when the string is a well-formed Ed25519 did:key. */
export function isDid(value: string): boolean {
  try {
    publicKeyBytesFromDid(value)
    return true
  } catch {
    return false
  }
}

export function peerIdFromDid(did: string): PeerId {
  const key = publicKeyFromRaw(publicKeyBytesFromDid(did)) as Ed25519PublicKey
  return peerIdFromPublicKey(key)
}

/** The DID of an Ed25519 peer id; throws INVALID_DID for other key types (RSA, secp256k1). */
export function didFromPeerId(peerId: PeerId): string {
  if (peerId.type !== 'Ed25519' || peerId.publicKey == null) {
    throw invalidArgument(
      'INVALID_DID',
      `peer ${peerId.toString()} has a ${peerId.type} key; only Ed25519 peers have a DID`,
    )
  }
  return didFromPublicKeyBytes(peerId.publicKey.raw)
}

/** The DID of a peer id, or undefined for peers whose key is not Ed25519. */
export function tryDidFromPeerId(peerId: PeerId): string | undefined {
  return peerId.type === 'Ed25519' && peerId.publicKey != null
    ? didFromPublicKeyBytes(peerId.publicKey.raw)
    : undefined
}

/** Parses a peer id string (12D3KooW…), with INVALID_PEER_ID on failure. */
export function parsePeerId(value: string): PeerId {
  try {
    return peerIdFromString(value)
  } catch {
    throw invalidArgument('INVALID_PEER_ID', `not a libp2p peer id: "${truncate(value)}"`)
  }
}

export function publicKeyHex(raw: Uint8Array): string {
  return `ed25519:${Buffer.from(raw).toString('hex')}`
}

function truncate(value: unknown): string {
  const s = String(value)
  return s.length > 80 ? `${s.slice(0, 77)}...` : s
}

/**
 * True when `signature` is the Ed25519 signature of `did`'s key over `data`; false on any malformed
 * input. The parsed key is cached (key-objects.ts).
 */
export async function verifyDidSignature(
  did: string,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  return verifyWithCachedKey(did, publicKeyBytesFromDid, data, signature)
}
