// A simulated internet in network namespaces, for the join-the-world test: a "public internet" bridge
// (test/harness/netns.ts) whose hosts have globally routable-looking addresses, and home networks, each
// a namespace behind a NAT router namespace that masquerades it onto the public bridge.
//
//   home-a (192.168.1.2) --veth-- router ra (192.168.1.1 | 7.17.0.x, MASQUERADE) --+
//   home-b (192.168.2.2) --veth-- router rb (192.168.2.1 | 7.17.0.y, MASQUERADE) --+-- bridge 7.17.0.0/16
//                                               public hosts (7.17.0.z) ------------+
//
// libp2p treats the RFC 5737 documentation ranges as private (it drops them from DHT records), so the
// bridge uses 7.17.0.0/16: routable-looking, yet only ever an address inside these namespaces. Nothing
// has a route out: the bridge has no uplink, public hosts have no default route, routers forward only
// between their home and the bridge, and homes route only the bridge's subnet through their router.
// Everything is named with the topology's `mm17w-<pid>-` prefix and removed on every exit path
// (NetnsTopology.destroy, also from exit and signal handlers).

import { execFileSync, spawnSync } from 'node:child_process'
import { type NetnsHost, NetnsTopology, netnsAvailable } from './netns.ts'

export const INTERNET_SUBNET = '7.17.0.0/16'
const ROOT = 'mm17w'

export interface HomeNetwork {
  /** The daemon's host behind the NAT. */
  host: NetnsHost
  /** The NAT router (its eth0 is on the public bridge). */
  router: NetnsHost
}

/** Why the simulated internet cannot be built here, or undefined when it can. */
export function natInternetUnavailable(): string | undefined {
  const netns = netnsAvailable()
  if (!netns.ok) return netns.reason
  if (spawnSync('iptables', ['--version']).status !== 0)
    return 'iptables is not installed (scripts/setup-netns.sh installs it from Debian packages as root)'
  return undefined
}

function run(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
}

export class NatInternet {
  readonly topology: NetnsTopology
  private homes = 0

  private constructor(topology: NetnsTopology) {
    this.topology = topology
  }

  static create(): NatInternet {
    return new NatInternet(NetnsTopology.create({ root: ROOT, subnet: INTERNET_SUBNET }))
  }

  /** A host directly on the public internet. */
  addPublicHost(name: string): NetnsHost {
    return this.topology.addHost({ name })
  }

  /**
   * A home network: router `r<name>` on the bridge masquerading 192.168.<n>.0/24, and host `<name>`
   * behind it. `symmetric` makes the router pick a random source port per connection (SNAT
   * --random-fully), like a symmetric NAT; default is Linux MASQUERADE (port-preserving when it can).
   */
  addHome(name: string, options: { symmetric?: boolean } = {}): HomeNetwork {
    const n = ++this.homes
    const router = this.topology.addHost({ name: `r${name}` })
    const namespace = `${this.topology.prefix}${name}`
    const host: NetnsHost = {
      name,
      namespace,
      address: `192.168.${n}.2`,
      wrap: ['ip', 'netns', 'exec', namespace],
    }
    // Registered first, so the topology's destroy() removes it whatever fails below.
    this.topology.hosts.set(name, host)
    run('ip', ['netns', 'add', namespace])
    run('ip', [
      '-n',
      router.namespace,
      'link',
      'add',
      'lan0',
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      namespace,
    ])
    for (const args of [
      ['addr', 'add', `192.168.${n}.1/24`, 'dev', 'lan0'],
      ['link', 'set', 'lan0', 'up'],
    ])
      run('ip', ['-n', router.namespace, ...args])
    for (const args of [
      ['link', 'set', 'lo', 'up'],
      ['addr', 'add', `${host.address}/24`, 'dev', 'eth0'],
      ['link', 'set', 'eth0', 'up'],
      // Only the simulated internet goes through the router: no default route.
      ['route', 'add', INTERNET_SUBNET, 'via', `192.168.${n}.1`],
    ])
      run('ip', ['-n', namespace, ...args])
    const inRouter = (cmd: string, args: string[]) =>
      run('ip', ['netns', 'exec', router.namespace, cmd, ...args])
    inRouter('sysctl', ['-qw', 'net.ipv4.ip_forward=1'])
    inRouter(
      'iptables',
      options.symmetric === true
        ? [
            '-t',
            'nat',
            '-A',
            'POSTROUTING',
            '-o',
            'eth0',
            '-j',
            'SNAT',
            '--to-source',
            router.address,
            '--random-fully',
          ]
        : ['-t', 'nat', '-A', 'POSTROUTING', '-o', 'eth0', '-j', 'MASQUERADE'],
    )
    // A NAT lets in only what answers a connection from inside.
    inRouter('iptables', ['-A', 'FORWARD', '-i', 'lan0', '-o', 'eth0', '-j', 'ACCEPT'])
    inRouter('iptables', [
      '-A',
      'FORWARD',
      '-i',
      'eth0',
      '-o',
      'lan0',
      '-m',
      'conntrack',
      '--ctstate',
      'ESTABLISHED,RELATED',
      '-j',
      'ACCEPT',
    ])
    inRouter('iptables', ['-P', 'FORWARD', 'DROP'])
    return { host, router }
  }

  destroy(): void {
    this.topology.destroy()
  }
}
