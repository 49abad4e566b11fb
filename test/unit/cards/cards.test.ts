import { generateKeyPair } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { capabilityCid, normalizeCapability } from '../../../daemon/cards/capability.ts'
import { createCardCache } from '../../../daemon/cards/card-cache.ts'
import { cardDhtHooks, selectCardRecord } from '../../../daemon/cards/card-dht.ts'
import {
  type CardContent,
  cardKey,
  decodeCard,
  encodeCard,
  signCard,
} from '../../../daemon/cards/card-record.ts'
import { checkCardContent, type LocalSkill, publishedSkills } from '../../../daemon/cards/local-card.ts'
import { matchingSkill, scoreOf } from '../../../daemon/discovery/find-agents.ts'
import { reasonOf } from '../../../daemon/errors/moltmesh-error.ts'
import { createIdentity } from '../../../daemon/identity/identity.ts'

const now = Date.now()
const content: CardContent = {
  name: 'writer',
  description: 'writes things',
  skills: [
    {
      id: 'text-generation',
      name: 'Text',
      description: '',
      tags: ['writing', 'english'],
      input_schema: '{"type":"object"}',
      output_schema: '',
      price: '1.25',
      visibility: 'public',
    },
  ],
  addresses: ['/ip4/127.0.0.1/tcp/4001'],
  protocols: ['/moltmesh/msg/1.0.0'],
}
const meta = (sequence: number, over: Partial<{ published_at_ms: number; expires_at_ms: number }> = {}) => ({
  sequence,
  published_at_ms: now,
  expires_at_ms: now + 60_000,
  ...over,
})

const skill = (over: Partial<LocalSkill>): LocalSkill => ({
  id: 'summarise',
  name: '',
  description: '',
  tags: [],
  inputSchema: '',
  outputSchema: '',
  price: '0',
  visibility: 'public',
  allowedDids: [],
  ...over,
})

