// names: every host claims mesh-name-<i>; resolves of random names from random hosts (100% must
// resolve to the right DID), then a sweep in which every host, as asker, resolves the name of the host
// a random offset after it (so every host resolves and every name is resolved once).
import type { MeshCluster } from '../../test/harness/mesh-cluster.ts'
import { round, summarize } from '../stats.ts'
import { pick, pool, type ScenarioContext, type ScenarioResult } from './common.ts'
import { announcementsSettled } from './discovery.ts'

export async function names(cluster: MeshCluster, ctx: ScenarioContext): Promise<ScenarioResult> {
  const members = cluster.alive
  const nameOf = (i: number) => `mesh-name-${i}`
  const claimMs: number[] = []
  await pool(members, 8, async (m) => {
    const t0 = performance.now()
    await m.daemon.client.a2a.claimName({ name: nameOf(m.index), ttlMs: 0 })
    claimMs.push(performance.now() - t0)
  })
  // As in discovery: resolving a name whose claim is still being stored measures the claim.
  const settled = await announcementsSettled(members)
  ctx.log(
    `names: announcements settled ${settled.settledMs} ms after the claims (${settled.inFlight} in flight)`,
  )
  const latencies: number[] = []
  let resolved = 0
  const failures: string[] = []
  const resolve = async (asker: (typeof members)[number], owner: (typeof members)[number]) => {
    const t0 = performance.now()
    const res = await asker.daemon.client.a2a
      .resolveName({ name: nameOf(owner.index) })
      .catch((err: Error) => ({ did: `error: ${err.message}` }))
    const ms = performance.now() - t0
    if (res.did === owner.daemon.did) return { ok: true, ms }
    failures.push(`${asker.name} ${nameOf(owner.index)}: ${res.did}`)
    return { ok: false, ms }
  }
  for (let q = 0; q < ctx.queries; q++) {
    const owner = pick(members, ctx.random)
    let asker = pick(members, ctx.random)
    while (asker === owner) asker = pick(members, ctx.random)
    const r = await resolve(asker, owner)
    latencies.push(r.ms)
    if (r.ok) resolved++
  }
  // The sweep: every host asks once, for the host `offset` places after it.
  const offset = 1 + Math.floor(ctx.random() * (members.length - 1))
  const sweepMs: number[] = []
  let sweepResolved = 0
  for (let i = 0; i < members.length; i++) {
    const r = await resolve(members[i]!, members[(i + offset) % members.length]!)
    sweepMs.push(r.ms)
    if (r.ok) sweepResolved++
  }
  for (const f of failures.slice(0, 10)) ctx.log(`names miss: ${f}`)
  return {
    scenario: 'names',
    hosts: members.length,
    mode: cluster.mode,
    claimMs: summarize(claimMs),
    announcementsSettledMs: settled.settledMs,
    announcementsInFlightAtResolve: settled.inFlight,
    queries: ctx.queries,
    resolvedFraction: round(resolved / ctx.queries),
    latencyMs: summarize(latencies),
    sweep: {
      askers: members.length,
      resolvedFraction: members.length > 1 ? round(sweepResolved / members.length) : 1,
      latencyMs: summarize(sweepMs),
    },
    aim: '100% resolved (every host resolving), p50 < 300 ms',
  }
}
