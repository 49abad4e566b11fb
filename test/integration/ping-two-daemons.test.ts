// Two real daemons: A bootstraps to B; ping, health, info and peers through the CLI, over TCP and QUIC.
import { describe, expect, it } from 'vitest'
import { useMesh, waitFor } from '../harness/mesh.ts'

describe('two daemons over TCP and QUIC', () => {
  const mesh = useMesh()

  it('A bootstrapped to B over TCP pings B by DID over TCP', async () => {
    const b = await mesh.spawn('b-tcp')
    const a = await mesh.spawn('a-tcp', { bootstrap: [b.info!.tcpAddress] })
    await waitFor(async () => (await a.client.diag.health({})).peerCount === 1, 20_000, 'A to connect to B')

    const ping = await a.cli('ping', b.did, '--count', '3', '--json')
    expect(ping.code, ping.stderr).toBe(0)
    const result = ping.json<{
      reachable: boolean
      did: string
      transport: string
      attempts: Array<{ ok: boolean }>
    }>()
    expect(result.reachable).toBe(true)
    expect(result.did).toBe(b.did)
    expect(result.transport).toBe('tcp')
    expect(result.attempts).toHaveLength(3)
    expect(result.attempts.every((x) => x.ok)).toBe(true)

    // Human output too.
    const human = await a.cli('ping', b.did)
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/Reachable\s+true/)
  })

  it('A bootstrapped to B over QUIC pings B by DID over QUIC, and by multiaddr over either transport', async () => {
    const b = await mesh.spawn('b-quic')
    const a = await mesh.spawn('a-quic', { bootstrap: [b.info!.quicAddress] })
    await waitFor(async () => (await a.client.diag.health({})).peerCount === 1, 20_000, 'A to connect to B')

    const byDid = (await a.cli('ping', b.did, '--json')).json<{ reachable: boolean; transport: string }>()
    expect(byDid).toMatchObject({ reachable: true, transport: 'quic' })

    const overTcp = (await a.cli('ping', b.info!.tcpAddress, '--json')).json<{
      reachable: boolean
      transport: string
    }>()
    expect(overTcp).toMatchObject({ reachable: true, transport: 'tcp' })
    const overQuic = (await a.cli('ping', b.info!.quicAddress, '--json')).json<{
      reachable: boolean
      transport: string
    }>()
    expect(overQuic).toMatchObject({ reachable: true, transport: 'quic' })
  })

  it('health, info and peers report the right DID and peer', async () => {
    const b = await mesh.spawn('b-info')
    const a = await mesh.spawn('a-info', { bootstrap: [b.info!.tcpAddress] })
    await waitFor(async () => (await a.client.diag.health({})).peerCount === 1, 20_000, 'A to connect to B')

    const health = (await a.cli('health', '--json')).json<{ ok: boolean; did: string; peerCount: number }>()
    expect(health).toMatchObject({ ok: true, did: a.did, peerCount: 1 })

    const info = (await a.cli('info', '--json')).json<{
      did: string
      peerId: string
      dataDir: string
      socket: string
      listenAddresses: string[]
    }>()
    expect(info.did).toBe(a.did)
    expect(info.peerId).toBe(a.info!.peerId)
    expect(info.dataDir).toBe(a.dataDir)
    expect(info.socket).toBe(a.socket)
    expect(info.listenAddresses.every((x) => x.endsWith(`/p2p/${a.info!.peerId}`))).toBe(true)

    const identity = (await a.cli('identity', '--json')).json<{
      did: string
      peerId: string
      publicKey: string
    }>()
    expect(identity.did).toBe(a.did)
    expect(identity.publicKey).toMatch(/^ed25519:[0-9a-f]{64}$/)

    const peers = (await a.cli('peers', '--json')).json<{
      peers: Array<{ did: string; peerId: string; transport: string }>
    }>()
    expect(peers.peers).toHaveLength(1)
    expect(peers.peers[0]).toMatchObject({ did: b.did, peerId: b.info!.peerId, transport: 'tcp' })

    const human = await a.cli('peers')
    expect(human.stdout).toContain(b.info!.peerId)
  })

  it('connect, disconnect and metrics', async () => {
    const a = await mesh.spawn('a-conn')
    const b = await mesh.spawn('b-conn')
    const connected = await a.cli('connect', b.info!.quicAddress, '--json')
    expect(connected.code, connected.stderr).toBe(0)
    expect(connected.json<{ peer: { did: string; transport: string } }>().peer).toMatchObject({
      did: b.did,
      transport: 'quic',
    })
    expect((await a.client.diag.health({})).peerCount).toBe(1)

    const metrics = await a.client.diag.getMetrics({})
    const peersGauge = metrics.metrics.find((m) => m.name === 'moltmesh_peers')
    expect(peersGauge?.value).toBe(1)
    expect(metrics.prometheusText).toMatch(/^# TYPE moltmesh_rpc_calls_total counter$/m)
    expect(metrics.prometheusText).toMatch(/^moltmesh_peers 1$/m)

    const before = (await a.client.diag.listPeers({})).peers.find((p) => p.did === b.did)
    expect(before?.connectedAtMs).toBeGreaterThan(0)
    const gone = await a.cli('disconnect', b.did, '--json')
    expect(gone.code, gone.stderr).toBe(0)
    expect(gone.json<{ wasConnected: boolean }>().wasConnected).toBe(true)
    // The connection that existed is closed. B may dial A again right away (its DHT keeps A in its
    // routing table), so "closed" means: no connection, or a newer one.
    await waitFor(
      async () => {
        const now = (await a.client.diag.listPeers({})).peers.find((p) => p.did === b.did)
        return now == null || now.connectedAtMs > (before?.connectedAtMs ?? 0)
      },
      10_000,
      'the old connection to close',
    )
  })

  it('an unreachable peer is a clear result, not a hang or a crash', async () => {
    const a = await mesh.spawn('a-unreach')
    // A valid DID nobody runs, and a multiaddr with nothing listening.
    const stranger = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
    const res = await a.cli('ping', stranger, '--timeout', '2000', '--json')
    expect(res.code).toBe(1)
    const body = res.json<{ reachable: boolean; error: string }>()
    expect(body.reachable).toBe(false)
    expect(body.error).not.toBe('')

    const closedPort = `/ip4/127.0.0.1/tcp/1/p2p/12D3KooWSoZeKsRNiu6eaTCvmE6JrCmxXqz6kyJ8uLosm54Qw96E`
    const res2 = await a.cli('ping', closedPort, '--timeout', '2000', '--json')
    expect(res2.code).toBe(1)
    expect(res2.json<{ reachable: boolean }>().reachable).toBe(false)

    const bad = await a.cli('ping', 'did:key:zNOTADID')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('INVALID_DID')
    expect((await a.client.diag.health({})).ok).toBe(true)
  })

  it('a peer that freezes without closing its connection is dropped by the keep-alive ping', async () => {
    // TCP only: QUIC would time the frozen peer out by itself (its own keep-alive, 10 s).
    const env = {
      MOLTMESH_P2P_TRANSPORTS: 'tcp',
      MOLTMESH_P2P_CONNECTIONS_KEEPALIVE_INTERVAL_MS: '1000',
    }
    const b = await mesh.spawn('b-frozen', { env })
    const a = await mesh.spawn('a-keeper', { env, bootstrap: [b.info!.tcpAddress] })
    await waitFor(async () => (await a.client.diag.health({})).peerCount === 1, 20_000, 'A to connect to B')
    const pings = async (result: string) => {
      const { metrics } = await a.client.diag.getMetrics({})
      return metrics
        .filter((m) => m.name === 'moltmesh_connection_pings_total' && m.labels.result === result)
        .reduce((n, m) => n + m.value, 0)
    }
    await waitFor(async () => (await pings('ok')) >= 2, 10_000, 'keep-alive pings answered')
    expect(await pings('failed')).toBe(0)

    // B stops answering anything; its sockets stay open, so only a ping can tell.
    b.child!.kill('SIGSTOP')
    try {
      await waitFor(async () => (await a.client.diag.health({})).peerCount === 0, 15_000, 'A to drop B')
      expect(await pings('failed')).toBeGreaterThanOrEqual(1)
    } finally {
      b.child!.kill('SIGCONT')
    }
  })
})
