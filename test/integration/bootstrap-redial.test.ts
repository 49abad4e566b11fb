// A daemon whose only peer (its bootstrap host) went away finds its way back when the host returns:
// it dials its bootstrap list again while it has no connection (daemon/p2p/bootstrap-redial.ts).
import { describe, expect, it } from 'vitest'
import { freePort } from '../harness/free-port.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { metricValue } from '../harness/metric-value.ts'

describe('bootstrap redial', () => {
  const mesh = useMesh()

  it('reconnects to its bootstrap host after losing every connection', async () => {
    const port = await freePort()
    const boot = await mesh.spawn('boot', {
      args: ['--port', String(port)],
      env: { MOLTMESH_P2P_TRANSPORTS: 'tcp' },
    })
    const leaf = await mesh.spawn('leaf', {
      bootstrap: [boot.info!.tcpAddress],
      env: { MOLTMESH_P2P_TRANSPORTS: 'tcp' },
    })
    await waitFor(async () => (await leaf.client.diag.health({})).peerCount === 1, 20_000, 'leaf to connect')

    await boot.kill()
    await waitFor(
      async () => (await leaf.client.diag.health({})).peerCount === 0,
      20_000,
      'leaf to see the host go',
    )
    // Alone, the leaf dials its bootstrap list again (5 s after the last connection closed): the
    // host is down, so the attempt fails and is counted.
    await waitFor(
      async () => (await metricValue(leaf, 'moltmesh_bootstrap_redials_total', { result: 'failed' })) >= 1,
      30_000,
      'leaf to redial its bootstrap host',
    )
    expect(leaf.output.some((l) => l.includes('dialing the bootstrap peers again'))).toBe(true)
    // Back on the same port with the same identity: connected again (the leaf's next redial, 10 s
    // after the failed one, or the host dialling the leaf it remembers, whichever comes first).
    await boot.start()
    await waitFor(
      async () => (await leaf.client.diag.health({})).peerCount === 1,
      40_000,
      'leaf to reconnect',
    )
  }, 90_000)
})
