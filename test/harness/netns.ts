// Isolated virtual networks made of Linux network namespaces, for multi-host tests and benchmarks.
//
// A topology is one "switch" namespace holding a bridge, plus one namespace per host joined to that
// bridge by a veth pair (`eth0` inside the host, `<host>` on the switch). Nothing is created in the
// caller's own namespace: the bridge has no uplink, hosts get addresses from a private subnet and no
// default route, and there is no NAT, so a process inside can reach the other hosts and nothing else.
//
// Hosts do not talk to each other directly on the bridge: each has a /32 address and reaches the
// subnet through the switch namespace, which routes between them (the last address of the subnet,
// on the bridge). Reason: the kernel's ARP table is one table for all namespaces (gc_thresh3 = 1024
// entries by default, settable only in the initial namespace). With a flat bridge every host keeps
// an entry per peer it talks to; at 100 daemons with ~30 connections each the table overflowed
// ("neighbour: arp_cache: neighbor table overflow!") and hosts started after that could reach nobody.
// Routed, each host needs one entry (the router) and the router one per host.
//
// Every object is named `<prefix><name>` with the prefix `<root>-<pid>-` of the process that made it,
// so `cleanupStale()` can remove what a killed run left behind (its pid is gone) without touching a
// live run of another process. `destroy()` is synchronous so it also works from exit and signal
// handlers: it SIGKILLs every process still inside the namespaces (only processes we started can be
// there) and deletes the namespaces, which removes their veths and the bridge with them.
//
// Needs root (CAP_SYS_ADMIN + CAP_NET_ADMIN) and iproute2; `netnsAvailable()` says whether it works
// here and why not. Later topologies (NAT routers, relays) build on `addHost`, `ipIn` and `execIn`.

import { execFileSync, spawnSync } from 'node:child_process'
import { onExitCleanup } from './exit-cleanup.ts'

export const DEFAULT_ROOT = 'mm16'
export const DEFAULT_SUBNET = '10.216.0.0/16'

export interface HostSpec {
  /** Short name, unique in the topology ([a-z0-9], at most 12 characters: it names a veth). */
  name: string
  /** IPv4 address inside the subnet; default: the next free one. */
  address?: string
}

export interface TopologySpec {
  /** Namespace name root; the full prefix is `<root>-<pid>-`. Default `mm16`. */
  root?: string
  /** The bridge's subnet (CIDR). Default 10.216.0.0/16. */
  subnet?: string
  hosts?: HostSpec[]
  /**
   * Route multicast (224.0.0.0/4) onto the bridge in every host, for mDNS between hosts. It is not a
   * route out: the bridge has no uplink.
   */
  multicast?: boolean
}

export interface NetnsHost {
  name: string
  /** The namespace (`ip netns exec <namespace> ...`). */
  namespace: string
  address: string
  /** Command prefix that runs a program inside this host. */
  wrap: string[]
}

export type Availability = { ok: true } | { ok: false; reason: string }

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Runs `ip [-n namespace] -batch`: one process for many commands (hosts are added by the hundred). */
function ipBatch(lines: string[], namespace?: string): void {
  const args = namespace == null ? ['-batch', '-'] : ['-n', namespace, '-batch', '-']
  const res = spawnSync('ip', args, { input: `${lines.join('\n')}\n`, encoding: 'utf8' })
  if (res.status !== 0) throw new Error(`ip -batch failed: ${res.stderr || res.error?.message}`)
}

/** Whether namespaces can be created here; the reason when not (not root, no iproute2, ...). */
export function netnsAvailable(): Availability {
  if (process.platform !== 'linux')
    return { ok: false, reason: `network namespaces need Linux (this is ${process.platform})` }
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network namespaces need root (run as root)' }
  const probe = `${DEFAULT_ROOT}-${process.pid}-probe`
  try {
    ip(['netns', 'add', probe])
    ip(['-n', probe, 'link', 'add', 'br0', 'type', 'bridge'])
    return { ok: true }
  } catch (err) {
    const e = err as { stderr?: string; message: string }
    return { ok: false, reason: `cannot create a network namespace: ${(e.stderr ?? e.message).trim()}` }
  } finally {
    spawnSync('ip', ['netns', 'del', probe])
  }
}

