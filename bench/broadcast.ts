// A network of N daemons (default 10) on loopback, every pair connected. Latency: BroadcastNetwork at
// one member until the broadcast comes out of each other member's SubscribeNetwork stream ("one
// member"), and until the last of them has it ("all received"). Senders rotate over the members.
// Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DaemonProcess } from '../test/harness/daemon-process.ts'
import { round, summarize } from './stats.ts'

const DAEMONS = Number(process.env.BENCH_DAEMONS ?? 10)
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200)
const WARMUP = 20
const env = { MOLTMESH_LOG_LEVEL: 'warn' }

const root = mkdtempSync(join(tmpdir(), 'mm-bench-'))
const daemons: DaemonProcess[] = []
const abort = new AbortController()
try {
  const first = new DaemonProcess({ name: 'd0', root, env })
  daemons.push(await first.start())
  daemons.push(
    ...(await Promise.all(
      Array.from({ length: DAEMONS - 1 }, (_, i) =>
        new DaemonProcess({ name: `d${i + 1}`, root, env, bootstrap: [first.info!.tcpAddress] }).start(),
      ),
    )),
  )
  for (let i = 0; i < daemons.length; i++)
    for (let j = i + 1; j < daemons.length; j++)
      await daemons[i]!.client.diag.connectPeer({ target: daemons[j]!.info!.tcpAddress })

  const admin = daemons[0]!
  const networkId = (await admin.client.ext.createNetwork({ name: 'bench' })).network!.id
  for (const d of daemons.slice(1)) {
    const { invitation } = await admin.client.ext.inviteToNetwork({ networkId, did: d.did })
    await d.client.ext.joinNetwork({ networkId, invitation })
  }
  const deadline = Date.now() + 60_000
  for (const d of daemons) {
    while ((await d.client.ext.listNetworkMembers({ networkId })).members.length < DAEMONS) {
      if (Date.now() > deadline) throw new Error(`${d.name} did not see all ${DAEMONS} members`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  // One stream per daemon; arrivals resolve the waiter of (message id, daemon).
  const waiters = new Map<string, (at: number) => void>()
  const early = new Map<string, number>()
  for (const d of daemons) {
    void (async () => {
      for await (const { message } of d.client.ext.subscribeNetwork(
        { networkId },
        { signal: abort.signal },
      )) {
        const key = `${message?.id} ${d.name}`
        const at = performance.now()
        const w = waiters.get(key)
        if (w != null) {
          waiters.delete(key)
          w(at)
        } else early.set(key, at)
      }
    })().catch(() => undefined)
  }
  await new Promise((r) => setTimeout(r, 500))
  const arrival = (id: string, d: DaemonProcess): Promise<number> => {
    const key = `${id} ${d.name}`
    const at = early.get(key)
    if (at != null) {
      early.delete(key)
      return Promise.resolve(at)
    }
    return new Promise((resolve) => waiters.set(key, resolve))
  }

  const perMember: number[] = []
  const allReceived: number[] = []
  const calls: number[] = []
  const payload = Buffer.from('benchmark broadcast with a little payload')
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const sender = daemons[i % daemons.length]!
    const others = daemons.filter((d) => d !== sender)
    const t0 = performance.now()
    const { id } = await sender.client.ext.broadcastNetwork({ networkId, payload })
    const answered = performance.now()
    const times = await Promise.all(others.map((d) => arrival(id, d)))
    if (i < WARMUP) continue
    for (const t of times) perMember.push(t - t0)
    allReceived.push(Math.max(...times) - t0)
    calls.push(answered - t0)
  }
  console.log(
    JSON.stringify({
      bench: 'broadcast',
      path: `BroadcastNetwork at one member -> GossipSub (TCP loopback, ${DAEMONS} daemons, all connected) -> validator + history (LevelDB) -> SubscribeNetwork at every other member`,
      daemons: DAEMONS,
      latencyMs: {
        oneMember: summarize(perMember),
        allReceived: summarize(allReceived),
        broadcastCall: summarize(calls),
      },
      broadcastsPerSecond: round(SAMPLES / (allReceived.reduce((s, x) => s + x, 0) / 1000), 0),
      aim: 'p50 < 20 ms (all received)',
    }),
  )
} finally {
  abort.abort()
  await Promise.all(daemons.map((d) => d.stop().catch(() => undefined)))
  rmSync(root, { recursive: true, force: true })
}
