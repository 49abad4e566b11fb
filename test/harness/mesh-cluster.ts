// A mesh of real daemons for scale tests and benchmarks: one daemon per network namespace on one
// bridge (test/harness/netns.ts), each knowing only one or two bootstrap hosts, mDNS off unless asked.
// Where namespaces are unavailable it says why and falls back to 127.0.0.1 with distinct ports.
//
// Members can be killed (-9), restarted with the same data dir, and added later (churn). Per-member
// RSS, CPU time and — in namespaces — bytes on the wire come from /proc.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DaemonProcess } from './daemon-process.ts'
import { onExitCleanup } from './exit-cleanup.ts'
import { type NetnsHost, NetnsTopology, netnsAvailable } from './netns.ts'

export type MeshMode = 'netns' | 'loopback'

export interface ClusterOptions {
  /** 'auto' (default): namespaces when available, else loopback with a message. */
  mode?: MeshMode | 'auto'
  /** How many of the first members every later member bootstraps from (default 2). */
  bootstraps?: number
  /** mDNS on and no bootstrap list at all (namespaces only: multicast on the bridge). */
  mdns?: boolean
  /** Extra daemon environment (MOLTMESH_*). */
  env?: Record<string, string>
  /** Daemons started at once (default 5: each start loads the whole stack on a shared CPU). */
  startBatch?: number
  readyTimeoutMs?: number
  /** Progress messages (stderr by default). */
  log?: (line: string) => void
}

export interface Member {
  index: number
  name: string
  daemon: DaemonProcess
  host?: NetnsHost
  alive: boolean
}

export interface ResourceSample {
  name: string
  pid: number
  rssBytes: number
  /** user + system CPU seconds since the process started. */
  cpuSeconds: number
  /** Bytes received/sent on the member's eth0 (namespaces only). */
  rxBytes?: number
  txBytes?: number
}

const CLOCK_TICKS = 100 // USER_HZ on Linux
const MIN_FREE_BYTES = 1.5 * 2 ** 30

export function memAvailableBytes(): number {
  const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'))
  return Number(m?.[1] ?? 0) * 1024
}

export function sampleProcess(pid: number): { rssBytes: number; cpuSeconds: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return { rssBytes: Number(rss?.[1] ?? 0) * 1024, cpuSeconds }
  } catch {
    return undefined
  }
}

