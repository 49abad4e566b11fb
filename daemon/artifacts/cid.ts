// Blob identifiers: CIDv1, raw codec, sha2-256, written in base32 ("bafkrei…"). Only this form is
// accepted, because it is the only one whose content this daemon can verify byte for byte: a CID with
// another codec or hash function is refused as INVALID_CID rather than stored unverified.

import { base32 } from 'multiformats/bases/base32'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { invalidArgument, type MoltmeshError } from '../errors/moltmesh-error.ts'

const SHA256_BYTES = 32
/** base32 CIDv1 raw/sha256 strings are exactly this long; longer input is refused before parsing. */
const MAX_CID_LENGTH = 100

/** The canonical CID string of content whose sha256 digest is `digest`. */
export function cidOfDigest(digest: Uint8Array): string {
  return CID.createV1(raw.code, Digest.create(sha256.code, digest)).toString(base32)
}

/** The sha256 digest a CID names (the caller parsed it with parseBlobCid). */
export function digestOfCid(cid: string): Uint8Array {
  return CID.parse(cid, base32).multihash.digest
}

/**
 * Checks a CID given by a client or a peer and returns its canonical string. Throws INVALID_CID for
 * anything that is not a base32 CIDv1 with the raw codec and a full sha2-256 digest.
 */
export function parseBlobCid(input: string): string {
  const value = (input ?? '').trim()
  const refuse = (why: string): MoltmeshError =>
    invalidArgument(
      'INVALID_CID',
      `"${value.slice(0, MAX_CID_LENGTH)}" is not a blob CID (${why}); expected a base32 CIDv1 with the raw codec and sha2-256 ("bafkrei…")`,
    )
  if (value === '') throw refuse('empty')
  if (value.length > MAX_CID_LENGTH) throw refuse('too long')
  let cid: CID
  try {
    cid = CID.parse(value, base32)
  } catch (err) {
    throw refuse((err as Error).message)
  }
  if (cid.version !== 1) throw refuse('CIDv0')
  if (cid.code !== raw.code) throw refuse(`codec 0x${cid.code.toString(16)}, not raw`)
  if (cid.multihash.code !== sha256.code) throw refuse('hash is not sha2-256')
  if (cid.multihash.size !== SHA256_BYTES) throw refuse('truncated digest')
  return cid.toString(base32)
}

/** True when `input` is an acceptable blob CID. */
export function isBlobCid(input: string): boolean {
  try {
    parseBlobCid(input)
    return true
  } catch {
    return false
  }
}
