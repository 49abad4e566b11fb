import { describe, expect, it } from 'vitest'
import type { Entry, RaftMessage, Snapshot } from '../../daemon/raft/types.ts'
import {
  decodeEntry,
  decodeRaftFrame,
  decodeSnapshot,
  encodeEntry,
  encodeRaftFrame,
  encodeSnapshot,
  RaftFrame,
} from '../../daemon/wire/raft-codec.ts'

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b)

function entry(index: number, kind: Entry['kind'] = 'data'): Entry {
  return {
    kind,
    proposer: 'did:key:zA',
    client: 'did:key:zA/c1',
    seq: index,
    payload: bytes(1, 2, index),
    signature: bytes(9, 9),
    index,
    term: 3,
    prevHash: bytes(index - 1),
    hash: bytes(index),
  }
}

const snapshot: Snapshot = {
  meta: {
    index: 10,
    term: 2,
    hash: bytes(7),
    membership: { voters: ['a', 'b'], learners: ['c'] },
    memberChanges: [entry(4, 'config')],
    dedupe: [{ client: 'x', seq: 3, index: 9 }],
  },
  data: bytes(5, 5),
}

const base = { from: 'did:key:zLeader', to: 'did:key:zF', term: 4 }
const messages: RaftMessage[] = [
  { ...base, type: 'append', prevIndex: 1, prevTerm: 1, entries: [entry(2), entry(3)], commit: 1, round: 7 },
  { ...base, type: 'append', prevIndex: 1, prevTerm: 1, entries: [], commit: 1, round: 0, proof: [entry(1)] },
  { ...base, type: 'append-response', success: false, index: -1, hintTerm: 2, round: 3 },
  { ...base, type: 'vote', pre: true, lastIndex: 5, lastTerm: 2 },
  { ...base, type: 'vote-response', pre: false, granted: true },
  { ...base, type: 'snapshot', snapshot, round: 2, proof: undefined },
  {
    ...base,
    type: 'forward',
    requestId: 'r1',
    proposal: { kind: 'data', proposer: 'p', client: 'c', seq: 1, payload: bytes(1), signature: bytes(2) },
  },
  {
    ...base,
    type: 'forward-response',
    requestId: 'r1',
    outcome: { ok: true, index: 4, term: 2, duplicate: true },
  },
  {
    ...base,
    type: 'forward-response',
    requestId: 'r2',
    outcome: { ok: false, reason: 'STALE_SEQUENCE', detail: 'old' },
  },
  { ...base, type: 'read-index', requestId: 'r3' },
  { ...base, type: 'read-index-response', requestId: 'r3', index: -1 },
]

/** Buffers and Uint8Arrays compare equal by content once both are plain arrays of numbers. */
function plain(x: unknown): unknown {
  if (x instanceof Uint8Array) return [...x]
  if (Array.isArray(x)) return x.map(plain)
  if (x != null && typeof x === 'object') {
    return Object.fromEntries(
      Object.entries(x)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, plain(v)]),
    )
  }
  return x
}

describe('raft wire codec', () => {
  it('round-trips every message type, taking `from` from the caller, not the bytes', () => {
    for (const m of messages) {
      const decoded = decodeRaftFrame(encodeRaftFrame('thread-1', m), 'did:key:zAuthenticated')
      expect(decoded.groupId).toBe('thread-1')
      expect(plain(decoded.message)).toEqual(plain({ ...m, from: 'did:key:zAuthenticated' }))
    }
  })

  it('round-trips entries and snapshots as storage keeps them', () => {
    expect(plain(decodeEntry(encodeEntry(entry(5, 'noop'))))).toEqual(plain(entry(5, 'noop')))
    expect(plain(decodeSnapshot(encodeSnapshot(snapshot)))).toEqual(plain(snapshot))
  })

  it('refuses frames with no message, two messages, no group, unknown kinds or reasons, and garbage', () => {
    const frame = (f: Partial<RaftFrame>): Uint8Array =>
      RaftFrame.encode({ groupId: 'g', to: 't', term: 1, ...f } as RaftFrame).finish()
    expect(() => decodeRaftFrame(frame({}), 'x')).toThrow(/sets 0 messages/)
    expect(() =>
      decodeRaftFrame(
        frame({ readIndex: { requestId: 'a' }, vote: { pre: true, lastIndex: 0, lastTerm: 0 } }),
        'x',
      ),
    ).toThrow(/sets 2/)
    expect(() => decodeRaftFrame(frame({ groupId: '', readIndex: { requestId: 'a' } }), 'x')).toThrow(
      /missing group/,
    )
    const badKind = encodeRaftFrame('g', messages[0] as RaftMessage)
    const decoded = RaftFrame.decode(badKind)
    ;(decoded.append?.entries[0]?.proposal as { kind: number }).kind = 0
    expect(() => decodeRaftFrame(RaftFrame.encode(decoded).finish(), 'x')).toThrow(/unknown entry kind/)
    expect(() =>
      decodeRaftFrame(
        frame({
          forwardResponse: {
            requestId: 'a',
            outcome: { ok: false, index: 0, term: 0, duplicate: false, reason: 'PWNED', detail: '' },
          },
        }),
        'x',
      ),
    ).toThrow(/unknown reason/)
    expect(() => decodeRaftFrame(bytes(0xff, 0xff, 0xff, 0xff, 0xff), 'x')).toThrow()
  })
})
