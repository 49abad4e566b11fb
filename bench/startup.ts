// Time from `moltmesh start` to a healthy daemon (first start with key generation, then warm restarts),
// and the daemon's idle resident memory. Prints one JSON line.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DaemonProcess } from '../test/harness/daemon-process.ts'
import { round, summarize } from './stats.ts'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 5000)

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
  return round(kb / 1024, 1)
}

const root = mkdtempSync(join(tmpdir(), 'mm-bench-'))
const cold: number[] = []
const warm: number[] = []
let idleRss = Number.NaN
try {
  for (let i = 0; i < RUNS; i++) {
    const d = new DaemonProcess({ name: `s${i}`, root, env: { MOLTMESH_LOG_LEVEL: 'warn' } })
    let t0 = performance.now()
    await d.start()
    cold.push(performance.now() - t0)
    await d.stop()
    t0 = performance.now()
    await d.start()
    warm.push(performance.now() - t0)
    if (i === RUNS - 1) {
      await new Promise((r) => setTimeout(r, IDLE_MS))
      idleRss = rssMb(d.child!.pid!)
    }
    await d.stop()
  }
  console.log(
    JSON.stringify({
      bench: 'startup',
      runs: RUNS,
      firstStartMs: summarize(cold),
      restartMs: summarize(warm),
      idleRssMb: idleRss,
      idleAfterMs: IDLE_MS,
      aim: 'start to healthy < 1500 ms, idle RSS < 120 MB',
    }),
  )
} finally {
  rmSync(root, { recursive: true, force: true })
}
