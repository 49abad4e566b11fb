// The webhook subsystem in-process against a real local HTTP receiver (node:http, keep-alive): a real
// LevelDB store, the real event bus and queue, synthetic message.received events. Latency: event
// emitted -> POST received, one at a time; throughput: deliveries/s for a burst of events.
// Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { DaemonEvent } from '../clients/ts/gen/moltmesh/v1/types.ts'
import { createEventBus } from '../daemon/events/event-bus.ts'
import { createIdentity } from '../daemon/identity/identity.ts'
import { createLogger } from '../daemon/log/logger.ts'
import type { InboxRecord } from '../daemon/messaging/records.ts'
import { createMetrics } from '../daemon/metrics/metrics.ts'
import { toDaemonEvent } from '../daemon/rpc/events-adapter.ts'
import { openStore } from '../daemon/store/store.ts'
import { createWebhooks } from '../daemon/webhooks/webhooks.ts'
import { round, summarize } from './stats.ts'

const LATENCY_SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300)
const BURST = Number(process.env.BENCH_EVENTS ?? 5000)

const root = mkdtempSync(join(tmpdir(), 'mm-bench-'))
const arrivals = new Map<string, () => void>()
const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    res.writeHead(204).end()
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { data: { message: { id: string } } }
    arrivals.get(body.data.message.id)?.()
  })
})
server.keepAliveTimeout = 60_000
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const store = await openStore(root)
const events = createEventBus()
const identity = createIdentity(await generateKeyPair('Ed25519'))
const webhooks = await createWebhooks(
  {
    store,
    events,
    logger: createLogger('warn'),
    metrics: createMetrics(),
    sign: (d) => identity.sign(d),
    serialize: (e) => DaemonEvent.toJSON(toDaemonEvent(e)),
    userAgent: 'moltmesh-bench',
  },
  {
    timeoutMs: 15_000,
    retryScheduleMs: '0,1000',
    maxInFlightPerWebhook: 16,
    deliveryRetentionMs: 7 * 86_400_000,
    allowedHosts: '',
    endpoints: [],
  },
)
try {
  await webhooks.start([])
  const port = (server.address() as AddressInfo).port
  await webhooks.service.create({
    url: `http://127.0.0.1:${port}/hook`,
    events: ['message.received'],
    description: '',
  })
  let n = 0
  const emit = (): Promise<void> => {
    const id = `msg_bench${n++}`
    const arrived = new Promise<void>((resolve) => arrivals.set(id, resolve))
    const message: InboxRecord = {
      id,
      from: identity.did,
      to: identity.did,
      createdAtMs: Date.now(),
      expiresAtMs: Date.now() + 60_000,
      contextId: '',
      threadId: '',
      replyTo: '',
      body: '',
      seq: n,
      receivedAtMs: Date.now(),
      read: false,
      acked: false,
    }
    events.emit('message.received', { message })
    return arrived
  }
  for (let i = 0; i < 50; i++) await emit()
  const latencies: number[] = []
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const t0 = performance.now()
    await emit()
    latencies.push(performance.now() - t0)
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: BURST }, () => emit()))
  const perSecond = round(BURST / ((performance.now() - start) / 1000), 0)
  console.log(
    JSON.stringify({
      bench: 'webhooks',
      path: 'event bus -> persisted delivery -> signed POST (keep-alive, 16 in flight) -> local node:http receiver',
      latencyMs: summarize(latencies),
      deliveriesPerSecond: perSecond,
      events: BURST,
      aim: '> 2000 deliveries/s',
    }),
  )
} finally {
  await webhooks.stop()
  await store.close()
  server.close()
  rmSync(root, { recursive: true, force: true })
}
