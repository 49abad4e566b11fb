// Hostile peers against one daemon (issue 15): a message flood, identity churn, garbage frames,
// message-id collisions, back-dated name claims and ReDoS task offers, one phase after another, while
// Health is sampled back to back. Prints one JSON line: Health p50/p99/max per phase and the daemon's
// memory (RSS, V8 heap in use, buffers) before, right after, and 40 s after the attacks (what a
// hostile peer leaves behind).
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodeClaim, nameKey, signClaim } from '../daemon/names/name-record.ts'
import { MessageBody } from '../daemon/wire/gen/moltmesh/wire/v1/messaging.ts'
import { type Envelope, MESSAGING_PROTOCOL } from '../daemon/wire/messaging-codec.ts'
import { DaemonProcess } from '../test/harness/daemon-process.ts'
import { createRawDhtPeer } from '../test/harness/raw-dht-peer.ts'
import { openMessaging, textBody, textEnvelope } from '../test/harness/raw-messaging.ts'
import { createRawPeer, type RawPeer } from '../test/harness/raw-peer.ts'
import { round, summarize } from './stats.ts'

const FLOOD_PEERS = Number(process.env.BENCH_FLOOD_PEERS ?? 4)
const FLOOD_MESSAGES = Number(process.env.BENCH_FLOOD_MESSAGES ?? 2000)
const CHURN_PEERS = Number(process.env.BENCH_CHURN_PEERS ?? 200)
const GARBAGE_STREAMS = Number(process.env.BENCH_GARBAGE_STREAMS ?? 200)
const REDOS_OFFERS = Number(process.env.BENCH_REDOS_OFFERS ?? 50)
const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 20)
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 40_000)
/** The attacks run this many times: memory that levels off after the first round is bounded. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)

// A peer the daemon cuts off (blocked, reset) fails inside libp2p's dial queue: expected here.
process.on('unhandledRejection', (err) => console.error(`(attack side) ${(err as Error).message}`))
process.on('uncaughtException', (err) => console.error(`(attack side) ${err.message}`))

const root = mkdtempSync(join(tmpdir(), 'mm-bench-'))
// SIGUSR2 makes the daemon write a heap snapshot, which runs a full GC first: the memory reading after
// it tells what is really retained from what is garbage V8 had no reason to collect yet.
const victim = new DaemonProcess({
  name: 'victim',
  root,
  env: { MOLTMESH_LOG_LEVEL: 'warn', NODE_OPTIONS: '--heapsnapshot-signal=SIGUSR2' },
})
const peers: RawPeer[] = []

/** The daemon's memory in MB: resident, V8 heap in use, and buffers outside the heap. */
async function memoryMb(): Promise<{ rss: number; heap: number; external: number }> {
  const m = await victim.client.diag.getMetrics({})
  const mb = (name: string) => round((m.metrics.find((s) => s.name === name)?.value ?? 0) / 1024 / 1024, 1)
  return {
    rss: mb('process_resident_memory_bytes'),
    heap: mb('nodejs_heap_used_bytes'),
    external: mb('nodejs_external_memory_bytes'),
  }
}

/** Health back to back while `attack` runs. */
async function underAttack(name: string, attack: () => Promise<void>) {
  console.error(`phase ${name}`)
  if (victim.child?.exitCode != null) throw new Error(`the daemon exited (code ${victim.child.exitCode})`)
  const latencies: number[] = []
  let failures = 0
  let running = true
  const sampler = (async () => {
    while (running) {
      const t0 = performance.now()
      try {
        await victim.client.diag.health({}, { deadlineMs: 5_000 })
        latencies.push(performance.now() - t0)
      } catch {
        failures++
      }
      await new Promise((r) => setTimeout(r, 5))
    }
  })()
  const t0 = performance.now()
  await attack()
  const seconds = (performance.now() - t0) / 1000
  running = false
  await sampler
  const s = summarize(latencies)
  const memory = await memoryMb()
  return {
    memoryMb: memory,
    seconds: round(seconds),
    healthCalls: latencies.length,
    failures,
    p50Ms: s.p50,
    p99Ms: s.p99,
    maxMs: round(Math.max(0, ...latencies)),
  }
}

