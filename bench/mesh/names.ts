// names: every host claims mesh-name-<i>; resolves of random names from random hosts (100% must
// resolve to the right DID), then a sweep where every host resolves one name it has not resolved.
import type { MeshCluster } from '../../test/harness/mesh-cluster.ts'
import { round, summarize } from '../stats.ts'
import { pick, pool, type ScenarioContext, type ScenarioResult, sleep } from './common.ts'

export async function names(cluster: MeshCluster, ctx: ScenarioContext): Promise<ScenarioResult> {
  const members = cluster.alive
  const nameOf = (i: number) => `mesh-name-${i}`
  const claimMs: number[] = []
  await pool(members, 8, async (m) => {
    const t0 = performance.now()
    await m.daemon.client.a2a.claimName({ name: nameOf(m.index), ttlMs: 0 })
    claimMs.push(performance.now() - t0)
  })
  await sleep(2_000)
  const latencies: number[] = []
  let resolved = 0
  const failures: string[] = []
  for (let q = 0; q < ctx.queries; q++) {
    const owner = pick(members, ctx.random)
    let asker = pick(members, ctx.random)
    while (asker === owner) asker = pick(members, ctx.random)
    const t0 = performance.now()
    const res = await asker.daemon.client.a2a
      .resolveName({ name: nameOf(owner.index) })
      .catch((err: Error) => ({ did: `error: ${err.message}` }))
    latencies.push(performance.now() - t0)
    if (res.did === owner.daemon.did) resolved++
    else failures.push(`${asker.name} ${nameOf(owner.index)}: ${res.did}`)
  }
  for (const f of failures.slice(0, 10)) ctx.log(`names miss: ${f}`)
  return {
    scenario: 'names',
    hosts: members.length,
    mode: cluster.mode,
    claimMs: summarize(claimMs),
    queries: ctx.queries,
    resolvedFraction: round(resolved / ctx.queries),
    latencyMs: summarize(latencies),
    aim: '100% resolved, p50 < 300 ms',
  }
}
