// Canonical bytes of entries: what a proposer signs and what the hash chain covers.
//
// Fields are written length-prefixed in a fixed order with a domain tag, so no two different entries
// share bytes and a signature for one group or purpose cannot be replayed as another. The same bytes
// are produced by the daemon, the offline verifier and any third-party tool that follows this file.

import { createHash, type Hash } from 'node:crypto'
import type { ConfigChange, Entry, Genesis, Membership, Proposal, SignedProposal } from './types.ts'

const ENTRY_TAG = 'moltmesh/raft/entry/v1'
const CHAIN_TAG = 'moltmesh/raft/chain/v1'
const GENESIS_TAG = 'moltmesh/raft/genesis/v1'
const utf8 = new TextEncoder()
const utf8Decoder = new TextDecoder('utf-8', { fatal: true })

type Field = string | number | Uint8Array

function encodeFields(fields: Field[]): Uint8Array {
  // Two passes (size, then write) into one buffer: this runs for every entry signed or verified.
  const out = new Uint8Array(fieldsSize(fields))
  const view = new DataView(out.buffer)
  let offset = 0
  for (const f of fields) {
    if (typeof f === 'number') {
      // 8-byte big-endian: indexes, terms and sequence numbers are non-negative integers < 2^53.
      view.setUint32(offset, Math.floor(f / 2 ** 32))
      view.setUint32(offset + 4, f >>> 0)
      offset += 8
    } else {
      const bytes = typeof f === 'string' ? utf8Cached(f) : f
      view.setUint32(offset, bytes.length)
      out.set(bytes, offset + 4)
      offset += 4 + bytes.length
    }
  }
  return out
}

function fieldsSize(fields: Field[]): number {
  let size = 0
  for (const f of fields)
    size += typeof f === 'number' ? 8 : 4 + (typeof f === 'string' ? utf8Cached(f) : f).length
  return size
}

/** Feeds the same bytes as encodeFields(fields) into a hash, without building them. */
function hashFields(hash: Hash, fields: Field[]): void {
  const word = new Uint8Array(8)
  const view = new DataView(word.buffer)
  for (const f of fields) {
    if (typeof f === 'number') {
      view.setUint32(0, Math.floor(f / 2 ** 32))
      view.setUint32(4, f >>> 0)
      hash.update(word)
    } else {
      const bytes = typeof f === 'string' ? utf8Cached(f) : f
      view.setUint32(0, bytes.length)
      hash.update(word.subarray(0, 4))
      hash.update(bytes)
    }
  }
}

// The same few strings (group id, kinds, member ids, client ids) are encoded for every entry.
const utf8Cache = new Map<string, Uint8Array>()
function utf8Cached(s: string): Uint8Array {
  let bytes = utf8Cache.get(s)
  if (bytes === undefined) {
    bytes = utf8.encode(s)
    if (utf8Cache.size >= 4096) utf8Cache.clear()
    utf8Cache.set(s, bytes)
  }
  return bytes
}

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest())
}

/** The bytes a proposer signs: the group id and every field of the proposal. */
export function signingBytes(groupId: string, p: Proposal): Uint8Array {
  return encodeFields(signedFields(groupId, p))
}

const signedFields = (groupId: string, p: Proposal): Field[] => [
  ENTRY_TAG,
  groupId,
  p.kind,
  p.proposer,
  p.client,
  p.seq,
  p.payload,
]

/** Hash that starts the chain: commits to the group id and its first voters. */
export function genesisHash(genesis: Genesis): Uint8Array {
  return sha256(encodeFields([GENESIS_TAG, genesis.groupId, ...[...genesis.voters].sort()]))
}

/** Hash of an entry placed at (index, term) after an entry whose hash is `prevHash`. */
export function entryHash(
  groupId: string,
  p: SignedProposal,
  index: number,
  term: number,
  prevHash: Uint8Array,
): Uint8Array {
  // sha256 of encodeFields([CHAIN_TAG, prevHash, index, term, signingBytes(groupId, p), signature]),
  // streamed: the signed fields are hashed in place instead of being copied into one buffer first.
  const signed = signedFields(groupId, p)
  const hash = createHash('sha256')
  hashFields(hash, [CHAIN_TAG, prevHash, index, term])
  const length = new Uint8Array(4)
  new DataView(length.buffer).setUint32(0, fieldsSize(signed))
  hash.update(length)
  hashFields(hash, signed)
  hashFields(hash, [p.signature])
  return new Uint8Array(hash.digest())
}

export function chainEntry(
  groupId: string,
  p: SignedProposal,
  index: number,
  term: number,
  prevHash: Uint8Array,
): Entry {
  return {
    kind: p.kind,
    proposer: p.proposer,
    client: p.client,
    seq: p.seq,
    payload: p.payload,
    signature: p.signature,
    index,
    term,
    prevHash,
    hash: entryHash(groupId, p, index, term, prevHash),
  }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export function sortedMembership(m: Membership): Membership {
  return { voters: [...m.voters].sort(), learners: [...m.learners].sort() }
}

/** Config payloads are JSON with a fixed key order, so the signed bytes are stable. */
export function encodeConfigChange(change: ConfigChange): Uint8Array {
  return utf8.encode(JSON.stringify({ type: change.type, member: change.member }))
}

/** Parses a config payload; undefined when it is not one (a follower then rejects the entry). */
export function decodeConfigChange(payload: Uint8Array): ConfigChange | undefined {
  try {
    const value = JSON.parse(utf8Decoder.decode(payload)) as Partial<ConfigChange>
    const types = ['add-learner', 'promote', 'remove']
    if (typeof value !== 'object' || value == null) return undefined
    if (typeof value.type !== 'string' || !types.includes(value.type)) return undefined
    if (typeof value.member !== 'string' || value.member === '') return undefined
    return { type: value.type, member: value.member }
  } catch {
    return undefined
  }
}