function envelope(peer: RawPeer, id: string, body: Buffer): Promise<Envelope> {
  return textEnvelope(peer.identity, { id, to: victim.did, body }, 600_000)
}

/** Waits until a heap snapshot file in `dir` stops growing (at most 60 s). */
async function waitForSnapshot(dir: string): Promise<void> {
  let last = -1
  for (let i = 0; i < 120; i++) {
    await new Promise((r) => setTimeout(r, 500))
    const f = readdirSync(dir).find((n) => n.endsWith('.heapsnapshot'))
    if (f == null) continue
    const size = statSync(join(dir, f)).size
    if (size > 0 && size === last) return
    last = size
  }
}

/** `p`, or a rejection after `ms` (a dial the daemon never answers must not stall the bench). */
function within<T>(p: Promise<T>, ms = 10_000): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))])
}

/**
 * Dials until the victim accepts: right after the churn phase its per-host inbound limit
 * (p2p.connections.inbound_connection_threshold) refuses loopback dials for a moment, which is the
 * defence working, not a bench failure. Gives up after 30 s.
 */
async function connectPatiently(dial: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      await within(dial())
      return
    } catch (err) {
      if (Date.now() > deadline) throw err
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
}

/** Sends envelopes on one stream, each waiting for its ack; returns how many were refused. */
async function send(peer: RawPeer, envelopes: Envelope[]): Promise<number> {
  let refused = 0
  try {
    const stream = await within(openMessaging(peer, victim.info!.tcpAddress))
    for (const e of envelopes) {
      const ack = await stream.exchange(e, AbortSignal.timeout(10_000))
      if (ack.reason !== '') refused++
    }
  } catch {
    // cut off by the daemon (blocked, connection limits): that is part of the attack's outcome
    refused = envelopes.length
  }
  return refused
}

/** One round of every attack; returns Health and memory per phase. */
async function attackRound(round: number): Promise<Record<string, unknown>> {
  const kb = 'x'.repeat(1024)
  const phases: Record<string, unknown> = {}

  // Envelopes are signed before each attack: signing thousands on the bench's event loop would delay
  // its own Health samples and be mistaken for the daemon's latency.
  const flooders = await Promise.all(Array.from({ length: FLOOD_PEERS }, () => createRawPeer()))
  peers.push(...flooders)
  const floods = await Promise.all(
    flooders.map(async (peer, p) => {
      const batch: Envelope[] = []
      for (let i = 0; i < FLOOD_MESSAGES; i++)
        batch.push(await envelope(peer, `msg_flood${round}_${p}_${i}`, textBody(kb)))
      return batch
    }),
  )
  phases.flood = await underAttack('flood', async () => {
    await Promise.all(flooders.map((peer, p) => send(peer, floods[p] as Envelope[])))
  })
  phases.churn = await underAttack('churn', async () => {
    for (let i = 0; i < CHURN_PEERS; i++) {
      const peer = await createRawPeer()
      await send(peer, [await envelope(peer, `msg_churn${round}_${i}`, textBody('hello'))])
      await within(peer.stop()).catch(() => undefined)
    }
  })
  phases.garbage = await underAttack('garbage', async () => {
    const peer = await createRawPeer()
    peers.push(peer)
    for (let i = 0; i < GARBAGE_STREAMS; i++) {
      try {
        const lp = await within(peer.open(victim.info!.tcpAddress, MESSAGING_PROTOCOL))
        await lp.write(Buffer.from(Array.from({ length: 512 }, () => Math.floor(Math.random() * 256))))
        await lp.read({ signal: AbortSignal.timeout(2_000) }).catch(() => undefined)
      } catch {
        // refused or cut: expected
      }
    }
  })
  const collider = await createRawPeer()
  peers.push(collider)
  const collisions = await Promise.all(
    Array.from({ length: 500 }, (_, i) =>
      envelope(collider, `msg_flood${round}_0_${i}`, textBody('mine now')),
    ),
  )
  phases.idCollision = await underAttack('idCollision', async () => {
    await send(collider, collisions)
  })
  phases.backdatedClaims = await underAttack('backdatedClaims', async () => {
    const dht = await createRawDhtPeer()
    await connectPatiently(() => dht.connect(victim.info!.tcpAddress))
    const now = Date.now()
    for (let i = 0; i < CLAIMS; i++) {
      const claim = await signClaim(dht.identity, {
        name: `claimed-name-${round}-${i}`,
        seq: 1,
        claimed_at_ms: now - 30 * 24 * 3600 * 1000,
        expires_at_ms: now + 3600 * 1000,
        released: false,
      })
      await within(dht.put(nameKey(claim.name), encodeClaim(claim)), 6_000).catch(() => undefined)
    }
    await within(dht.stop()).catch(() => undefined)
  })
  phases.redosOffers = await underAttack('redosOffers', async () => {
    const peer = await createRawPeer()
    peers.push(peer)
    const offers: Envelope[] = []
    for (let i = 0; i < REDOS_OFFERS; i++) {
      const taskId = `task_${String(round * 1000 + i).padStart(26, '0')}`
      const body = MessageBody.encode(
        MessageBody.fromPartial({
          task: {
            offer: {
              taskId,
              skill: 'redos',
              input: [{ dataJson: JSON.stringify(`${'a'.repeat(30)}!`) }],
              deadlineMs: Date.now() + 600_000,
              createdAtMs: Date.now(),
            },
          },
        }),
      ).finish()
      offers.push(await envelope(peer, `tfr_redos${round}_${i}`, Buffer.from(body)))
    }
    await send(peer, offers)
  })
  return phases
}

