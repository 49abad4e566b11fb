// A -> B over loopback with persistence on both sides. Latency: SendMessage until the message comes out
// of B's SubscribeInbox. Throughput: messages/s until all arrived, with 1 and 16 concurrent senders.
// Both for the default SendMessage (waits for the live delivery) and with no_wait (`noWait`, which
// also reports how long SendMessage itself took), alternated A B B A in one daemon pair. Prints one
// JSON line.
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
  const toArrival = { waited: [] as number[], noWait: [] as number[] }
  const toAnswer = { waited: [] as number[], noWait: [] as number[] }
  async function latency(noWait: boolean, n: number) {
    const key = noWait ? 'noWait' : 'waited'
    for (let i = 0; i < n; i++) {
      const t0 = performance.now()
      const { id } = await send(noWait)
      toAnswer[key].push(performance.now() - t0)
      await arrival(id)
      toArrival[key].push(performance.now() - t0)
    }
  }

  /** Seconds until THROUGHPUT_MESSAGES sent by `concurrency` senders have all arrived. */
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
    return (performance.now() - start) / 1000
  }
  // A B B A: each mode's figure is over both of its halves, so a drift in the machine's load between
  // phases weighs on both alike.
  const half = Math.ceil(LATENCY_SAMPLES / 2)
  for (const noWait of [false, true, true, false]) await latency(noWait, half)
  const rate = async (concurrency: number) => {
    const seconds = { waited: 0, noWait: 0 }
    for (const noWait of [false, true, true, false])
      seconds[noWait ? 'noWait' : 'waited'] += await throughput(concurrency, noWait)
    const perSecond = (s: number) => round((2 * THROUGHPUT_MESSAGES) / s, 0)
    return { waited: perSecond(seconds.waited), noWait: perSecond(seconds.noWait) }
  }
  const one = await rate(1)
  const sixteen = await rate(16)
  abort.abort()
  await sub
  console.log(
    JSON.stringify({
      bench: 'messaging',
      path: 'SendMessage(A) -> libp2p TCP loopback -> B inbox (LevelDB) -> SubscribeInbox(B)',
      latencyMs: summarize(toArrival.waited),
      sendReturnsMs: summarize(toAnswer.waited),
      throughputMsgPerSec: { concurrency1: one.waited, concurrency16: sixteen.waited },
      noWait: {
        latencyMs: summarize(toArrival.noWait),
        sendReturnsMs: summarize(toAnswer.noWait),
        throughputMsgPerSec: { concurrency1: one.noWait, concurrency16: sixteen.noWait },
      },
      messages: THROUGHPUT_MESSAGES,
      aim: 'p50 < 3 ms, > 3000 msg/s',
    }),
  )
})