function listNamespaces(): string[] {
  const res = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
  if (res.status !== 0) return []
  return res.stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n !== '')
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** SIGKILLs every process inside a namespace, then deletes it. */
function removeNamespace(namespace: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8' })
  for (const pid of (pids.stdout ?? '').split('\n').filter((p) => p !== '')) {
    try {
      process.kill(Number(pid), 'SIGKILL')
    } catch {
      // already gone
    }
  }
  spawnSync('ip', ['netns', 'del', namespace])
}

/**
 * Removes namespaces (and so their veths, bridges and processes) left by runs under `root` whose
 * process no longer exists. Returns the names it removed.
 */
export function cleanupStale(root = DEFAULT_ROOT): string[] {
  const pattern = new RegExp(`^${root}-(\\d+)-`)
  const removed: string[] = []
  for (const ns of listNamespaces()) {
    const m = pattern.exec(ns)
    if (m == null || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue
    removeNamespace(ns)
    removed.push(ns)
  }
  return removed
}

function parseIpv4(a: string): number {
  const parts = a.split('.').map(Number)
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new Error(`not an IPv4 address: ${a}`)
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0
}

function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}

export class NetnsTopology {
  readonly prefix: string
  readonly switchNamespace: string
  readonly hosts = new Map<string, NetnsHost>()
  private readonly network: number
  private readonly prefixLength: number
  private readonly multicast: boolean
  /** The switch namespace's address on the bridge: every host's next hop. */
  readonly routerAddress: string
  private nextAddress: number
  private destroyed = false
  private unregister: () => void = () => undefined

  private constructor(spec: TopologySpec) {
    const root = spec.root ?? DEFAULT_ROOT
    if (!/^[a-z0-9]{1,8}$/.test(root)) throw new Error(`namespace root must be 1-8 of [a-z0-9]: ${root}`)
    this.prefix = `${root}-${process.pid}-`
    this.switchNamespace = `${this.prefix}sw`
    const [net, len] = (spec.subnet ?? DEFAULT_SUBNET).split('/')
    this.prefixLength = Number(len)
    if (!(this.prefixLength >= 8 && this.prefixLength <= 30)) throw new Error(`bad subnet ${spec.subnet}`)
    const mask = (0xffffffff << (32 - this.prefixLength)) >>> 0
    this.network = (parseIpv4(net!) & mask) >>> 0
    this.nextAddress = this.network + 1
    this.routerAddress = formatIpv4(this.network + 2 ** (32 - this.prefixLength) - 2)
    this.multicast = spec.multicast ?? false
  }

  /** Creates the switch and the given hosts. Removes stale namespaces of dead runs first. */
  static create(spec: TopologySpec = {}): NetnsTopology {
    cleanupStale(spec.root ?? DEFAULT_ROOT)
    const t = new NetnsTopology(spec)
    t.unregister = onExitCleanup(() => t.destroy())
    try {
      ip(['netns', 'add', t.switchNamespace])
      ipBatch(
        [
          'link add br0 type bridge',
          // Multicast snooping would drop mDNS between hosts that never sent an IGMP join.
          'link set br0 type bridge mcast_snooping 0',
          'link set br0 up',
          `addr add ${t.routerAddress}/${t.prefixLength} dev br0`,
        ],
        t.switchNamespace,
      )
      // Route between hosts (out of the interface the packet came in on), without ICMP redirects
      // that would make hosts talk directly again (and fill the ARP table).
      t.execIn(t.switchNamespace, [
        'sysctl',
        '-q',
        '-w',
        'net.ipv4.ip_forward=1',
        'net.ipv4.conf.all.send_redirects=0',
        'net.ipv4.conf.br0.send_redirects=0',
      ])
      t.addHosts(spec.hosts ?? [])
    } catch (err) {
      t.destroy()
      throw err
    }
    return t
  }

