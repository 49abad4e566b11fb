// A daemon started with the default configuration (join_public off) dials nothing but the addresses it
// was given. It runs in a network namespace whose default route leads to a sink host, so a dial to
// any address at all — the public bootstrap list, a DNS server resolving /dnsaddr/bootstrap.libp2p.io —
// would leave as a packet; iptables in the namespace counts every packet by destination and drops
// everything that is not loopback, the given peer or LAN multicast (mDNS, on by default). Nothing here
// has a route out of the namespaces the test made.

import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DaemonProcess } from '../harness/daemon-process.ts'
import { onExitCleanup } from '../harness/exit-cleanup.ts'
import { natInternetUnavailable } from '../harness/nat-internet.ts'
import { NetnsTopology } from '../harness/netns.ts'

const unavailable = natInternetUnavailable()
const OBSERVE_MS = 20_000

/** Packet counters of the subject's OUTPUT rules, by the comment each rule carries. */
function counters(namespace: string): Record<string, number> {
  const out = execFileSync('ip', ['netns', 'exec', namespace, 'iptables', '-L', 'OUTPUT', '-v', '-n', '-x'], {
    encoding: 'utf8',
  })
  const byRule: Record<string, number> = {}
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+\d+\s.*\/\* (\S+) \*\//.exec(line)
    if (m != null) byRule[m[2]!] = Number(m[1])
  }
  return byRule
}

describe.skipIf(unavailable != null)('a default-config daemon dials only what it was given', () => {
  let topology: NetnsTopology
  let root: string
  let peer: DaemonProcess
  let subject: DaemonProcess
  let resolvDir: string | undefined

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'mm17-dials-'))
    topology = NetnsTopology.create({ root: 'mm17d', subnet: '10.217.0.0/24' })
    const [peerHost, subjectHost, sink] = topology.addHosts([
      { name: 'peer' },
      { name: 'subject' },
      { name: 'sink' },
    ])
    const ns = subjectHost!.namespace
    // Any address at all leaves through the switch (which routes only between the test's hosts), so
    // every dial is a packet the subject's OUTPUT chain sees.
    topology.ipIn('subject', ['route', 'add', 'default', 'via', topology.routerAddress])
    execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1'])
    // DNS lookups inside the namespace go to the sink too (ip netns exec mounts this over /etc).
    resolvDir = `/etc/netns/${ns}`
    mkdirSync(resolvDir, { recursive: true })
    writeFileSync(join(resolvDir, 'resolv.conf'), `nameserver ${sink!.address}\n`)
    const dir = resolvDir
    onExitCleanup(() => rmSync(dir, { recursive: true, force: true }))
    const rule = (args: string[]) =>
      execFileSync('ip', ['netns', 'exec', ns, 'iptables', '-A', 'OUTPUT', ...args])
    rule(['-o', 'lo', '-m', 'comment', '--comment', 'loopback', '-j', 'ACCEPT'])
    rule(['-d', peerHost!.address, '-m', 'comment', '--comment', 'given-peer', '-j', 'ACCEPT'])
    rule(['-d', '224.0.0.0/4', '-m', 'comment', '--comment', 'lan-multicast', '-j', 'ACCEPT'])
    rule(['-m', 'comment', '--comment', 'anything-else', '-j', 'DROP'])

    peer = new DaemonProcess({
      name: 'peer',
      root,
      wrap: peerHost!.wrap,
      args: ['--port', '4001'],
      env: { MOLTMESH_P2P_HOST: peerHost!.address },
    })
    await peer.start()
    subject = new DaemonProcess({
      name: 'subject',
      root,
      wrap: subjectHost!.wrap,
      bootstrap: [peer.info!.tcpAddress],
      // Defaults: mDNS on, port 4001, all interfaces, DHT mode auto; no config file.
      mdns: true,
      args: ['--port', '4001'],
      env: { MOLTMESH_P2P_HOST: '0.0.0.0', MOLTMESH_P2P_DHT_MODE: 'auto' },
    })
    await subject.start()
  }, 60_000)

  afterAll(async () => {
    await subject?.stop().catch(() => undefined)
    await peer?.stop().catch(() => undefined)
    topology?.destroy()
    if (resolvDir != null) rmSync(resolvDir, { recursive: true, force: true })
    if (root != null) rmSync(root, { recursive: true, force: true })
  }, 30_000)

  it('connects to the given peer and sends nothing anywhere else (no public bootstrap, no DNS)', async () => {
    await new Promise((r) => setTimeout(r, OBSERVE_MS))
    const info = await subject.client.diag.getInfo({})
    expect(info.publicNetwork!.joined).toBe(false)
    expect(info.publicNetwork!.publicBootstrapConnected).toBe(0)
    const peers = (await subject.client.diag.listPeers({})).peers.map((p) => p.peerId)
    expect(peers).toContain(peer.info!.peerId)
    const c = counters(`${topology.prefix}subject`)
    console.log(`subject's packets by destination after ${OBSERVE_MS / 1000} s: ${JSON.stringify(c)}`)
    expect(c['given-peer']).toBeGreaterThan(0)
    expect(c['anything-else']).toBe(0)
  }, 60_000)
})

// Where the namespaces cannot be had, say why in the test report.
if (unavailable != null)
  describe('a default-config daemon dials only what it was given', () => {
    it.skip(`skipped: ${unavailable}`, () => {})
  })
