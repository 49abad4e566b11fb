import { generateKeyPair } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { createIdentity, type Identity } from '../../../daemon/identity/identity.ts'
import { createNameCache } from '../../../daemon/names/name-cache.ts'
import { nameDhtHooks, selectNameRecord } from '../../../daemon/names/name-dht.ts'
import {
  decodeClaim,
  encodeClaim,
  nameKey,
  type SignedNameClaim,
  signClaim,
} from '../../../daemon/names/name-record.ts'
import { normalizeName } from '../../../daemon/names/name-rules.ts'

const now = Date.now()
const claim = (id: Identity, over: Partial<Parameters<typeof signClaim>[1]> = {}) =>
  signClaim(id, {
    name: 'swift-falcon',
    seq: 1,
    claimed_at_ms: now,
    expires_at_ms: now + 60_000,
    released: false,
    ...over,
  })

describe('name records', async () => {
  const alice = createIdentity(await generateKeyPair('Ed25519'))
  const bob = createIdentity(await generateKeyPair('Ed25519'))
  const key = nameKey('swift-falcon')
  const cache = createNameCache()
  const validateNameRecord = nameDhtHooks(cache).validators['mm-name']!

  it('normalises and validates names', () => {
    expect(normalizeName('Swift Falcon')).toBe('swift-falcon')
    expect(normalizeName('agent-007')).toBe('agent-007')
    for (const bad of ['ab', 'a--b', '-abc', 'abc-', 'ab_c', 'x'.repeat(64), 'héllo']) {
      expect(() => normalizeName(bad), bad).toThrow(/not a valid name/)
    }
  })

  it('accepts a valid claim and rejects forged, tampered, expired, mismatched and oversized ones', async () => {
    const good = await claim(alice)
    await expect(validateNameRecord(key, encodeClaim(good))).resolves.toBeUndefined()
    // Claims Alice's DID but signed by Bob.
    const forged: SignedNameClaim = { ...(await claim(bob)), did: alice.did }
    await expect(validateNameRecord(key, encodeClaim(forged))).rejects.toMatchObject({
      reason: 'RECORD_SIGNATURE_INVALID',
    })
    await expect(
      validateNameRecord(key, encodeClaim({ ...good, expires_at_ms: good.expires_at_ms + 1 })),
    ).rejects.toMatchObject({ reason: 'RECORD_SIGNATURE_INVALID' })
    await expect(
      validateNameRecord(key, encodeClaim(await claim(alice, { expires_at_ms: now - 1 }))),
    ).rejects.toMatchObject({ reason: 'RECORD_EXPIRED' })
    await expect(validateNameRecord(nameKey('other-name'), encodeClaim(good))).rejects.toMatchObject({
      reason: 'RECORD_KEY_MISMATCH',
    })
    await expect(validateNameRecord(key, new Uint8Array(17 * 1024))).rejects.toMatchObject({
      reason: 'RECORD_TOO_LARGE',
    })
    await expect(validateNameRecord(key, new TextEncoder().encode('{"v":1}'))).rejects.toMatchObject({
      reason: 'RECORD_MALFORMED',
    })
    await expect(decodeClaim(encodeClaim(good), 'swift-falcon')).resolves.toMatchObject({ did: alice.did })
    // A replay of an older record from a holder already seen with a newer one.
    await validateNameRecord(key, encodeClaim(await claim(alice, { seq: 5, released: true })))
    await expect(validateNameRecord(key, encodeClaim(good))).rejects.toMatchObject({
      reason: 'RECORD_REPLAYED',
    })
  })

  it('selects the same winner everywhere: newest of one holder, earliest claim across holders, active over released', async () => {
    const a1 = await claim(alice, { seq: 1 })
    const a2 = await claim(alice, { seq: 2 })
    expect(await selectNameRecord(key, [encodeClaim(a1), encodeClaim(a2)])).toBe(1)
    const bobLater = await claim(bob, { claimed_at_ms: now + 5 })
    expect(await selectNameRecord(key, [encodeClaim(bobLater), encodeClaim(a2)])).toBe(1)
    expect(await selectNameRecord(key, [encodeClaim(a2), encodeClaim(bobLater)])).toBe(0)
    const aliceReleased = await claim(alice, { seq: 3, released: true })
    expect(await selectNameRecord(key, [encodeClaim(aliceReleased), encodeClaim(bobLater)])).toBe(1)
    // A replayed older record of the same holder loses to the newer one.
    expect(await selectNameRecord(key, [encodeClaim(a1), encodeClaim(aliceReleased)])).toBe(1)
    // Invalid records never win.
    const forged: SignedNameClaim = { ...(await claim(bob, { claimed_at_ms: 0 })), did: alice.did }
    expect(await selectNameRecord(key, [encodeClaim(forged), encodeClaim(bobLater)])).toBe(1)
  })
  it('remembers the winning unexpired claim of every record it verified', async () => {
    const seen = createNameCache(2)
    const a1 = await claim(alice, { seq: 1, expires_at_ms: now + 60_000 })
    const a2 = await claim(alice, { seq: 2, released: true })
    const b1 = await claim(bob, { claimed_at_ms: now + 5 })
    seen.observe(a1)
    expect(seen.best('swift-falcon')?.did).toBe(alice.did)
    seen.observe(b1)
    seen.observe(a2) // alice released: bob's active claim wins
    expect(seen.best('swift-falcon')?.did).toBe(bob.did)
    seen.observe(a1) // a replayed older record does not undo the release
    expect(seen.best('swift-falcon')?.did).toBe(bob.did)
    expect(seen.highestSeq('swift-falcon', alice.did)).toBe(2)
    expect(seen.best('swift-falcon', b1.expires_at_ms)).toBeUndefined()
    // Bounded: the oldest name is forgotten first.
    seen.observe(await claim(alice, { name: 'second-name' }))
    seen.observe(await claim(alice, { name: 'third-name' }))
    expect(seen.best('swift-falcon')).toBeUndefined()
    expect(seen.best('third-name')?.did).toBe(alice.did)
  })

  it('bounds a claim time by when this node first saw the claim (back-dated claims lose)', async () => {
    const seen = createNameCache()
    const DAY = 24 * 3600 * 1000
    const held = await claim(alice, { claimed_at_ms: now - DAY })
    const backdated = await claim(bob, { claimed_at_ms: now - 30 * DAY })
    seen.observe(held, now - 3_600_000) // alice's claim seen an hour ago
    expect(seen.refusal(backdated, now)).toBe('RECORD_NAME_TAKEN')
    seen.observe(backdated, now)
    expect(seen.best('swift-falcon', now)?.did).toBe(alice.did)
    // Honest claims made close together keep the earliest-claim order, whatever the arrival order.
    const fresh = createNameCache()
    const early = await claim(bob, { name: 'new-name', claimed_at_ms: now - 10_000 })
    const late = await claim(alice, { name: 'new-name', claimed_at_ms: now - 5_000 })
    fresh.observe(late, now - 4_000)
    expect(fresh.refusal(early, now)).toBeUndefined()
    fresh.observe(early, now)
    expect(fresh.best('new-name', now)?.did).toBe(bob.did)
    // A release is never refused, and after it another holder may claim.
    expect(seen.refusal(await claim(alice, { seq: 2, released: true }), now)).toBeUndefined()
  })
})
