// A -> B over loopback with persistence on both sides. Latency: SendMessage until the message comes out
// of B's SubscribeInbox. Throughput: messages/s until all arrived, with 1 and 16 concurrent senders.
// Both for the default SendMessage (waits for the live delivery) and with no_wait (`noWait`, which
// also reports how long SendMessage itself took). Prints one JSON line.
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
  // Both ways of sending, alternated phase by phase: the default (SendMessage waits for the live
  // delivery to a connected peer) and no_wait (it answers once the message is stored).
  const send = (noWait: boolean) => client.a2a.sendMessage({ to: b.did, parts, noWait })
  for (let i = 0; i < 50; i++) {
    await arrival((await send(false)).id)
    await arrival((await send(true)).id)
  }
  async function latency(noWait: boolean) {
    const toArrival: number[] = []
    const toAnswer: number[] = []
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const t0 = performance.now()
      const { id } = await send(noWait)
      toAnswer.push(performance.now() - t0)
      await arrival(id)
      toArrival.push(performance.now() - t0)
    }
    return { toArrival: summarize(toArrival), toAnswer: summarize(toAnswer) }
  }

  async function throughput(concurrency: number, noWait: boolean): Promise<number> {
    let next = 0
    const arrivals: Promise<void>[] = []
    const start = performance.now()
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < THROUGHPUT_MESSAGES) {
          next++
          const { id } = await send(noWait)
          arrivals.push(arrival(id))
        }
      }),
    )
    await Promise.all(arrivals)
    return round(THROUGHPUT_MESSAGES / ((performance.now() - start) / 1000), 0)
  }
  const waited = await latency(false)
  const noWait = await latency(true)
  const one = await throughput(1, false)
  const oneNoWait = await throughput(1, true)
  const sixteen = await throughput(16, false)
  const sixteenNoWait = await throughput(16, true)
  abort.abort()
  await sub
  console.log(
    JSON.stringify({
      bench: 'messaging',
      path: 'SendMessage(A) -> libp2p TCP loopback -> B inbox (LevelDB) -> SubscribeInbox(B)',
      latencyMs: waited.toArrival,
      throughputMsgPerSec: { concurrency1: one, concurrency16: sixteen },
      noWait: {
        latencyMs: noWait.toArrival,
        sendReturnsMs: noWait.toAnswer,
        throughputMsgPerSec: { concurrency1: oneNoWait, concurrency16: sixteenNoWait },
      },
      messages: THROUGHPUT_MESSAGES,
      aim: 'p50 < 3 ms, > 3000 msg/s',
    }),
  )
})
