// Time from `moltmesh start` to a healthy daemon (first start with key generation, then warm restarts),
// where it goes, and the daemon's idle resident memory. Prints one JSON line.
//
// Each start is split by the daemon's own 'daemon started' log line: `loadMs` is the process's boot
// and module loading (since the process began; after the in-place re-exec of cli/daemon-runtime.ts),
// `startMs` the subsystems' start; the rest of the time to healthy is spawning, the re-exec and the
// health poll (every 20 ms, test/harness/daemon-process.ts). The first start of the whole run also
// fills Node's compile cache when it is empty (cli/main.ts). `restartCpuMs` is the CPU time (user +
// system, all threads, 10 ms ticks) the daemon's process had used when it was healthy (and had
// answered GetInfo): the re-exec's first boot included, as execve keeps the process's times. On a
// shared machine it varies far less with load than the wall time does.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { DaemonProcess } from '../test/harness/daemon-process.ts'
import { round, summarize } from './stats.ts'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 5000)

/** User + system CPU time of a process so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
  return round(kb / 1024, 1)
}

/** loadMs and startMs of the last 'daemon started' line the daemon printed. */
function phases(d: DaemonProcess): { loadMs: number; startMs: number } {
  const line = d.output.findLast((l) => l.includes('"daemon started"')) ?? '{}'
  const parsed = JSON.parse(line) as { loadMs?: number; startMs?: number }
  return { loadMs: parsed.loadMs ?? Number.NaN, startMs: parsed.startMs ?? Number.NaN }
}

const root = mkdtempSync(join(tmpdir(), 'mm-bench-'))
const cold: number[] = []
const warm: number[] = []
const load: number[] = []
const start: number[] = []
const cpu: number[] = []
let idleRss = Number.NaN
const loadAverage = [loadavg()[0] ?? 0]
try {
  for (let i = 0; i < RUNS; i++) {
    const d = new DaemonProcess({ name: `s${i}`, root, env: { MOLTMESH_LOG_LEVEL: 'info' } })
    let t0 = performance.now()
    await d.start()
    cold.push(performance.now() - t0)
    await d.stop()
    t0 = performance.now()
    await d.start()
    warm.push(performance.now() - t0)
    cpu.push(cpuMs(d.child!.pid!))
    const p = phases(d)
    load.push(p.loadMs)
    start.push(p.startMs)
    if (i === RUNS - 1) {
      await new Promise((r) => setTimeout(r, IDLE_MS))
      idleRss = rssMb(d.child!.pid!)
    }
    await d.stop()
  }
  loadAverage.push(loadavg()[0] ?? 0)
  console.log(
    JSON.stringify({
      bench: 'startup',
      runs: RUNS,
      firstStartMs: summarize(cold),
      restartMs: summarize(warm),
      restartPhasesMs: { load: summarize(load), start: summarize(start) },
      restartCpuMs: summarize(cpu),
      idleRssMb: idleRss,
      idleAfterMs: IDLE_MS,
      loadAverage: loadAverage.map((x) => round(x, 2)).join('-'),
      aim: 'start to healthy < 500 ms, idle RSS < 100 MB',
    }),
  )
} finally {
  rmSync(root, { recursive: true, force: true })
}
