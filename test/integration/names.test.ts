// Human-readable names across real daemons: claim with consent, resolve, release, expiry, renewal,
// and names accepted wherever a DID is (messages, ping).
import { describe, expect, it } from 'vitest'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { allInbox, sendText } from '../harness/messages.ts'

describe('names', () => {
  const mesh = useMesh()

  it('claim, consent, release, resolve, and use a name instead of a DID', async () => {
    const [a, b, c] = await mesh.spawnMany(3)
    await waitFor(async () => (await a!.client.diag.health({})).peerCount === 2, 20_000, 'mesh')

    const claim = await b!.cli('name', 'claim', 'swift', 'falcon', '--json')
    expect(claim.code, claim.stderr).toBe(0)
    expect(claim.json<{ name: string; did: string }>()).toMatchObject({ name: 'swift-falcon', did: b!.did })

    const resolved = await c!.cli('name', 'resolve', 'swift-falcon', '--json')
    expect(resolved.json<{ did: string; expiresAtMs: number }>().did).toBe(b!.did)

    const taken = await a!.cli('name', 'claim', 'swift-falcon')
    expect(taken.code).toBe(1)
    expect(taken.stderr).toContain('[NAME_TAKEN]')
    expect(taken.stderr).toContain(b!.did)
    expect(taken.stderr).toMatch(/expires 20\d\d-/)

    // A name works wherever a DID does.
    const sent = await sendText(c!, 'swift-falcon', 'by name')
    expect(sent.message?.to).toBe(b!.did)
    await waitFor(async () => (await allInbox(b!)).some((m) => m.id === sent.id), 10_000, 'delivery by name')
    const ping = await c!.cli('ping', 'swift-falcon', '--json')
    expect(ping.json<{ reachable: boolean; did: string }>()).toMatchObject({ reachable: true, did: b!.did })
    expect((await b!.client.a2a.getIdentity({})).names).toEqual(['swift-falcon'])

    expect((await b!.cli('name', 'release', 'swift-falcon')).code).toBe(0)
    const reclaimed = await a!.client.a2a.claimName({ name: 'swift-falcon' })
    expect(reclaimed.did).toBe(a!.did)
    await waitFor(
      async () => (await c!.client.a2a.resolveName({ name: 'swift-falcon' })).did === a!.did,
      10_000,
      'new holder',
    )
    expect((await b!.client.a2a.listNames({})).names).toEqual([])
  })

  it('an expired claim frees the name; a running holder renews its claim', async () => {
    const [a, b] = await mesh.spawnMany(2)
    await waitFor(async () => (await a!.client.diag.health({})).peerCount === 1, 20_000, 'mesh')

    const renewed = await a!.client.a2a.claimName({ name: 'kept-alive', ttlMs: 2_000 })
    const short = await b!.client.a2a.claimName({ name: 'short-lived', ttlMs: 2_000 })
    expect((await a!.client.a2a.resolveName({ name: 'short-lived' })).did).toBe(b!.did)
    await b!.stop() // no more renewals for short-lived
    // Refused (NAME_TAKEN) until b's claim expires, about 2 s from now.
    const nowMine = await waitFor(
      () => a!.client.a2a.claimName({ name: 'short-lived' }),
      20_000,
      'the unrenewed claim to expire',
    )
    expect(nowMine.did).toBe(a!.did)
    expect(nowMine.expiresAtMs).toBeGreaterThan(short.expiresAtMs)
    // kept-alive was renewed by its running holder: still held, with a later expiry.
    const still = await waitFor(
      async () => {
        const r = await a!.client.a2a.resolveName({ name: 'kept-alive' })
        return r.expiresAtMs > renewed.expiresAtMs ? r : undefined
      },
      10_000,
      'a renewal of kept-alive',
    )
    expect(still.did).toBe(a!.did)
  })

  it('held names are renewed after a restart; bad names and unknown names get reason codes', async () => {
    const [a, b] = await mesh.spawnMany(2)
    await waitFor(async () => (await a!.client.diag.health({})).peerCount === 1, 20_000, 'mesh')
    await b!.client.a2a.claimName({ name: 'bright-harbor' })
    await b!.restart()
    expect((await b!.client.a2a.getIdentity({})).names).toEqual(['bright-harbor'])
    await waitFor(
      async () => (await a!.client.a2a.resolveName({ name: 'bright-harbor' })).did === b!.did,
      20_000,
      'resolve after restart',
    )

    const reasonOf = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (e: { reason: string }) => e.reason,
      )
    expect(await reasonOf(a!.client.a2a.claimName({ name: 'No_Such Name!' }))).toBe('INVALID_NAME')
    expect(await reasonOf(a!.client.a2a.claimName({ name: 'ab' }))).toBe('INVALID_NAME')
    expect(await reasonOf(a!.client.a2a.resolveName({ name: 'nobody-has-this', timeoutMs: 2_000 }))).toBe(
      'NAME_NOT_FOUND',
    )
    expect(await reasonOf(a!.client.a2a.releaseName({ name: 'bright-harbor' }))).toBe('NAME_NOT_HELD')
    const unknown = await a!.cli('send-message', '--to', 'nobody-has-this', '-m', 'x')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('NAME_NOT_FOUND')
  })
})
