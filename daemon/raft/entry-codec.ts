// Canonical bytes of entries: what a proposer signs and what the hash chain covers.
//
// Fields are written length-prefixed in a fixed order with a domain tag, so no two different entries
// share bytes and a signature for one group or purpose cannot be replayed as another. The same bytes
// are produced by the daemon, the offline verifier and any third-party tool that follows this file.

import { createHash } from 'node:crypto'
import type { ConfigChange, Entry, Genesis, Membership, Proposal, SignedProposal } from './types.ts'

const ENTRY_TAG = 'moltmesh/raft/entry/v1'
const CHAIN_TAG = 'moltmesh/raft/chain/v1'
const GENESIS_TAG = 'moltmesh/raft/genesis/v1'
const utf8 = new TextEncoder()
const utf8Decoder = new TextDecoder('utf-8', { fatal: true })

type Field = string | number | Uint8Array

function encodeFields(fields: Field[]): Uint8Array {
  // Two passes (size, then write) into one buffer: this runs for every entry signed or verified.
  const encoded = fields.map((f) => (typeof f === 'string' ? utf8Cached(f) : f))
  let size = 0
  for (const f of encoded) size += typeof f === 'number' ? 8 : 4 + f.length
  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  let offset = 0
  for (const f of encoded) {
    if (typeof f === 'number') {
      // 8-byte big-endian: indexes, terms and sequence numbers are non-negative integers < 2^53.
      view.setUint32(offset, Math.floor(f / 2 ** 32))
      view.setUint32(offset + 4, f >>> 0)
      offset += 8
    } else {
      view.setUint32(offset, f.length)
      out.set(f, offset + 4)
      offset += 4 + f.length
    }
  }
  return out
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
  return encodeFields([ENTRY_TAG, groupId, p.kind, p.proposer, p.client, p.seq, p.payload])
}

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
  return sha256(encodeFields([CHAIN_TAG, prevHash, index, term, signingBytes(groupId, p), p.signature]))
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
