// FindAgents across N daemons on loopback (N = 10 and 30; BENCH_SIZES="10,30"), mDNS off, all joined
// through one bootstrap node. Each daemon publishes a card with a unique capability and a shared one.
// Latency: FindAgents(unique capability of a target, limit 1) until the first verified result, for
// askers that are NOT connected to the target at query time (disconnected just before), so the result
// comes through the DHT provider records. Also: the fraction of all N-1 agents found for the shared
// capability. Prints one JSON line per N.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { find, publishCard } from '../test/harness/cards.ts'
import { DaemonProcess } from '../test/harness/daemon-process.ts'
import { round, summarize } from './stats.ts'

const SIZES = (process.env.BENCH_SIZES ?? '10,30').split(',').map(Number)
const QUERIES = Number(process.env.BENCH_QUERIES ?? 60)
const BATCH = 5
const env = { MOLTMESH_LOG_LEVEL: 'warn' }

async function run(n: number): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'mm-bench-'))
  const daemons: DaemonProcess[] = []
  try {
    const boot = new DaemonProcess({ name: 'd0', root, env })
    daemons.push(await boot.start())
    // Small batches: the machine has two cores, and every start loads the whole libp2p stack.
    for (let i = 1; i < n; i += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, n - i) }, (_, j) => {
        const d = new DaemonProcess({ name: `d${i + j}`, root, env, bootstrap: [boot.info!.tcpAddress] })
        daemons.push(d)
        return d.start()
      })
      await Promise.all(batch)
    }
    await Promise.all(
      daemons.map((d, i) => publishCard(d, `bench-${i}`, [{ id: `bench-cap-${i}` }, { id: 'bench-shared' }])),
    )
    await new Promise((r) => setTimeout(r, 3_000)) // let re-announcements after bootstrap settle

    const latencies: number[] = []
    let found = 0
    let wasConnected = 0
    for (let q = 0; q < QUERIES; q++) {
      const ai = q % n
      const ti = (ai + 1 + ((q * 7) % (n - 1))) % n
      const [asker, target] = [daemons[ai]!, daemons[ti]!]
      await asker.client.diag.disconnectPeer({ target: target.did }).catch(() => undefined)
      const peers = await asker.client.diag.listPeers({ includeDisconnected: false })
      if (peers.peers.some((p) => p.did === target.did)) wasConnected++
      const t0 = performance.now()
      const hits = await find(asker, `bench-cap-${ti}`, 1, 10_000)
      latencies.push(performance.now() - t0)
      if (hits[0]?.card?.did === target.did) found++
      else if (process.env.BENCH_DEBUG)
        console.error(`miss: d${ai} -> d${ti} hits=${hits.length} ms=${Math.round(latencies.at(-1)!)}`)
    }

    const shared: number[] = []
    const sharedMs: number[] = []
    for (const asker of daemons.slice(0, 5)) {
      const t0 = performance.now()
      const hits = await find(asker, 'bench-shared', n - 1, 10_000)
      sharedMs.push(performance.now() - t0)
      shared.push(new Set(hits.map((h) => h.card!.did)).size / (n - 1))
    }
    const connections = await Promise.all(
      daemons.map(async (d) => (await d.client.diag.health({})).peerCount),
    )
    console.log(
      JSON.stringify({
        bench: 'discovery',
        n,
        path: 'FindAgents(unique capability, limit 1) from a daemon not connected to the target: DHT providers -> dial -> card fetch -> verify',
        latencyMs: summarize(latencies),
        foundFraction: round(found / QUERIES),
        connectedAtQueryFraction: round(wasConnected / QUERIES),
        sharedFoundFraction: round(shared.reduce((s, x) => s + x, 0) / shared.length),
        sharedSearchMs: summarize(sharedMs),
        meanPeersPerDaemon: round(connections.reduce((s, x) => s + x, 0) / n, 1),
        aim: 'p50 < 200 ms, 100% found',
      }),
    )
  } finally {
    await Promise.all(daemons.map((d) => d.stop().catch(() => d.kill())))
    rmSync(root, { recursive: true, force: true })
  }
}

for (const n of SIZES) await run(n)
