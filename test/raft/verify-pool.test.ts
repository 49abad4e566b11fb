// The worker-thread signature pool: results computed in workers answer exactly the question they were
// computed for (same member, signed bytes and signature), once; anything else goes to the fallback.

import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type EntrySigner,
  type EntryVerifier,
  ed25519DidVerifier,
  ed25519Signer,
} from '../../daemon/raft/entry-auth.ts'
import { signingBytes } from '../../daemon/raft/entry-codec.ts'
import type { Entry, RaftMessage } from '../../daemon/raft/types.ts'
import { createVerifyPool, type VerifyPool } from '../../daemon/raft/verify-pool.ts'

const GROUP = 'othr_pool'

function signed(signer: EntrySigner, seq: number, proposer = signer.id): Entry {
  const p = { kind: 'data' as const, proposer, client: 'c', seq, payload: new Uint8Array([seq]) }
  return {
    ...p,
    signature: signer.sign(signingBytes(GROUP, p)),
    index: seq,
    term: 1,
    prevHash: new Uint8Array(),
    hash: new Uint8Array(),
  }
}

describe('verify pool', () => {
  let pool: VerifyPool
  let fallbackCalls = 0
  const real = ed25519DidVerifier()
  const fallback: EntryVerifier = {
    verify(member, data, signature) {
      fallbackCalls++
      return real.verify(member, data, signature)
    },
  }
  beforeAll(() => {
    pool = createVerifyPool(2, fallback)
  })
  afterAll(async () => {
    await pool.close()
  })

  it('answers from worker results for the exact entries checked, and from the fallback otherwise', async () => {
    const alice = ed25519Signer(await generateKeyPair('Ed25519'))
    const mallory = ed25519Signer(await generateKeyPair('Ed25519'))
    const good = [signed(alice, 1), signed(alice, 2)]
    const forged = signed(mallory, 3, alice.id) // claims alice, signed by mallory
    const m: RaftMessage = {
      type: 'append',
      from: 'x',
      to: 'y',
      term: 1,
      prevIndex: 0,
      prevTerm: 0,
      entries: [...good, forged],
      commit: 0,
      round: 0,
    }
    await pool.precheck(GROUP, m)
    const check = (e: Entry) => pool.verifier.verify(e.proposer, signingBytes(GROUP, e), e.signature)
    expect([check(good[0] as Entry), check(good[1] as Entry), check(forged)]).toEqual([true, true, false])
    expect(fallbackCalls).toBe(0)
    // A changed payload with the same signature is a different question: not answered from the cache.
    const altered = { ...(good[0] as Entry), payload: new Uint8Array([9]) }
    expect(check(altered)).toBe(false)
    expect(fallbackCalls).toBe(1)
    // Results are used once; asking again goes to the fallback (and still gets the right answer).
    expect(check(good[1] as Entry)).toBe(true)
    expect(fallbackCalls).toBe(2)
  })
})
