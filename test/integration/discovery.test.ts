// Agent cards and capability discovery across real daemons (mDNS off: everything goes through the DHT
// or direct connections): a six-daemon mesh, forged and replayed cards, restarts and removed skills.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { cardKey, encodeCard, signCard } from '../../daemon/cards/card-record.ts'
import { createIdentity } from '../../daemon/identity/identity.ts'
import { find, publishCard, recordOf, verifiedIndependently } from '../harness/cards.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { createRawDhtPeer } from '../harness/raw-dht-peer.ts'

const reasonOf = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: { reason: string }) => e.reason,
  )

describe('agent cards and discovery', () => {
  const mesh = useMesh()

  it('six daemons joined through one bootstrap find each other by capability and by name', async () => {
    // The bootstrap node declares its card in moltbook.toml; the others publish theirs at runtime.
    const boot = mesh.create('boot')
    mkdirSync(join(boot.home, '.moltmesh'), { recursive: true })
    writeFileSync(
      join(boot.home, '.moltmesh', 'moltbook.toml'),
      [
        '[agent]',
        'name = "bootstrap-agent"',
        'description = "declared in moltbook.toml"',
        '[[agent.skills]]',
        'id = "common-task"',
        'tags = ["shared-tag"]',
        'price = "2.5"',
        '[[agent.skills]]',
        'id = "secret-sauce"',
        'visibility = "private"',
        '',
      ].join('\n'),
    )
    await boot.start()
    const others = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => mesh.spawn(`p${i}`, { bootstrap: [boot.info!.tcpAddress] })),
    )
    const all = [boot, ...others]
    await Promise.all(
      others.map((d, i) =>
        publishCard(d, `agent-${i + 1}`, [
          { id: 'common-task', tags: ['shared-tag'] },
          { id: `only-${i + 1}` },
        ]),
      ),
    )
    const bootCard = (await boot.client.a2a.getAgentCard({})).card!
    expect(bootCard.name).toBe('bootstrap-agent')
    expect(bootCard.skills.map((s) => s.id)).toEqual(['common-task']) // the private skill is not published

    // Every agent is found by its own capability from every other agent.
    for (const [i, target] of others.entries()) {
      for (const asker of all) {
        if (asker === target) continue
        const hits = await waitFor(
          async () => {
            const r = await find(asker, `a2a:v1:cap:only-${i + 1}`, 5, 3_000)
            return r.length > 0 ? r : null
          },
          20_000,
          `${asker.name} finding only-${i + 1}`,
        )
        expect(hits.map((h) => h.card!.did)).toEqual([target.did])
        expect(await verifiedIndependently(hits[0]!.card!)).toBe(true)
      }
    }
    // The shared capability (by tag, short form) returns every other agent once, all verified.
    for (const asker of [boot, others[2]!]) {
      const hits = await waitFor(
        async () => {
          const r = await find(asker, 'shared-tag', 20, 4_000)
          return r.length === 5 ? r : null
        },
        20_000,
        `${asker.name} finding shared-tag`,
      )
      const dids = hits.map((h) => h.card!.did).sort()
      expect(dids).toEqual(
        all
          .filter((d) => d !== asker)
          .map((d) => d.did)
          .sort(),
      )
      for (const h of hits) expect(await verifiedIndependently(h.card!)).toBe(true)
      const fromBoot = hits.find((h) => h.card!.did === boot.did)
      if (fromBoot != null) expect(fromBoot.skill!.price).toBe('2.5')
    }

    // Through the DHT alone: the asker is not connected to the agent it looks for.
    const [asker, target] = [others[0]!, others[4]!]
    const viaDht = await waitFor(
      async () => {
        await asker.client.diag.disconnectPeer({ target: target.did }).catch(() => undefined)
        const r = await find(asker, 'only-5', 1, 5_000)
        return r.length === 1 && !r[0]!.connected ? r : null
      },
      20_000,
      'a result from an agent that was not connected',
    )
    expect(viaDht[0]!.card!.did).toBe(target.did)
    expect(await verifiedIndependently(viaDht[0]!.card!)).toBe(true)

    // By name after a claim.
    await others[1]!.client.a2a.claimName({ name: 'clever-otter' })
    const byName = await others[3]!.client.a2a.getAgentCard({ did: 'clever-otter' })
    expect(byName.card!.did).toBe(others[1]!.did)
    expect(await verifiedIndependently(byName.card!)).toBe(true)

    // Nobody offers a private skill: the search is recorded as unmet demand.
    expect(await find(others[0]!, 'secret-sauce', 5, 1_500)).toEqual([])
    expect(await find(others[0]!, 'secret-sauce', 5, 1_500)).toEqual([])
    const demand = await others[0]!.client.a2a.listDemand({})
    expect(demand.entries).toEqual([expect.objectContaining({ capability: 'secret-sauce', count: 2 })])
  })

  it('refuses forged, mis-signed, replayed and expired cards and never returns them', async () => {
    const [a, b] = await mesh.spawnMany(2)
    await waitFor(async () => (await a!.client.diag.health({})).peerCount === 1, 20_000, 'mesh')
    const first = await publishCard(b!, 'honest', [{ id: 'honest-work' }])
    await waitFor(async () => (await find(a!, 'honest-work', 1)).length === 1, 20_000, 'honest card')

    const evil = await createRawDhtPeer()
    try {
      await evil.connect(a!.info!.tcpAddress)
      await evil.connect(b!.info!.tcpAddress)
      const victim = createIdentity(await generateKeyPair('Ed25519'))
      const now = Date.now()
      const content = {
        name: 'victim',
        description: '',
        skills: [
          {
            id: 'honest-work',
            name: '',
            description: '',
            tags: [],
            input_schema: '',
            output_schema: '',
            price: '0',
            visibility: 'public' as const,
          },
        ],
        addresses: [],
        protocols: [],
      }
      const meta = { sequence: 1, published_at_ms: now, expires_at_ms: now + 3_600_000 }
      // 1. valid JSON, tampered after signing
      const tampered = { ...(await signCard(victim, content, meta)), name: 'someone else' }
      // 2. signed by another key, claiming the victim's DID
      const otherKey = { ...(await signCard(evil.identity, content, meta)), did: victim.did }
      // 3. properly signed but expired
      const expired = await signCard(victim, content, { ...meta, expires_at_ms: now - 1_000 })
      for (const card of [tampered, otherKey, expired]) await evil.put(cardKey(victim.did), encodeCard(card))
      // The attacker also announces the capability with a forged card of its own.
      const forgedOwn = { ...(await signCard(evil.identity, content, meta)), name: 'forged' }
      forgedOwn.sig = tampered.sig
      await evil.put(cardKey(evil.identity.did), encodeCard(forgedOwn))

      expect(await reasonOf(a!.client.a2a.getAgentCard({ did: victim.did, timeoutMs: 3_000 }))).toBe(
        'CARD_INVALID',
      )
      expect(await reasonOf(a!.client.a2a.getAgentCard({ did: evil.identity.did, timeoutMs: 3_000 }))).toBe(
        'CARD_INVALID',
      )
      const hits = await find(a!, 'honest-work', 10, 3_000)
      expect(hits.map((h) => h.card!.did)).toEqual([b!.did])

      // 4. a replay of b's older card after b published a newer one.
      const second = await publishCard(b!, 'honest', [{ id: 'honest-work' }, { id: 'new-skill' }])
      expect(second.sequence).toBeGreaterThan(first.sequence)
      await evil.put(cardKey(b!.did), encodeCard(recordOf(first)))
      await a!.client.diag.disconnectPeer({ target: b!.did }).catch(() => undefined)
      const seen = await a!.client.a2a.getAgentCard({ did: b!.did, timeoutMs: 3_000 })
      expect(seen.card!.sequence).toBe(second.sequence)

      const metrics = (await a!.client.diag.getMetrics({})).prometheusText
      expect(metrics).toMatch(/moltmesh_hostile_input_total\{[^}]*protocol="dht-card"[^}]*\} [1-9]/)
      expect(a!.output.join('\n')).toContain('rejected agent card record')
    } finally {
      await evil.stop()
    }
  })

  it('a card survives a restart and is republished; a removed skill disappears from discovery', async () => {
    const [a, b] = await mesh.spawnMany(2)
    await waitFor(async () => (await a!.client.diag.health({})).peerCount === 1, 20_000, 'mesh')
    await publishCard(b!, 'changing', [{ id: 'ephemeral-skill' }, { id: 'lasting-skill' }])
    await waitFor(async () => (await find(a!, 'ephemeral-skill', 1)).length === 1, 20_000, 'ephemeral')

    const v2 = await publishCard(b!, 'changing', [{ id: 'lasting-skill' }])
    expect(await find(a!, 'ephemeral-skill', 5, 2_000)).toEqual([])
    expect((await find(a!, 'lasting-skill', 5, 2_000)).map((h) => h.card!.did)).toEqual([b!.did])

    await b!.restart()
    const after = (await b!.client.a2a.getAgentCard({})).card!
    expect(after.sequence).toBeGreaterThan(v2.sequence)
    expect(after.skills.map((s) => s.id)).toEqual(['lasting-skill'])
    await waitFor(
      async () =>
        (await a!.client.a2a.getAgentCard({ did: b!.did, timeoutMs: 3_000 })).card!.sequence ===
        after.sequence,
      20_000,
      'restarted card',
    )

    // A short TTL is renewed at half of it while the daemon runs.
    const short = await publishCard(b!, 'changing', [{ id: 'lasting-skill' }], 2_000)
    const renewed = await waitFor(
      async () => {
        const card = (await a!.client.a2a.getAgentCard({ did: b!.did, timeoutMs: 3_000 })).card!
        return card.sequence > short.sequence ? card : undefined
      },
      20_000,
      'the renewed card',
    )
    expect(renewed.expiresAtMs).toBeGreaterThan(Date.now())
  })

  it('refuses bad cards and queries with reason codes', async () => {
    const [a] = await mesh.spawnMany(1)
    expect(await reasonOf(publishCard(a!, 'x', [{ id: 'Bad Id!' }]))).toBe('INVALID_CARD')
    expect(await reasonOf(publishCard(a!, 'x', [{ id: 'ok-skill', price: '-1' }]))).toBe('INVALID_CARD')
    expect(await reasonOf(publishCard(a!, 'x', [{ id: 'dup' }, { id: 'a2a:v1:cap:dup' }]))).toBe(
      'INVALID_CARD',
    )
    expect(await reasonOf(find(a!, '!!'))).toBe('INVALID_CAPABILITY')
    expect(await reasonOf(a!.client.a2a.getAgentCard({ did: 'not a did' }))).toBe('INVALID_TARGET')
    const stranger = createIdentity(await generateKeyPair('Ed25519'))
    expect(await reasonOf(a!.client.a2a.getAgentCard({ did: stranger.did, timeoutMs: 1_000 }))).toBe(
      'CARD_NOT_FOUND',
    )
  })

  it('the CLI publishes from a file, shows cards by name, finds agents and lists demand', async () => {
    const [a, b] = await mesh.spawnMany(2)
    await waitFor(async () => (await a!.client.diag.health({})).peerCount === 1, 20_000, 'mesh')
    const file = join(b!.home, 'card.json')
    writeFileSync(
      file,
      JSON.stringify({
        name: 'Swift Falcon',
        description: 'writes short texts',
        skills: [
          {
            id: 'text-generation',
            tags: ['english'],
            price: '0.5',
            input_schema: { type: 'object', required: ['prompt'] },
          },
          { id: 'embedding', visibility: 'whitelist', allowed_dids: [a!.did] },
          { id: 'hidden-trick', visibility: 'private' },
        ],
      }),
    )
    const published = await b!.cli('card', 'publish', '--file', file)
    expect(published.code, published.stderr).toBe(0)
    expect(published.stdout).toContain('text-generation  0.5 credits  public  [english]')
    expect(published.stdout).toContain('embedding  free  whitelist')
    expect(published.stdout).not.toContain('hidden-trick')
    expect((await b!.cli('name', 'claim', 'swift', 'falcon')).code).toBe(0)

    const shown = await a!.cli('card', 'show', 'swift-falcon', '--json')
    expect(shown.code, shown.stderr).toBe(0)
    const card = shown.json<{
      card: { did: string; skills: Array<{ id: string; inputSchemaJson: string }> }
    }>().card
    expect(card.did).toBe(b!.did)
    expect(JSON.parse(card.skills[0]!.inputSchemaJson)).toEqual({ type: 'object', required: ['prompt'] })

    const found = await waitFor(
      async () => {
        const r = await a!.cli('find-agents', '--capability', 'text-generation', '--tag', 'english')
        return r.stdout.includes('# 1 agent found') ? r : null
      },
      20_000,
      'find-agents via CLI',
    )
    expect(found.stdout).toContain('# searching for a2a:v1:cap:text-generation...')
    expect(found.stdout).toMatch(new RegExp(`${b!.did}  Swift Falcon  text-generation, embedding`))
    const asJson = await a!.cli('find-agents', 'embedding', '--json', '--limit', '1')
    const line = JSON.parse(asJson.stdout.trim().split('\n')[0]!) as {
      card: { did: string }
      skill: { id: string }
    }
    expect(line.card.did).toBe(b!.did)
    expect(line.skill.id).toBe('embedding')

    const none = await a!.cli('find-agents', 'hidden-trick', '--timeout', '1500')
    expect(none.code).toBe(0)
    expect(none.stdout).toContain('# no agents offer hidden-trick (recorded as unmet demand)')
    const demand = await a!.cli('demand')
    expect(demand.stdout).toMatch(/hidden-trick\s+1\s+20\d\d-/)
    const demandJson = await a!.cli('demand', '--json')
    expect(
      demandJson.json<{ entries: Array<{ capability: string; count: string | number }> }>().entries,
    ).toEqual([expect.objectContaining({ capability: 'hidden-trick' })])

    const missing = await b!.cli('card', 'publish', '--file', join(b!.home, 'nope.json'))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('cannot read card file')
    writeFileSync(file, '{ not json')
    const broken = await b!.cli('card', 'publish', '--file', file)
    expect(broken.code).toBe(1)
    expect(broken.stderr).toContain('is not valid JSON')
    expect(broken.stderr).not.toContain('    at ')
    const badCap = await a!.cli('find-agents', '--capability', 'Not Valid!')
    expect(badCap.code).toBe(1)
    expect(badCap.stderr).toContain('[INVALID_CAPABILITY]')
  })

  it('mDNS finds an agent on the LAN without the DHT', async () => {
    // DHT client mode and no bootstrap: the two daemons can only meet through mDNS.
    const env = { MOLTMESH_P2P_DHT_MODE: 'client' }
    const a = await mesh.spawn('lan-a', { mdns: true, env })
    const b = await mesh.spawn('lan-b', { mdns: true, env })
    await publishCard(b, 'lan-agent', [{ id: 'lan-only' }])
    const hits = await waitFor(
      async () => {
        const r = await find(a, 'lan-only', 1, 2_000)
        return r.length === 1 ? r : null
      },
      30_000,
      'the LAN agent, found through mDNS',
    )
    expect(hits[0]!.card!.did).toBe(b.did)
    expect(hits[0]!.connected).toBe(true)
  })
})
