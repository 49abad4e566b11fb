// messages: 1,000 messages between random host pairs that were not connected before sending (the
// sender resolves and dials the recipient through the DHT); every message must arrive exactly once.

import type { Member, MeshCluster } from '../../test/harness/mesh-cluster.ts'
import { allInbox, sendText } from '../../test/harness/messages.ts'
import { round, summarize } from '../stats.ts'
import { pick, pool, type ScenarioContext, type ScenarioResult, sleep } from './common.ts'

const COUNT = 1_000

export async function messages(cluster: MeshCluster, ctx: ScenarioContext): Promise<ScenarioResult> {
  const members = cluster.alive
  // Pairs chosen up front among unconnected ones (the first message of a pair dials it).
  const pairs: Array<[Member, Member]> = []
  const connected = new Map<Member, Set<string>>()
  for (const m of members) {
    const peers = await m.daemon.client.diag.listPeers({ includeDisconnected: false })
    connected.set(m, new Set(peers.peers.map((p) => p.did)))
  }
  let unconnectedPairs = 0
  while (pairs.length < COUNT) {
    const from = pick(members, ctx.random)
    const to = pick(members, ctx.random)
    if (from === to) continue
    if (!connected.get(from)!.has(to.daemon.did)) unconnectedPairs++
    else if (ctx.random() < 0.9) continue // mostly unconnected pairs; a few connected ones are fine
    pairs.push([from, to])
  }
  const runTag = `m${Date.now()}`
  const sendMs: number[] = []
  let failed = 0
  await pool(pairs, 16, async ([from, to], i) => {
    const t0 = performance.now()
    try {
      await sendText(from.daemon, to.daemon.did, `${runTag}-${i}`)
      sendMs.push(performance.now() - t0)
    } catch (err) {
      failed++
      if (failed <= 5) ctx.log(`send ${from.name}->${to.name} failed: ${(err as Error).message}`)
    }
  })
  // Count what arrived: each text once, at the right recipient.
  const expectedAt = new Map<Member, Set<string>>()
  pairs.forEach(([, to], i) => {
    const set = expectedAt.get(to) ?? new Set()
    set.add(`${runTag}-${i}`)
    expectedAt.set(to, set)
  })
  let delivered = 0
  let duplicates = 0
  let deliveredWithin60s: number | undefined
  const sentAt = Date.now()
  // 60 s is the figure; after it the outbox's backoff (up to messaging.retry_max_delay_ms, 5 min)
  // may still bring a late one: waited for up to 6 min more, so late is told apart from lost.
  const deadline = sentAt + 60_000 + 6 * 60_000
  for (;;) {
    delivered = 0
    duplicates = 0
    for (const [to, want] of expectedAt) {
      const counts = new Map<string, number>()
      for (const msg of await allInbox(to.daemon)) {
        const text = msg.parts[0]?.text ?? ''
        if (want.has(text)) counts.set(text, (counts.get(text) ?? 0) + 1)
      }
      delivered += counts.size
      for (const c of counts.values()) duplicates += c - 1
    }
    if (Date.now() - sentAt <= 60_000) deliveredWithin60s = delivered
    if (delivered === COUNT || Date.now() > deadline) break
    await sleep(2_000)
  }
  const lastCheckedAfterMs = Date.now() - sentAt
  return {
    scenario: 'messages',
    hosts: members.length,
    mode: cluster.mode,
    sent: COUNT,
    unconnectedPairsFraction: round(unconnectedPairs / COUNT),
    sendFailures: failed,
    delivered,
    deliveredWithin60s: deliveredWithin60s ?? delivered,
    // When every message had arrived (or the wait ended), counted from the last send's answer.
    lastCheckedAfterMs,
    duplicates,
    sendLatencyMs: summarize(sendMs),
    aim: 'all delivered exactly once',
  }
}
