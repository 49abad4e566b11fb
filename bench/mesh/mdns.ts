// mdns: hosts on one bridge with mDNS on and no bootstrap list at all must find each other. Needs
// namespaces (multicast on the bridge); on loopback the scenario is skipped with the reason.
import { MeshCluster } from '../../test/harness/mesh-cluster.ts'
import { round } from '../stats.ts'
import { type ScenarioContext, type ScenarioResult, sleep } from './common.ts'
import { publishCards, uniqueCap } from './discovery.ts'

export async function mdnsScenario(
  hosts: number,
  mode: 'auto' | 'netns' | 'loopback',
  ctx: ScenarioContext,
): Promise<ScenarioResult> {
  if (mode === 'loopback') return { scenario: 'mdns', hosts, mode, skipped: 'mDNS needs namespaces' }
  const cluster = MeshCluster.create({ mode, mdns: true, log: ctx.log })
  if (cluster.mode !== 'netns') {
    await cluster.teardown()
    return { scenario: 'mdns', hosts, mode: cluster.mode, skipped: cluster.fallbackReason }
  }
  try {
    await cluster.grow(hosts)
    await publishCards(cluster)
    const t0 = performance.now()
    // Every host must find other hosts' unique capabilities (all pairs up to 15 hosts, else 200 random
    // pairs); polled for up to 60 s.
    const all = cluster.members.flatMap((a) =>
      cluster.members.filter((b) => b !== a).map((b) => [a, b] as const),
    )
    const chosen =
      all.length <= 210 ? all : Array.from({ length: 200 }, () => all[Math.floor(ctx.random() * all.length)]!)
    let found = 0
    const pairs = chosen.length
    while (performance.now() - t0 < 60_000) {
      found = 0
      for (const [asker, target] of chosen) {
        for await (const r of asker.daemon.client.a2a.findAgents({
          capability: uniqueCap(target),
          tags: [],
          limit: 1,
          timeoutMs: 2_000,
        }))
          if (r.card?.did === target.daemon.did) found++
      }
      if (found === pairs) break
      await sleep(2_000)
    }
    return {
      scenario: 'mdns',
      hosts,
      mode: cluster.mode,
      foundFraction: round(found / pairs),
      seconds: Math.round((performance.now() - t0) / 1000),
      aim: 'all hosts find each other with no bootstrap',
    }
  } finally {
    await cluster.teardown()
  }
}
