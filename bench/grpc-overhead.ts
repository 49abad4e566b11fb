// Health RPC through a real daemon vs a bare grpc-js server on a unix socket, same client, same run.
// Prints one JSON line: sequential latency p50/p99, concurrent throughput, and daemon/bare ratios.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { credentials, type ServiceError } from '@grpc/grpc-js'
import { DiagClient } from '../clients/ts/gen/moltmesh/v1/diag.ts'
import { DaemonProcess } from '../test/harness/daemon-process.ts'
import { REPO_ROOT } from '../test/harness/paths.ts'
import { round, summarize } from './stats.ts'

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 3000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32)
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000)

function health(client: DiagClient): Promise<void> {
  return new Promise((resolve, reject) =>
    client.health({}, (err: ServiceError | null) => (err ? reject(err) : resolve())),
  )
}

async function measure(socket: string) {
  const client = new DiagClient(`unix:${socket}`, credentials.createInsecure())
  for (let i = 0; i < 200; i++) await health(client) // warm-up
  const latencies: number[] = []
  for (let i = 0; i < SEQUENTIAL; i++) {
    const t0 = performance.now()
    await health(client)
    latencies.push(performance.now() - t0)
  }
  let done = 0
  const deadline = performance.now() + DURATION_MS
  const start = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        await health(client)
        done++
      }
    }),
  )
  const seconds = (performance.now() - start) / 1000
  client.close()
  const seq = summarize(latencies)
  return {
    p50Ms: seq.p50,
    p99Ms: seq.p99,
    sequentialPerSec: round(1000 / seq.mean, 0),
    concurrentPerSec: round(done / seconds, 0),
  }
}

const root = mkdtempSync(join(tmpdir(), 'mm-bench-'))
const daemon = new DaemonProcess({ name: 'bench', root, env: { MOLTMESH_LOG_LEVEL: 'warn' } })
const bareSocket = join(root, 'bare.sock')
const bare = spawn(process.execPath, [join(REPO_ROOT, 'bench', 'bare-health-server.ts'), bareSocket], {
  stdio: ['ignore', 'pipe', 'inherit'],
})
try {
  await daemon.start()
  await new Promise<void>((resolve) => bare.stdout?.once('data', () => resolve()))
  const bareResult = await measure(bareSocket)
  const daemonResult = await measure(daemon.socket)
  console.log(
    JSON.stringify({
      bench: 'grpc-overhead',
      rpc: 'Diag.Health',
      transport: 'unix socket',
      concurrency: CONCURRENCY,
      daemon: daemonResult,
      bare: bareResult,
      throughputRatio: round(daemonResult.concurrentPerSec / bareResult.concurrentPerSec, 2),
      sequentialRatio: round(daemonResult.sequentialPerSec / bareResult.sequentialPerSec, 2),
      aim: 'throughputRatio >= 0.7',
    }),
  )
} finally {
  bare.kill('SIGTERM')
  await daemon.stop()
  rmSync(root, { recursive: true, force: true })
}
