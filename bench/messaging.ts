// A -> B over loopback with persistence on both sides. Latency: SendMessage until the message comes out
// of B's SubscribeInbox. Throughput: messages/s until all arrived, with 1 and 16 concurrent senders.
// Prints one JSON line.
import { types } from '../clients/ts/index.ts'
import { withDaemonPair } from './daemon-pair.ts'
import { round, summarize } from './stats.ts'

const LATENCY_SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300)
const THROUGHPUT_MESSAGES = Number(process.env.BENCH_MESSAGES ?? 3000)

await withDaemonPair(async (a, b) => {
  // One subscription on B; arrivals resolve waiters by message id.
  const waiters = new Map<string, () => void>()
  const early = new Set<string>()
  const abort = new AbortController()
  const sub = (async () => {
    for await (const { message } of b.client.a2a.subscribeInbox({}, { signal: abort.signal })) {
      const id = message?.id ?? ''
      const w = waiters.get(id)
      if (w) {
        waiters.delete(id)
        w()
      } else early.add(id)
    }
  })().catch(() => undefined)
  await new Promise((r) => setTimeout(r, 300))
  const arrival = (id: string) =>
    early.delete(id) ? Promise.resolve() : new Promise<void>((resolve) => waiters.set(id, resolve))
  const parts = [types.Part.fromPartial({ text: 'benchmark message with a little payload' })]

  const client = a.client
  for (let i = 0; i < 50; i++) {
    const { id } = await client.a2a.sendMessage({ to: b.did, parts })
    await arrival(id)
  }
  const latencies: number[] = []
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const t0 = performance.now()
    const { id } = await client.a2a.sendMessage({ to: b.did, parts })
    await arrival(id)
    latencies.push(performance.now() - t0)
  }

  async function throughput(concurrency: number): Promise<number> {
    let next = 0
    const arrivals: Promise<void>[] = []
    const start = performance.now()
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < THROUGHPUT_MESSAGES) {
          next++
          const { id } = await client.a2a.sendMessage({ to: b.did, parts })
          arrivals.push(arrival(id))
        }
      }),
    )
    await Promise.all(arrivals)
    return round(THROUGHPUT_MESSAGES / ((performance.now() - start) / 1000), 0)
  }
  const one = await throughput(1)
  const sixteen = await throughput(16)
  abort.abort()
  await sub
  console.log(
    JSON.stringify({
      bench: 'messaging',
      path: 'SendMessage(A) -> libp2p TCP loopback -> B inbox (LevelDB) -> SubscribeInbox(B)',
      latencyMs: summarize(latencies),
      throughputMsgPerSec: { concurrency1: one, concurrency16: sixteen },
      messages: THROUGHPUT_MESSAGES,
      aim: 'p50 < 3 ms, > 3000 msg/s',
    }),
  )
})