  private allocate(): string {
    const router = this.network + 2 ** (32 - this.prefixLength) - 2
    const used = new Set([...this.hosts.values()].map((h) => h.address))
    while (this.nextAddress < router && used.has(formatIpv4(this.nextAddress))) this.nextAddress++
    if (this.nextAddress >= router) throw new Error('subnet exhausted')
    return formatIpv4(this.nextAddress++)
  }

  /** Adds a host: its namespace, a veth to the bridge, its address, no route out. */
  addHost(spec: HostSpec): NetnsHost {
    return this.addHosts([spec])[0]!
  }

  /** Adds several hosts with a few `ip -batch` calls. */
  addHosts(specs: HostSpec[]): NetnsHost[] {
    if (this.destroyed) throw new Error('topology destroyed')
    const added: NetnsHost[] = []
    for (const spec of specs) {
      if (!/^[a-z0-9]{1,12}$/.test(spec.name))
        throw new Error(`host name must be 1-12 of [a-z0-9]: ${spec.name}`)
      if (this.hosts.has(spec.name) || added.some((h) => h.name === spec.name))
        throw new Error(`host ${spec.name} exists`)
      const namespace = `${this.prefix}${spec.name}`
      const host = { name: spec.name, namespace, address: '', wrap: ['ip', 'netns', 'exec', namespace] }
      this.hosts.set(spec.name, host)
      host.address = spec.address ?? this.allocate()
      added.push(host)
    }
    try {
      ipBatch(added.map((h) => `netns add ${h.namespace}`))
      // Created directly across the two namespaces: no interface ever appears in ours.
      ipBatch(
        added.flatMap((h) => [
          `link add ${h.name} type veth peer name eth0 netns ${h.namespace}`,
          `link set ${h.name} master br0 up`,
        ]),
        this.switchNamespace,
      )
      for (const h of added) {
        const lines = [
          'link set lo up',
          `addr add ${h.address}/32 dev eth0`,
          'link set eth0 up',
          `route add ${this.routerAddress}/32 dev eth0`,
          `route add ${formatIpv4(this.network)}/${this.prefixLength} via ${this.routerAddress} dev eth0`,
        ]
        if (this.multicast) lines.push('route add 224.0.0.0/4 dev eth0')
        ipBatch(lines, h.namespace)
      }
    } catch (err) {
      for (const h of added) this.removeHost(h.name)
      throw err
    }
    return added
  }

  /** Kills what runs in the host and removes it (its veth goes with the namespace). */
  removeHost(name: string): void {
    const host = this.hosts.get(name)
    if (host == null) return
    this.hosts.delete(name)
    removeNamespace(host.namespace)
  }

  /** Runs `ip <args>` inside a host's namespace (for topologies that add routes, NAT, ...). */
  ipIn(name: string, args: string[]): string {
    const host = this.hosts.get(name)
    if (host == null) throw new Error(`no host ${name}`)
    return ip(['-n', host.namespace, ...args])
  }

  /** Runs a program inside a namespace of this topology (a host's, or the switch's). */
  execIn(namespace: string, command: string[]): string {
    if (!namespace.startsWith(this.prefix)) throw new Error(`${namespace} is not part of this topology`)
    return execFileSync('ip', ['netns', 'exec', namespace, ...command], { encoding: 'utf8' })
  }

  /** eth0 byte counters of a host (what it sent to and received from the bridge). */
  counters(name: string): { rxBytes: number; txBytes: number } {
    const host = this.hosts.get(name)
    if (host == null) throw new Error(`no host ${name}`)
    const read = (what: string) =>
      Number(
        execFileSync(
          'ip',
          ['netns', 'exec', host.namespace, 'cat', `/sys/class/net/eth0/statistics/${what}`],
          {
            encoding: 'utf8',
          },
        ).trim(),
      )
    return { rxBytes: read('rx_bytes'), txBytes: read('tx_bytes') }
  }

  /** Removes every namespace of this topology (processes, veths, bridge). Synchronous; idempotent. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.unregister()
    for (const name of [...this.hosts.keys()]) this.removeHost(name)
    removeNamespace(this.switchNamespace)
  }

  /** The namespaces of this topology that still exist (for tests of the cleanup itself). */
  remaining(): string[] {
    return listNamespaces().filter((ns) => ns.startsWith(this.prefix))
  }
}
