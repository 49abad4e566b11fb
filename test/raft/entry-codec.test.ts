// The signed and chained bytes follow the documented format exactly, so a third party can verify an
// export with its own code: checked here against an independent encoder written from the description
// (length-prefixed fields, 4-byte big-endian lengths, 8-byte big-endian integers, domain tags).

import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { entryHash, genesisHash, signingBytes } from '../../daemon/raft/entry-codec.ts'

function encode(fields: (string | number | Uint8Array)[]): Buffer {
  const parts: Buffer[] = []
  for (const f of fields) {
    if (typeof f === 'number') {
      const b = Buffer.alloc(8)
      b.writeBigUInt64BE(BigInt(f))
      parts.push(b)
    } else {
      const b = Buffer.from(f)
      const length = Buffer.alloc(4)
      length.writeUInt32BE(b.length)
      parts.push(length, b)
    }
  }
  return Buffer.concat(parts)
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest()

describe('entry encoding', () => {
  const p = {
    kind: 'data' as const,
    proposer: 'did:key:z6Mkexample-é',
    client: 'agent/1',
    seq: 2 ** 40 + 3,
    payload: new Uint8Array([1, 2, 3]),
    signature: new Uint8Array(64).fill(9),
  }

  it('signs tag, group id, kind, proposer, client, seq and payload', () => {
    const expected = encode([
      'moltmesh/raft/entry/v1',
      'thread-1',
      'data',
      p.proposer,
      p.client,
      p.seq,
      p.payload,
    ])
    expect(Buffer.from(signingBytes('thread-1', p)).equals(expected)).toBe(true)
  })

  it('chains sha256(tag, previous hash, index, term, signed bytes, signature)', () => {
    const prev = new Uint8Array(32).fill(5)
    const signed = encode([
      'moltmesh/raft/entry/v1',
      'thread-1',
      'data',
      p.proposer,
      p.client,
      p.seq,
      p.payload,
    ])
    const expected = sha256(encode(['moltmesh/raft/chain/v1', prev, 7, 3, signed, p.signature]))
    expect(Buffer.from(entryHash('thread-1', p, 7, 3, prev)).equals(expected)).toBe(true)
  })

  it('starts the chain at sha256(tag, group id, sorted first voters)', () => {
    const expected = sha256(encode(['moltmesh/raft/genesis/v1', 'thread-1', 'a', 'b', 'c']))
    expect(Buffer.from(genesisHash({ groupId: 'thread-1', voters: ['c', 'a', 'b'] })).equals(expected)).toBe(
      true,
    )
  })
})
