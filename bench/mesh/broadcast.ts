// broadcast: a network with every host as member. Sequential broadcasts from random members: the
// time until every other online member's SubscribeNetwork stream has it. Then a sustained phase at
// 10 broadcasts/s: the fraction delivered to all within 10 s after the last send.
import type { MeshCluster } from '../../test/harness/mesh-cluster.ts'
import { round, summarize } from '../stats.ts'
import { pick, type ScenarioContext, type ScenarioResult, sleep } from './common.ts'
import { Arrivals, ensureNetwork } from './network.ts'

const SEQUENTIAL = 50
const SUSTAINED_RATE = 10
const SUSTAINED_SECONDS = 20

export async function broadcast(cluster: MeshCluster, ctx: ScenarioContext): Promise<ScenarioResult> {
  const t0 = performance.now()
  const net = await ensureNetwork(cluster, ctx.log)
  const setupMs = performance.now() - t0
  const members = cluster.alive.filter((m) => net.members.has(m))
  const arrivals = new Arrivals(net.id, members)
  await sleep(1_000)
  const payload = Buffer.from('mesh broadcast')
  const reachedAll = (id: string, sender: string) =>
    members.every((m) => m.name === sender || arrivals.at.get(id)?.has(m.name))

  const timeToAll: number[] = []
  // Every member's arrival time of every sequential broadcast: is "time to all" a slow tail of a few
  // members or the whole mesh being slow?
  const perMember: number[] = []
  let complete = 0
  for (let i = 0; i < SEQUENTIAL; i++) {
    const sender = pick(members, ctx.random)
    const s = performance.now()
    const { id } = await sender.daemon.client.ext.broadcastNetwork({ networkId: net.id, payload })
    const deadline = s + 10_000
    while (!reachedAll(id, sender.name) && performance.now() < deadline) await sleep(5)
    for (const at of arrivals.at.get(id)?.values() ?? []) perMember.push(at - s)
    if (reachedAll(id, sender.name)) {
      complete++
      timeToAll.push(Math.max(...[...arrivals.at.get(id)!.values()]) - s)
    }
  }

  // Sustained: one broadcast every 100 ms from rotating members, not waiting for the calls.
  const sent: Array<{ id: string; sender: string }> = []
  const callMs: number[] = []
  let failed = 0
  const calls: Promise<void>[] = []
  const start = performance.now()
  for (let i = 0; i < SUSTAINED_RATE * SUSTAINED_SECONDS; i++) {
    const due = start + (i * 1000) / SUSTAINED_RATE
    await sleep(Math.max(0, due - performance.now()))
    const sender = members[i % members.length]!
    const issued = performance.now()
    calls.push(
      sender.daemon.client.ext.broadcastNetwork({ networkId: net.id, payload }).then(
        ({ id }) => {
          callMs.push(performance.now() - issued)
          sent.push({ id, sender: sender.name })
        },
        (err: Error) => {
          failed++
          if (failed <= 5) ctx.log(`broadcast failed at ${sender.name}: ${err.message}`)
        },
      ),
    )
  }
  const achievedRate = (SUSTAINED_RATE * SUSTAINED_SECONDS) / ((performance.now() - start) / 1000)
  // Every call answered (or 2 min), then up to 60 s for the last deliveries: what arrives late is
  // told apart from what is lost (the time the last one took is reported).
  /** Deliveries of the answered broadcasts (to members other than their sender) made by `until`. */
  const count = (until = Number.POSITIVE_INFINITY) => {
    let n = 0
    for (const b of sent)
      for (const [member, at] of arrivals.at.get(b.id) ?? []) if (member !== b.sender && at <= until) n++
    return n
  }
  const sentAt = performance.now()
  await Promise.race([Promise.allSettled(calls), sleep(120_000)])
  const answeredAfterMs = performance.now() - sentAt
  const deadline = performance.now() + 60_000
  while (performance.now() < deadline && !sent.every((b) => reachedAll(b.id, b.sender))) await sleep(100)
  const drainedAfterMs = performance.now() - sentAt
  const deliveries = count()
  const deliveriesWithin10s = count(sentAt + 10_000)
  arrivals.close()
  const expected = sent.length * (members.length - 1)
  return {
    scenario: 'broadcast',
    hosts: members.length,
    mode: cluster.mode,
    networkSetupMs: Math.round(setupMs),
    broadcasts: SEQUENTIAL,
    deliveredFraction: round(complete / SEQUENTIAL),
    timeToAllMs: summarize(timeToAll),
    perMemberArrivalMs: summarize(perMember),
    sustained: {
      rate: SUSTAINED_RATE,
      achievedRate: round(achievedRate, 1),
      issued: SUSTAINED_RATE * SUSTAINED_SECONDS,
      answered: sent.length,
      failed,
      callMs: summarize(callMs),
      deliveredFraction: round(expected === 0 ? 0 : deliveries / expected, 4),
      // Within 10 s of the last send (the phase's first criterion), and when the last call answered
      // and the last delivery came (or the 60 s wait ended), counted from the last send.
      deliveredWithin10sFraction: round(expected === 0 ? 0 : deliveriesWithin10s / expected, 4),
      answeredAfterMs: Math.round(answeredAfterMs),
      drainedAfterMs: Math.round(drainedAfterMs),
      reachedAll: sent.filter((b) => reachedAll(b.id, b.sender)).length,
    },
    aim: '100% of online members; 10 broadcasts/s without loss',
  }
}
