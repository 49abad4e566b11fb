// Real Ed25519 end to end: a group whose members are DIDs commits entries, exports a member's copy,
// and the offline verifier accepts it, and rejects every kind of tampering.

import { generateKeyPair } from '@libp2p/crypto/keys'
import { beforeAll, describe, expect, it } from 'vitest'
import { type EntrySigner, ed25519DidVerifier, ed25519Signer } from '../../daemon/raft/entry-auth.ts'
import { chainEntry, signingBytes } from '../../daemon/raft/entry-codec.ts'
import { exportLog, parseExport } from '../../daemon/raft/log-export.ts'
import type { Entry, Genesis } from '../../daemon/raft/types.ts'
import { verifyLog } from '../../daemon/raft/verify-log.ts'
import { Cluster, utf8 } from './cluster.ts'

let signers: EntrySigner[]
let outsider: EntrySigner
let cluster: Cluster
let exported: string

beforeAll(async () => {
  signers = await Promise.all([1, 2, 3].map(async () => ed25519Signer(await generateKeyPair('Ed25519'))))
  outsider = ed25519Signer(await generateKeyPair('Ed25519'))
  const ids = signers.map((s) => s.id)
  cluster = new Cluster(ids, {
    signers: new Map(signers.map((s) => [s.id, s])),
    verifier: ed25519DidVerifier(),
  })
  const leader = cluster.electLeader()
  for (const [i, id] of ids.entries()) cluster.propose(id, `client-${i}`, 1, `entry from member ${i}`)
  cluster.propose(leader, 'client-0', 2, 'second from member 0')
  cluster.tick()
  const follower = ids.find((id) => id !== leader) as string
  exported = exportLog(cluster.genesis, cluster.get(follower).storage.storedEntries())
})

const verifier = () => ed25519DidVerifier()
const parse = (text: string) => parseExport(text)
const lines = () => exported.trim().split('\n')
const join = (ls: string[]) => `${ls.join('\n')}\n`

describe('signed, hash-chained log with Ed25519 members', () => {
  it('commits entries signed by each proposing member, on every member', () => {
    for (const m of cluster.members.values()) {
      expect(cluster.texts(m.id)).toEqual([
        'entry from member 0',
        'entry from member 1',
        'entry from member 2',
        'second from member 0',
      ])
    }
    const data = cluster.get(signers[1]?.id as string).committed.filter((e) => e.kind === 'data')
    expect(data.map((e) => e.proposer)).toEqual([
      signers[0]?.id,
      signers[1]?.id,
      signers[2]?.id,
      expect.any(String),
    ])
  })

  it('an exported copy verifies offline with nothing but the genesis and the DIDs', () => {
    const { genesis, entries } = parse(exported)
    expect(verifyLog(genesis, entries, verifier())).toMatchObject({ ok: true, entries: 5 })
  })

  it('a changed payload breaks the hash chain', () => {
    const ls = lines()
    const line = JSON.parse(ls[3] as string)
    line.payload = Buffer.from('rewritten history').toString('base64')
    ls[3] = JSON.stringify(line)
    const { genesis, entries } = parse(join(ls))
    expect(verifyLog(genesis, entries, verifier())).toEqual({ ok: false, index: 3, reason: 'hash mismatch' })
  })

  it('a changed payload with the whole chain recomputed still fails its signature', () => {
    const { genesis, entries } = parse(exported)
    const forged = rechain(genesis, entries, 3, (e) => ({ ...e, payload: utf8('rewritten history') }))
    expect(verifyLog(genesis, forged, verifier())).toEqual({ ok: false, index: 3, reason: 'bad signature' })
  })

  it('an entry re-signed by a key outside the group is refused', () => {
    const { genesis, entries } = parse(exported)
    const forged = rechain(genesis, entries, 3, (e) => {
      const p = { ...e, proposer: outsider.id, payload: utf8('inserted by an outsider') }
      return { ...p, signature: outsider.sign(signingBytes(genesis.groupId, p)) }
    })
    const result = verifyLog(genesis, forged, verifier())
    expect(result).toMatchObject({ ok: false, index: 3 })
    expect(result.ok ? '' : result.reason).toMatch(/is not a member/)
  })

  it('a dropped, reordered or duplicated entry is detected', () => {
    const ls = lines()
    const dropped = [ls[0], ls[1], ls[3], ls[4], ls[5]] as string[]
    const reordered = [ls[0], ls[1], ls[3], ls[2], ls[4], ls[5]] as string[]
    for (const text of [join(dropped), join(reordered)]) {
      const { genesis, entries } = parse(text)
      expect(verifyLog(genesis, entries, verifier())).toMatchObject({ ok: false, index: 3 })
    }
    const { genesis, entries } = parse(exported)
    const duplicated = rechain(genesis, [...entries, { ...(entries[1] as Entry), index: 6 }], 6, (e) => e)
    expect(verifyLog(genesis, duplicated, verifier())).toMatchObject({ ok: false, index: 6 })
  })

  it('the copy only verifies against the right group: another genesis breaks the chain at entry 1', () => {
    const { genesis, entries } = parse(exported)
    const other: Genesis = { groupId: genesis.groupId, voters: [...genesis.voters.slice(0, 2), outsider.id] }
    expect(verifyLog(other, entries, verifier())).toMatchObject({ ok: false, index: 1 })
  })

  it('rejects malformed export files with the line number', () => {
    expect(() => parse('{"genesis":{}}\n')).toThrow(/line 1/)
    expect(() => parse(`${lines()[0]}\n{"index":"x"}\n`)).toThrow(/line 2: not an entry/)
    expect(() => parse(`${lines()[0]}\nnot json\n`)).toThrow(/line 2: not JSON/)
  })
})

describe('Ed25519 entry signatures', () => {
  it('verify accepts the signer, and refuses other DIDs, malformed DIDs and bad signatures', () => {
    const [a, b] = signers as [EntrySigner, EntrySigner]
    const data = utf8('data')
    const sig = a.sign(data)
    const v = verifier()
    expect(v.verify(a.id, data, sig)).toBe(true)
    expect(v.verify(b.id, data, sig)).toBe(false)
    expect(v.verify('did:key:zNotAKey', data, sig)).toBe(false)
    expect(v.verify(a.id, data, sig.subarray(0, 63))).toBe(false)
    expect(v.verify(a.id, utf8('other'), sig)).toBe(false)
  })
})

/** Applies `change` to the entry at `at` and recomputes every hash from there (a careful forger). */
function rechain(genesis: Genesis, entries: Entry[], at: number, change: (e: Entry) => Entry): Entry[] {
  const out: Entry[] = []
  for (const e of entries) {
    const prev = out.at(-1)
    const base = e.index === at ? change(e) : e
    if (e.index < at) out.push(e)
    else out.push(chainEntry(genesis.groupId, base, e.index, e.term, prev?.hash ?? new Uint8Array()))
  }
  return out
}
