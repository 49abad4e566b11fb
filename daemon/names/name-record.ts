// Signed name claims, stored in the DHT under /mm-name/<name>. The record is JCS-canonical JSON signed
// with the holder's Ed25519 key; every field is covered by the signature.

import canonicalize from 'canonicalize'
import { refused } from '../errors/moltmesh-error.ts'
import { verifyDidSignature } from '../identity/did.ts'
import type { Identity } from '../identity/identity.ts'
import { strictText } from '../wire/strict-utf8.ts'

export const NAME_NAMESPACE = 'mm-name'
export const MAX_RECORD_BYTES = 16 * 1024

export interface NameClaim {
  v: 1
  type: 'moltmesh.name'
  name: string
  did: string
  /** Increases with every renewal or release by the holder. */
  seq: number
  /** When this holder first claimed the name; kept across renewals (earliest claim wins conflicts). */
  claimed_at_ms: number
  expires_at_ms: number
  /** A release is a signed tombstone: the holder gives the name up before it expires. */
  released: boolean
}

export interface SignedNameClaim extends NameClaim {
  /** base64url Ed25519 signature over the JCS form of the other fields. */
  sig: string
}

export function nameKey(name: string): Uint8Array {
  return new TextEncoder().encode(`/${NAME_NAMESPACE}/${name}`)
}

function signingBytes(claim: NameClaim): Uint8Array {
  const { v, type, name, did, seq, claimed_at_ms, expires_at_ms, released } = claim
  return new TextEncoder().encode(
    canonicalize({ v, type, name, did, seq, claimed_at_ms, expires_at_ms, released }),
  )
}

export async function signClaim(
  identity: Identity,
  claim: Omit<NameClaim, 'v' | 'type' | 'did'>,
): Promise<SignedNameClaim> {
  const full: NameClaim = { v: 1, type: 'moltmesh.name', did: identity.did, ...claim }
  const sig = Buffer.from(await identity.sign(signingBytes(full))).toString('base64url')
  return { ...full, sig }
}

export function encodeClaim(claim: SignedNameClaim): Uint8Array {
  return new TextEncoder().encode(canonicalize(claim))
}

/** Parses and fully verifies a record for `name`; throws with a reason on anything wrong. */
export async function decodeClaim(
  bytes: Uint8Array,
  name: string,
  now = Date.now(),
): Promise<SignedNameClaim> {
  if (bytes.length > MAX_RECORD_BYTES)
    throw refused('RECORD_TOO_LARGE', `name record over ${MAX_RECORD_BYTES} bytes`)
  let c: SignedNameClaim
  try {
    c = JSON.parse(strictText(bytes)) as SignedNameClaim
  } catch {
    throw refused('RECORD_MALFORMED', 'name record is not JSON')
  }
  if (
    c == null ||
    c.v !== 1 ||
    c.type !== 'moltmesh.name' ||
    typeof c.did !== 'string' ||
    typeof c.sig !== 'string' ||
    !Number.isSafeInteger(c.seq) ||
    !Number.isSafeInteger(c.claimed_at_ms) ||
    !Number.isSafeInteger(c.expires_at_ms) ||
    typeof c.released !== 'boolean'
  ) {
    throw refused('RECORD_MALFORMED', 'a name record field is missing or has a wrong type')
  }
  if (c.name !== name) throw refused('RECORD_KEY_MISMATCH', `the record is for another name than "${name}"`)
  if (c.expires_at_ms <= now) throw refused('RECORD_EXPIRED', 'the name record has expired')
  if (!(await verifyDidSignature(c.did, signingBytes(c), Buffer.from(c.sig, 'base64url'))))
    throw refused('RECORD_SIGNATURE_INVALID', "the name record's signature does not verify")
  return c
}

/**
 * Which of several valid claims for one name wins, the same on every node: an active claim beats a
 * released one; among active claims the earliest claim wins (ties: the smaller DID); for the same
 * holder the highest sequence wins.
 */
export function compareClaims(a: SignedNameClaim, b: SignedNameClaim): number {
  if (a.did === b.did) return b.seq - a.seq
  if (a.released !== b.released) return a.released ? 1 : -1
  if (a.claimed_at_ms !== b.claimed_at_ms) return a.claimed_at_ms - b.claimed_at_ms
  return a.did < b.did ? -1 : 1
}
