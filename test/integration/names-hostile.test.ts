// Back-dated name claims (issue 15, item 3): a raw DHT peer signs a claim for a held name with
// `claimed_at` 30 days in the past and puts it into the DHT. Daemons that already saw the holder
// refuse to store or prefer it (first-seen time bounds the claim time), a daemon that resolved the
// name before keeps it pinned to the holder even after a restart (trust on first use, with a
// warning), and a message to the name still reaches the holder.
import { afterAll, describe, expect, it } from 'vitest'
import { encodeClaim, nameKey, signClaim } from '../../daemon/names/name-record.ts'
import { sampleHealth } from '../harness/health-sampler.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { allInbox, sendText } from '../harness/messages.ts'
import { createRawDhtPeer, type RawDhtPeer } from '../harness/raw-dht-peer.ts'

const DAY = 24 * 3600 * 1000

describe('hostile name claims', () => {
  const mesh = useMesh()
  const peers: RawDhtPeer[] = []
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.stop()))
  })

  it('a back-dated claim does not take over a held name', async () => {
    const [a, b] = await mesh.spawnMany(2)
    if (a == null || b == null) throw new Error('spawn failed')
    await waitFor(async () => (await a.client.diag.health({})).peerCount === 1, 20_000, 'mesh')
    await a.client.a2a.claimName({ name: 'swift-falcon' })
    expect((await b.client.a2a.resolveName({ name: 'swift-falcon' })).did).toBe(a.did)

    const attacker = await createRawDhtPeer()
    peers.push(attacker)
    await attacker.connect(a.info!.tcpAddress)
    await attacker.connect(b.info!.tcpAddress)
    const now = Date.now()
    const forged = await signClaim(attacker.identity, {
      name: 'swift-falcon',
      seq: 1,
      claimed_at_ms: now - 30 * DAY,
      expires_at_ms: now + DAY,
      released: false,
    })
    const health = sampleHealth(b, 'back-dated name claims')
    await attacker.put(nameKey('swift-falcon'), encodeClaim(forged))

    for (const d of [a, b]) {
      const r = await d.client.a2a.resolveName({ name: 'swift-falcon' })
      expect(r.did).toBe(a.did)
    }
    expect((await health.stop()).failures).toBe(0)
    const sent = await sendText(b, 'swift-falcon', 'to the real holder')
    expect(sent.message?.to).toBe(a.did)
    await waitFor(async () => (await allInbox(a)).some((m) => m.id === sent.id), 20_000, 'delivery')

    // After a restart b has forgotten what it saw, and the attacker serves its record first-hand:
    // the pin (persisted) keeps the name on the holder, and the answer says why.
    await b.restart()
    await attacker.connect(b.info!.tcpAddress)
    await waitFor(async () => (await b.client.diag.health({})).peerCount >= 2, 20_000, 'reconnected')
    expect((await b.client.a2a.resolveName({ name: 'swift-falcon' })).did).toBe(a.did)
  }, 90_000)

  it('a daemon keeps a name pinned to the holder it resolved before, and warns', async () => {
    const b = await mesh.spawn('pinner')
    // A long-standing holder (claimed a day ago), seen by b, then gone from the network.
    const holder = await createRawDhtPeer()
    peers.push(holder)
    await holder.connect(b.info!.tcpAddress)
    const now = Date.now()
    const claim = (peer: RawDhtPeer, claimedAt: number) =>
      signClaim(peer.identity, {
        name: 'old-owl',
        seq: 1,
        claimed_at_ms: claimedAt,
        expires_at_ms: now + DAY,
        released: false,
      })
    await holder.put(nameKey('old-owl'), encodeClaim(await claim(holder, now - DAY)))
    const first = await b.client.a2a.resolveName({ name: 'old-owl' })
    expect(first).toMatchObject({ did: holder.identity.did, warning: '' })
    await holder.stop()

    // b restarts (it forgets what it saw) and only the attacker's back-dated claim is reachable.
    await b.restart()
    const attacker = await createRawDhtPeer()
    peers.push(attacker)
    await attacker.connect(b.info!.tcpAddress)
    await attacker.put(nameKey('old-owl'), encodeClaim(await claim(attacker, now - 30 * DAY)))
    const again = await b.client.a2a.resolveName({ name: 'old-owl' })
    expect(again.did).toBe(holder.identity.did)
    expect(again.warning).toContain(attacker.identity.did)
    expect(again.warning).toContain('resolved to before')
    const cli = await b.cli('name', 'resolve', 'old-owl')
    expect(cli.code, cli.stderr).toBe(0)
    expect(cli.stdout).toContain(holder.identity.did)
    expect(cli.stderr).toContain('warning: name "old-owl" is also claimed by')
  }, 90_000)
})