try {
  await victim.start()
  await victim.client.a2a.publishAgentCard({
    card: {
      name: 'victim',
      skills: [
        {
          id: 'redos',
          name: 'redos',
          inputSchemaJson: JSON.stringify({ type: 'string', pattern: '^(a+)+$' }),
        },
      ],
    },
  })
  await new Promise((r) => setTimeout(r, 2_000))
  const before = await memoryMb()
  const rounds: Array<{ phases: Record<string, unknown>; memoryMb: Awaited<ReturnType<typeof memoryMb>> }> =
    []
  for (let r = 0; r < ROUNDS; r++) {
    const phases = await attackRound(r)
    rounds.push({ phases, memoryMb: await memoryMb() })
  }
  const after = await memoryMb()
  await Promise.all(peers.map((p) => within(p.stop()).catch(() => undefined)))
  // Past the schema worker's idle time (30 s), so what is left is what the attacks really retained.
  await new Promise((r) => setTimeout(r, SETTLE_MS))
  const settled = await memoryMb()
  victim.child?.kill('SIGUSR2')
  const snapshotDir = victim.home
  await waitForSnapshot(snapshotDir)
  const afterFullGc = await memoryMb()
  if (process.env.BENCH_KEEP_SNAPSHOT != null)
    for (const f of readdirSync(snapshotDir).filter((n) => n.endsWith('.heapsnapshot')))
      copyFileSync(join(snapshotDir, f), join(process.env.BENCH_KEEP_SNAPSHOT, f))
  console.log(
    JSON.stringify({
      bench: 'hostile',
      memoryMb: { before, after, settled, settleSeconds: SETTLE_MS / 1000, afterFullGc },
      rounds,
    }),
  )
} catch (err) {
  console.error(`bench failed: ${(err as Error).message}\n${victim.output.slice(-40).join('\n')}`)
  process.exitCode = 1
} finally {
  await Promise.all(peers.map((p) => within(p.stop()).catch(() => undefined)))
  await victim.stop()
  rmSync(root, { recursive: true, force: true })
}