/** eth0 counters as seen from inside the process's network namespace. */
function netOf(pid: number): { rxBytes: number; txBytes: number } | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/net/dev`, 'utf8')
      .split('\n')
      .find((l) => l.trim().startsWith('eth0:'))
    if (line == null) return undefined
    const f = line.split(':')[1]!.trim().split(/\s+/).map(Number)
    return { rxBytes: f[0]!, txBytes: f[8]! }
  } catch {
    return undefined
  }
}

export class MeshCluster {
  readonly mode: MeshMode
  /** Why namespaces were not used (loopback mode only). */
  readonly fallbackReason: string | undefined
  readonly root: string
  readonly members: Member[] = []
  readonly topology: NetnsTopology | undefined
  private readonly options: ClusterOptions
  private readonly log: (line: string) => void
  private unregister: () => void = () => undefined

  private constructor(options: ClusterOptions, mode: MeshMode, reason: string | undefined) {
    this.options = options
    this.mode = mode
    this.fallbackReason = reason
    this.log = options.log ?? ((l) => console.error(l))
    // Short prefix under /tmp: unix socket paths must stay under 107 bytes.
    this.root = mkdtempSync(join(tmpdir(), 'mm16-'))
    if (mode === 'netns') this.topology = NetnsTopology.create({ multicast: options.mdns === true })
    // Whatever ends this process, no daemon and no temp dir outlives it.
    this.unregister = onExitCleanup(() => this.destroySync())
  }

  /** Picks the mode and creates an empty cluster; add members with `grow`. */
  static create(options: ClusterOptions = {}): MeshCluster {
    const wanted = options.mode ?? 'auto'
    if (wanted === 'loopback') return new MeshCluster(options, 'loopback', 'loopback requested')
    const available = netnsAvailable()
    if (available.ok) return new MeshCluster(options, 'netns', undefined)
    if (wanted === 'netns') throw new Error(available.reason)
    const log = options.log ?? ((l: string) => console.error(l))
    log(`network namespaces unavailable (${available.reason}); falling back to 127.0.0.1 with distinct ports`)
    return new MeshCluster(options, 'loopback', available.reason)
  }

  get alive(): Member[] {
    return this.members.filter((m) => m.alive)
  }

  private bootstrapAddresses(): string[] {
    if (this.options.mdns === true) return []
    return this.members
      .slice(0, this.options.bootstraps ?? 2)
      .filter((m) => m.alive && m.daemon.info != null)
      .map((m) => m.daemon.info!.tcpAddress)
  }

  /** Adds and starts `count` members, a batch at a time. */
  async grow(count: number): Promise<Member[]> {
    const added: Member[] = []
    const bootstraps = this.options.mdns === true ? 0 : (this.options.bootstraps ?? 2)
    const batch = this.options.startBatch ?? 5
    let remaining = count
    while (remaining > 0) {
      // Other work shares this machine: stop before the kernel's OOM killer picks a victim.
      const available = memAvailableBytes()
      if (available < MIN_FREE_BYTES)
        throw new Error(
          `only ${Math.round(available / 2 ** 20)} MiB of memory left after ${this.members.length} daemons; not starting more`,
        )
      // The bootstrap hosts come up alone first, so that every later member has their addresses.
      const size = this.members.length < bootstraps ? 1 : Math.min(batch, remaining)
      const start = this.members.length
      const hosts =
        this.topology?.addHosts(Array.from({ length: size }, (_, i) => ({ name: `h${start + i}` }))) ?? []
      const boot = this.bootstrapAddresses()
      const group = Array.from({ length: size }, (_, i): Member => {
        const index = start + i
        const host = hosts[i]
        const daemon = new DaemonProcess({
          name: `h${index}`,
          root: this.root,
          bootstrap: boot,
          mdns: this.options.mdns === true,
          wrap: host?.wrap,
          readyTimeoutMs: this.options.readyTimeoutMs ?? 300_000,
          env: {
            MOLTMESH_LOG_LEVEL: 'warn',
            // A 1 MiB young generation instead of 16 (~30 MiB less RSS per idle daemon) and two malloc
            // arenas instead of one per thread (~10 MiB less), measured: what lets 100 daemons share
            // this machine with everything else. MESH_NODE_OPTIONS replaces the Node flags.
            NODE_OPTIONS: process.env.MESH_NODE_OPTIONS ?? '--max-semi-space-size=1',
            MALLOC_ARENA_MAX: '2',
            ...(host != null ? { MOLTMESH_P2P_HOST: host.address } : {}),
            ...this.options.env,
          },
        })
        return { index, name: `h${index}`, daemon, host, alive: false }
      })
      this.members.push(...group)
      await Promise.all(
        group.map(async (m) => {
          await m.daemon.start()
          m.alive = true
        }),
      )
      added.push(...group)
      remaining -= size
      if (this.members.length % 20 < size) this.log(`mesh: ${this.members.length} daemons up`)
    }
    return added
  }

  /** kill -9: the daemon gets no chance to say goodbye; its namespace and data dir stay. */
  async kill(m: Member): Promise<void> {
    m.alive = false
    await m.daemon.kill()
  }

  /** Starts a killed member again with the same data dir and address. */
  async restart(m: Member): Promise<void> {
    await m.daemon.start()
    m.alive = true
  }

  /** RSS, CPU time and wire bytes of every live member. */
  sample(): ResourceSample[] {
    const out: ResourceSample[] = []
    for (const m of this.alive) {
      const pid = m.daemon.child?.pid
      if (pid == null) continue
      const p = sampleProcess(pid)
      if (p == null) continue
      out.push({ name: m.name, pid, ...p, ...(this.mode === 'netns' ? netOf(pid) : {}) })
    }
    return out
  }

  /** Members still counted alive whose process has exited (a crash), with their last output lines. */
  crashed(lines = 40): Array<{ name: string; tail: string }> {
    return this.alive
      .filter((m) => m.daemon.hasExited)
      .map((m) => ({ name: m.name, tail: m.daemon.output.slice(-lines).join('\n') }))
  }

  dumpLogs(): string {
    return this.members.map((m) => m.daemon.dumpOutput()).join('\n')
  }

  private destroySync(): void {
    for (const m of this.members) {
      const child = m.daemon.child
      if (child != null && !m.daemon.hasExited) child.kill('SIGKILL')
    }
    this.topology?.destroy()
    rmSync(this.root, { recursive: true, force: true })
  }

  /** Stops every daemon (kill -9: nothing to keep), removes namespaces and the temp dir. */
  async teardown(): Promise<void> {
    this.unregister()
    await Promise.all(this.members.map((m) => m.daemon.kill().catch(() => undefined)))
    this.destroySync()
  }
}
