// discovery: every host publishes a card with one unique capability (mesh-cap-<i>) and one shared
// one (mesh-shared). Unique: FindAgents(limit 1) from a random host for a random other host's
// capability, the asker disconnected from the target first so the answer comes through the DHT.
// Shared: FindAgents(limit all) from a few hosts; the fraction of all providers found and the time
// until the last one arrived.
import { find, publishCard } from '../../test/harness/cards.ts'
import type { Member, MeshCluster } from '../../test/harness/mesh-cluster.ts'
import { metricValue } from '../../test/harness/metric-value.ts'
import { round, summarize } from '../stats.ts'
import { pick, pool, type ScenarioContext, type ScenarioResult, sleep } from './common.ts'

export const uniqueCap = (m: Member) => `mesh-cap-${m.index}`
export const SHARED_CAP = 'mesh-shared'

/** Publishes every live member's card (once per member; later calls skip published ones). */
const published = new WeakSet<Member>()
export async function publishCards(cluster: MeshCluster): Promise<void> {
  await pool(
    cluster.alive.filter((m) => !published.has(m)),
    8,
    async (m) => {
      await publishCard(m.daemon, `mesh-${m.index}`, [{ id: uniqueCap(m) }, { id: SHARED_CAP }])
      published.add(m)
    },
  )
}

/** How long to wait for every daemon's announcements to be stored before searching anyway. */
const SETTLE_LIMIT_MS = 10 * 60_000

/**
 * Waits until no daemon has a DHT announcement in flight (the moltmesh_dht_announcements gauge):
 * a search for a record still being stored would count as a miss of the search. Returns how long
 * that took and what was left when the limit came first.
 */
export async function announcementsSettled(members: Member[], limitMs = SETTLE_LIMIT_MS) {
  const t0 = performance.now()
  const count = async (state: string) => {
    const values = await pool(members, 16, (m) =>
      metricValue(m.daemon, 'moltmesh_dht_announcements', { state }).catch(() => 0),
    )
    return values.reduce((a, b) => a + b, 0)
  }
  let inFlight = await count('in_flight')
  while (inFlight > 0 && performance.now() - t0 < limitMs) {
    await sleep(2_000)
    inFlight = await count('in_flight')
  }
  return { settledMs: Math.round(performance.now() - t0), inFlight, unstored: await count('unstored') }
}

export interface UniqueQueries {
  latencies: number[]
  found: number
  connectedAtQuery: number
  misses: string[]
}

/** `count` unique-capability queries between random live members (askers and targets from `among`). */
export async function uniqueQueries(
  among: Member[],
  count: number,
  random: () => number,
  targets: Member[] = among,
): Promise<UniqueQueries> {
  const r: UniqueQueries = { latencies: [], found: 0, connectedAtQuery: 0, misses: [] }
  for (let q = 0; q < count; q++) {
    const target = pick(targets, random)
    let asker = pick(among, random)
    while (asker === target) asker = pick(among, random)
    await asker.daemon.client.diag.disconnectPeer({ target: target.daemon.did }).catch(() => undefined)
    const peers = await asker.daemon.client.diag.listPeers({ includeDisconnected: false })
    if (peers.peers.some((p) => p.did === target.daemon.did)) r.connectedAtQuery++
    const t0 = performance.now()
    const hits = await find(asker.daemon, uniqueCap(target), 1, 10_000)
    const ms = performance.now() - t0
    r.latencies.push(ms)
    if (hits[0]?.card?.did === target.daemon.did) r.found++
    else r.misses.push(`${asker.name}->${target.name} (${Math.round(ms)} ms, ${hits.length} hits)`)
  }
  return r
}

/** Shared capability from `askers`: fraction of the other live providers found, and time to all. */
export async function sharedQueries(cluster: MeshCluster, askers: Member[]) {
  const fractions: number[] = []
  const timeToLast: number[] = []
  for (const asker of askers) {
    const expected = new Set(cluster.alive.filter((m) => m !== asker).map((m) => m.daemon.did))
    const seen = new Set<string>()
    const t0 = performance.now()
    let last = 0
    for await (const r of asker.daemon.client.a2a.findAgents({
      capability: SHARED_CAP,
      tags: [],
      limit: 200,
      timeoutMs: 5_000,
    })) {
      const did = r.card?.did ?? ''
      if (expected.has(did) && !seen.has(did)) {
        seen.add(did)
        last = performance.now() - t0
        if (seen.size === expected.size) break
      }
    }
    fractions.push(seen.size / expected.size)
    timeToLast.push(last)
  }
  return { fractions, timeToLast }
}

export async function discovery(cluster: MeshCluster, ctx: ScenarioContext): Promise<ScenarioResult> {
  const t0 = performance.now()
  await publishCards(cluster)
  const publishMs = performance.now() - t0
  const members = cluster.alive
  // Publishing returns once each card is signed and its announcements had the lookup timeout; the
  // rest are stored (or retried) in the background. Searching before that measures the publish.
  const settled = await announcementsSettled(members)
  ctx.log(
    `discovery: announcements settled ${settled.settledMs} ms after publishing (${settled.inFlight} in flight, ${settled.unstored} unstored)`,
  )
  const u = await uniqueQueries(members, ctx.queries, ctx.random)
  for (const miss of u.misses.slice(0, 10)) ctx.log(`discovery miss: ${miss}`)
  const askers = Array.from({ length: Math.min(5, members.length) }, () => pick(members, ctx.random))
  const s = await sharedQueries(cluster, askers)
  const logged = (re: RegExp) =>
    members.reduce((n, m) => n + m.daemon.output.filter((l) => re.test(l)).length, 0)
  return {
    scenario: 'discovery',
    hosts: members.length,
    mode: cluster.mode,
    publishAllMs: Math.round(publishMs),
    // After publishing: until no daemon had an announcement in flight (searches start then).
    announcementsSettledMs: settled.settledMs,
    announcementsInFlightAtSearch: settled.inFlight,
    announcementsUnstored: settled.unstored,
    // Announcements whose first attempt reached no DHT peer (daemon warnings), and recovered ones.
    announcementsRetried: logged(/DHT announcement reached no peer; retrying/),
    announcementsRecovered: logged(/DHT announcement stored after retrying/),
    unique: {
      queries: ctx.queries,
      foundFraction: round(u.found / ctx.queries),
      latencyMs: summarize(u.latencies),
      connectedAtQueryFraction: round(u.connectedAtQuery / ctx.queries),
    },
    shared: {
      queries: askers.length,
      foundFraction: round(s.fractions.reduce((a, b) => a + b, 0) / s.fractions.length),
      worstFoundFraction: round(Math.min(...s.fractions)),
      timeToLastMs: summarize(s.timeToLast),
    },
    aim: '100% unique found; p50 < 300 ms, p99 < 2 s at 100 hosts; shared: all within 2 s',
  }
}
