// `npm run mesh -- --hosts N --scenario discovery|names|broadcast|churn|messages|idle|mdns|all`
// Starts N daemons, each in its own network namespace on one bridge (loopback ports when namespaces
// are unavailable), runs the scenarios in order on the same mesh, and prints one JSON line per
// scenario on stdout plus a short table on stderr. Options:
//   --hosts N         daemons (default 30)
//   --scenario list   comma-separated, or "all" (default: all but mdns)
//   --queries N       unique discovery / name queries (default 200)
//   --mode M          auto (default) | netns | loopback
//   --seed N          random seed for host choices (default 1)
//   --idle-seconds N  idle measurement length (default 60)
import { parseArgs } from 'node:util'
import { MeshCluster, memAvailableBytes } from '../../test/harness/mesh-cluster.ts'
import { broadcast } from './broadcast.ts'
import { churn } from './churn.ts'
import { loadAverage, resourceDelta, type Scenario, type ScenarioResult, seeded } from './common.ts'
import { discovery } from './discovery.ts'
import { idle } from './idle.ts'
import { mdnsScenario } from './mdns.ts'
import { messages } from './messages.ts'
import { names } from './names.ts'
import { printTable } from './table.ts'

const SCENARIOS: Record<string, Scenario> = { discovery, names, broadcast, messages, idle, churn }
// churn last: it changes the mesh (kills and adds hosts).
const ALL = ['discovery', 'idle', 'broadcast', 'names', 'messages', 'churn']

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '30' },
    scenario: { type: 'string', default: 'all' },
    queries: { type: 'string', default: '200' },
    mode: { type: 'string', default: 'auto' },
    seed: { type: 'string', default: '1' },
    'idle-seconds': { type: 'string', default: '60' },
  },
})
const hosts = Number(values.hosts)
const wanted = values.scenario === 'all' ? ALL : values.scenario.split(',')
for (const w of wanted)
  if (SCENARIOS[w] == null && w !== 'mdns') {
    console.error(`unknown scenario ${w}; available: ${[...ALL, 'mdns'].join(', ')}, all`)
    process.exit(2)
  }
if (!['auto', 'netns', 'loopback'].includes(values.mode)) {
  console.error(`--mode must be auto, netns or loopback`)
  process.exit(2)
}
const mode = values.mode as 'auto' | 'netns' | 'loopback'
const log = (l: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${l}`)
const ctx = {
  random: seeded(Number(values.seed)),
  queries: Number(values.queries),
  log,
  idleSeconds: Number(values['idle-seconds']),
}

// Other work shares this machine: if memory runs low mid-run, stop everything (the exit handlers
// kill every daemon and remove the namespaces) rather than let the kernel's OOM killer choose.
const MIN_AVAILABLE = 2 ** 30
setInterval(() => {
  if (memAvailableBytes() < MIN_AVAILABLE) {
    log(`less than 1 GiB of memory available: stopping the run`)
    process.kill(process.pid, 'SIGTERM')
  }
}, 2_000).unref()

const results: ScenarioResult[] = []
const emit = (r: ScenarioResult) => {
  results.push(r)
  console.log(JSON.stringify(r))
}

// mDNS needs its own mesh (no bootstrap list at all).
if (wanted.includes('mdns')) emit(await mdnsScenario(hosts, mode, ctx))

const main = wanted.filter((w) => w !== 'mdns')
if (main.length > 0) {
  const cluster = MeshCluster.create({ mode, log })
  try {
    log(
      `starting ${hosts} daemons (${cluster.mode}${cluster.fallbackReason ? `: ${cluster.fallbackReason}` : ''})`,
    )
    const t0 = performance.now()
    const before = cluster.sample()
    await cluster.grow(hosts)
    const startSeconds = (performance.now() - t0) / 1000
    log(`${hosts} daemons up in ${startSeconds.toFixed(1)} s`)
    emit({
      scenario: 'startup',
      hosts,
      mode: cluster.mode,
      ...(cluster.fallbackReason ? { fallbackReason: cluster.fallbackReason } : {}),
      startSeconds: Math.round(startSeconds),
      ...resourceDelta(before, cluster.sample(), startSeconds),
      loadAverage: loadAverage(),
    })
    for (const name of main) {
      log(`scenario ${name}`)
      const s0 = cluster.sample()
      const t = performance.now()
      const load0 = loadAverage()
      const r = await SCENARIOS[name]!(cluster, ctx)
      const seconds = (performance.now() - t) / 1000
      emit({
        ...r,
        seconds: Math.round(seconds),
        resources: r.resources ?? resourceDelta(s0, cluster.sample(), seconds),
        loadAverage: { before: load0, after: loadAverage() },
      })
    }
  } catch (err) {
    log(`mesh run failed: ${(err as Error).stack}`)
    // A daemon's socket closes before its exit is reported: give the exit events a moment.
    await new Promise((r) => setTimeout(r, 3_000))
    for (const c of cluster.crashed()) log(`${c.name} exited; its last output:\n${c.tail}`)
    process.exitCode = 1
  } finally {
    await cluster.teardown()
  }
}
printTable(results)
