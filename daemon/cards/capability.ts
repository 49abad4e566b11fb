// Capability names: a skill id or tag, short ("text-generation") or full ("a2a:v1:cap:text-generation").
// Both forms name the same capability and map to the same DHT provider key.

import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { invalidArgument } from '../errors/moltmesh-error.ts'

export const CAPABILITY_PREFIX = 'a2a:v1:cap:'
const SHORT_FORM = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/** Lowercases, strips the full-key prefix, turns spaces/underscores into hyphens; throws on the rest. */
export function normalizeCapability(input: string): string {
  let s = input.trim().toLowerCase()
  if (s.startsWith(CAPABILITY_PREFIX)) s = s.slice(CAPABILITY_PREFIX.length)
  s = s.replace(/[\s_]+/g, '-')
  if (s.length < 2 || s.length > 63 || !SHORT_FORM.test(s)) {
    throw invalidArgument(
      'INVALID_CAPABILITY',
      `"${input}" is not a valid capability: use lowercase words joined by hyphens (2-63 characters), optionally prefixed with "${CAPABILITY_PREFIX}"`,
    )
  }
  return s
}

export function isCapability(input: string): boolean {
  try {
    normalizeCapability(input)
    return true
  } catch {
    return false
  }
}

/** The DHT provider key of a (normalised) capability: CIDv1 raw of sha256("a2a:v1:cap:<name>"). */
export async function capabilityCid(capability: string): Promise<CID> {
  const digest = await sha256.digest(new TextEncoder().encode(CAPABILITY_PREFIX + capability))
  return CID.createV1(raw.code, digest)
}
