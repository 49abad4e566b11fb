import { MeshCluster } from './test/harness/mesh-cluster.ts'
import { publishCards, uniqueCap } from './bench/mesh/discovery.ts'
import { find } from './test/harness/cards.ts'
const c = MeshCluster.create({ env: { MOLTMESH_LOG_LEVEL: 'debug' } })
try {
  await c.grow(Number(process.env.N ?? 30))
  await publishCards(c)
  await new Promise(r => setTimeout(r, 3000))
  for (const ti of [0, 1, 2, 3, 5, 8, 13]) {
    const target = c.members[ti]!
    for (const ai of [7, 12, 20, 25, 28]) {
      const asker = c.members[ai]!
      await asker.daemon.client.diag.disconnectPeer({ target: target.daemon.did }).catch(() => undefined)
      const peersBefore = (await asker.daemon.client.diag.listPeers({ includeDisconnected: false })).peers.some(p => p.did === target.daemon.did)
      const mark = asker.daemon.output.length
      const t0 = performance.now()
      const hits = await find(asker.daemon, uniqueCap(target), 1, 10_000)
      const ms = Math.round(performance.now() - t0)
      const ok = hits[0]?.card?.did === target.daemon.did
      console.log(`${asker.name} -> ${target.name}: ${ok ? 'found' : 'MISS'} ${ms} ms connectedBefore=${peersBefore} conn=${hits[0]?.connected}`)
      if (!ok || !hits[0]?.connected) for (const l of asker.daemon.output.slice(mark)) if (/fetch failed|query ended|dial|DHT lookup/.test(l)) console.log('   ', l.slice(0, 400))
    }
  }
} finally { await c.teardown() }
