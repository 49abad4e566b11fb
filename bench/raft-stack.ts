// The Raft stack below the daemon (RaftGroup shell + /moltmesh/raft/1.0.0 over libp2p on 127.0.0.1 +
// LevelDB with fsync + Ed25519 entries): 3 and 5 members in ONE process (so one event loop does the
// work of all members: a pessimistic figure next to separate daemons), 16 concurrent appenders
// through random members. Prints one JSON line per cluster size: commit latency (append call to
// committed answer) p50/p99 and appends/s, plus the cost of one Ed25519 sign and verify here.
// bench/threads (real daemons through the API) comes with the daemon wiring.
import { loadavg } from 'node:os'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { ed25519DidVerifier, ed25519Signer } from '../daemon/raft/entry-auth.ts'
import { waitFor } from '../test/harness/mesh.ts'
import { agreedLeader, introduce, LiveMember } from '../test/raft/libp2p-members.ts'
import { round, summarize } from './stats.ts'

const APPENDS = Number(process.env.BENCH_APPENDS ?? 2000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16)
const TICK_MS = 25
/** BENCH_SYNC=0 skips fsync, to see what the disk costs. */
const SYNC = process.env.BENCH_SYNC !== '0'
/** BENCH_POOL=1 checks entry signatures in a worker thread per member (verify-pool.ts). */
const POOL = process.env.BENCH_POOL === '1'

async function signatureCost(): Promise<{ signUs: number; verifyUs: number }> {
  const signer = ed25519Signer(await generateKeyPair('Ed25519'))
  const verifier = ed25519DidVerifier()
  const data = new Uint8Array(200)
  const n = 2000
  let sig = signer.sign(data)
  let t = performance.now()
  for (let i = 0; i < n; i++) sig = signer.sign(data)
  const signUs = ((performance.now() - t) * 1000) / n
  t = performance.now()
  for (let i = 0; i < n; i++) verifier.verify(signer.id, data, sig)
  const verifyUs = ((performance.now() - t) * 1000) / n
  return { signUs: round(signUs, 1), verifyUs: round(verifyUs, 1) }
}

async function run(size: number): Promise<void> {
  const members = await Promise.all(Array.from({ length: size }, () => LiveMember.create()))
  try {
    const genesis = { groupId: `bench-${size}`, voters: members.map((m) => m.did) }
    for (const m of members) await m.start(genesis, TICK_MS, { sync: SYNC, verifyPool: POOL })
    await introduce(members)
    await waitFor(() => agreedLeader(members), 30_000, 'a leader')
    const latencies: number[] = []
    let next = 0
    let failed = 0
    const payload = new TextEncoder().encode('x'.repeat(100))
    const total = (name: string, labels: Record<string, string> = {}): number =>
      members
        .flatMap((m) => m.metrics.collect())
        .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        .reduce((sum, s) => sum + s.value, 0)
    const sentFrames = (): number => total('moltmesh_raft_frames_total', { direction: 'out', result: 'sent' })
    const before = {
      writes: total('moltmesh_raft_writes_total'),
      steps: total('moltmesh_raft_steps_total'),
      frames: sentFrames(),
    }
    const started = performance.now()
    const cpu0 = process.cpuUsage()
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        let seq = 0
        while (next < APPENDS) {
          next++
          const m = members[Math.floor(Math.random() * size)] as LiveMember
          const t = performance.now()
          const o = await m.group.append({
            requester: m.did,
            client: `w${worker}`,
            seq: ++seq,
            payload,
            timeoutMs: 30_000,
          })
          if (o.ok) latencies.push(performance.now() - t)
          else failed++
        }
      }),
    )
    const seconds = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpu0)
    const per = (n: number): number => round(n / APPENDS, 2)
    console.log(
      JSON.stringify({
        bench: 'raft-stack',
        members: size,
        fsync: SYNC,
        verifyPool: POOL,
        appenders: CONCURRENCY,
        appends: APPENDS,
        failed,
        commitMs: summarize(latencies),
        appendsPerSecond: round(latencies.length / seconds, 0),
        // Work per append, all members together: CPU of this one process (every member's), storage
        // writes (group commits), inputs stepped, frames sent.
        perAppend: {
          cpuMs: round((cpu.user + cpu.system) / 1000 / APPENDS, 3),
          writes: per(total('moltmesh_raft_writes_total') - before.writes),
          steps: per(total('moltmesh_raft_steps_total') - before.steps),
          framesSent: per(sentFrames() - before.frames),
        },
        loadAverage: loadavg().map((l) => round(l, 2)),
        ...(size === 3 ? { ed25519: await signatureCost() } : {}),
      }),
    )
  } finally {
    for (const m of members) await m.destroy()
  }
}

/** BENCH_SIZES=3 runs one size only (e.g. under --cpu-prof). */
for (const size of (process.env.BENCH_SIZES ?? '3,5').split(',').map(Number)) await run(size)