describe('agent cards', async () => {
  const alice = createIdentity(await generateKeyPair('Ed25519'))
  const mallory = createIdentity(await generateKeyPair('Ed25519'))

  it('normalises capabilities: short and full forms are one capability with one DHT key', async () => {
    expect(normalizeCapability('a2a:v1:cap:Text-Generation')).toBe('text-generation')
    expect(normalizeCapability(' text generation ')).toBe('text-generation')
    expect((await capabilityCid('text-generation')).toString()).toBe(
      (await capabilityCid(normalizeCapability('a2a:v1:cap:text-generation'))).toString(),
    )
    expect((await capabilityCid('text-generation')).equals(await capabilityCid('translation'))).toBe(false)
    for (const bad of ['x', '-a', 'a--b', 'é', 'a'.repeat(64), 'a2a:v1:cap:']) {
      expect(() => normalizeCapability(bad), bad).toThrow(/not a valid capability/)
    }
  })

  it('verifies signed cards and refuses tampered, mis-signed, mismatched, expired, oversized and malformed ones', async () => {
    const card = await signCard(alice, content, meta(1))
    await expect(decodeCard(encodeCard(card), alice.did)).resolves.toMatchObject({
      sequence: 1,
      name: 'writer',
    })
    const reason = (bytes: Uint8Array, did = alice.did) =>
      decodeCard(bytes, did).then(
        () => 'accepted',
        (e: unknown) => reasonOf(e) ?? `uncoded: ${e}`,
      )
    expect(await reason(encodeCard({ ...card, description: 'changed' }))).toBe('CARD_SIGNATURE_INVALID')
    const skills = [{ ...content.skills[0]!, price: '0' }]
    expect(await reason(encodeCard({ ...card, skills }))).toBe('CARD_SIGNATURE_INVALID')
    const byMallory = { ...(await signCard(mallory, content, meta(1))), did: alice.did }
    expect(await reason(encodeCard(byMallory))).toBe('CARD_SIGNATURE_INVALID')
    expect(await reason(encodeCard(card), mallory.did)).toBe('CARD_KEY_MISMATCH')
    const expired = await signCard(alice, content, meta(2, { expires_at_ms: now - 1 }))
    expect(await reason(encodeCard(expired))).toBe('CARD_EXPIRED')
    expect(await reason(new Uint8Array(17 * 1024))).toBe('CARD_TOO_LARGE')
    expect(await reason(new TextEncoder().encode('{"v":1,"type":"moltmesh.card"}'))).toBe('CARD_MALFORMED')
    expect(await reason(new TextEncoder().encode('not json'))).toBe('CARD_MALFORMED')
    const badSkill = await signCard(
      alice,
      { ...content, skills: [{ ...content.skills[0]!, id: 'Bad Id' }] },
      meta(3),
    )
    expect(await reason(encodeCard(badSkill))).toBe('CARD_MALFORMED')
  })

  it('the DHT selector picks the highest valid sequence; the validator refuses replays of older versions', async () => {
    const key = cardKey(alice.did)
    const v1 = encodeCard(await signCard(alice, content, meta(1)))
    const v2 = encodeCard(await signCard(alice, content, meta(2)))
    const forged = encodeCard({ ...(await signCard(mallory, content, meta(9))), did: alice.did })
    expect(await selectCardRecord(key, [v1, v2])).toBe(1)
    expect(await selectCardRecord(key, [v2, v1])).toBe(0)
    expect(await selectCardRecord(key, [forged, v1])).toBe(1)

    const cache = createCardCache()
    const rejected: string[] = []
    const validate = cardDhtHooks(cache, (_did, reason) => rejected.push(reason)).validators['mm-card']!
    await validate(key, v2)
    expect(cache.get(alice.did)?.sequence).toBe(2)
    await expect(validate(key, v1)).rejects.toMatchObject({ reason: 'CARD_REPLAYED' })
    await expect(validate(key, forged)).rejects.toMatchObject({ reason: 'CARD_SIGNATURE_INVALID' })
    await expect(validate(cardKey(mallory.did), v2)).rejects.toMatchObject({ reason: 'CARD_KEY_MISMATCH' })
    expect(rejected).toEqual(['CARD_REPLAYED', 'CARD_SIGNATURE_INVALID', 'CARD_KEY_MISMATCH'])
    expect(cache.lastRejection(alice.did)).toBe('CARD_SIGNATURE_INVALID')
    expect(cache.get(alice.did)?.sequence).toBe(2)
  })

  it('checks runtime card content and never publishes private skills or allow-lists', () => {
    const checked = checkCardContent({
      name: 'n',
      description: '',
      skills: [
        skill({ id: 'a2a:v1:cap:Summarise', tags: ['Short Text', 'short-text'], price: '' }),
        skill({ id: 'members-only', visibility: 'whitelist', allowedDids: [mallory.did] }),
        skill({ id: 'secret', visibility: 'private' }),
      ],
    })
    expect(checked.skills[0]).toMatchObject({ id: 'summarise', tags: ['short-text'], price: '0' })
    const published = publishedSkills(checked.skills)
    expect(published.map((s) => [s.id, s.visibility])).toEqual([
      ['summarise', 'public'],
      ['members-only', 'whitelist'],
    ])
    expect(JSON.stringify(published)).not.toContain(mallory.did)

    const bad = (s: Partial<LocalSkill>[]) => () =>
      checkCardContent({ name: '', description: '', skills: s.map(skill) })
    expect(bad([{ id: 'no good' }, { id: 'no-good' }])).toThrow(/duplicate skill id/)
    expect(bad([{ price: '1.1234567' }])).toThrow(/price/)
    expect(bad([{ price: '-3' }])).toThrow(/price/)
    expect(bad([{ inputSchema: '{nope' }])).toThrow(/input_schema is not valid JSON/)
    expect(bad([{ outputSchema: '[1]' }])).toThrow(/JSON Schema object/)
    expect(bad([{ allowedDids: ['did:key:nope'] }])).toThrow(/not a DID/)
    expect(bad([{ tags: ['ok', 'NOT OK!'] }])).toThrow(/not a valid capability/)
  })

  it('matches a capability by skill id or tag, with every required tag, and ranks connected and fresh first', async () => {
    const card = await signCard(alice, content, meta(1))
    expect(matchingSkill(card, 'text-generation', [])?.id).toBe('text-generation')
    expect(matchingSkill(card, 'writing', ['english'])?.id).toBe('text-generation')
    expect(matchingSkill(card, 'text-generation', ['french'])).toBeUndefined()
    expect(matchingSkill(card, 'translation', [])).toBeUndefined()
    expect(scoreOf(card, true, now)).toBeGreaterThan(scoreOf(card, false, now))
    expect(scoreOf(card, false, now)).toBeGreaterThan(scoreOf(card, false, now + 30_000))
  })
})
