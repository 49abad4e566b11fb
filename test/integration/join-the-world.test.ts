// Joining the world, in a simulated internet made of network namespaces (test/harness/nat-internet.ts):
// five plain js-libp2p nodes play the public Amino DHT, one moltmesh daemon sits on a public address,
// and two daemons each sit behind their own NAT router. The daemons know only the five public DHT
// nodes (network.public_bootstrap_peers, join_public on) and no moltmesh peer at all. Every address
// lives in namespaces this test creates, none of which has a route out.

import { type ChildProcess, spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { types } from '../../clients/ts/index.ts'
import { DaemonProcess } from '../harness/daemon-process.ts'
import { allInbox, sendText, textsOf } from '../harness/messages.ts'
import { type HomeNetwork, NatInternet, natInternetUnavailable } from '../harness/nat-internet.ts'
import { offerSkills, startWorker } from '../harness/tasks.ts'

const unavailable = natInternetUnavailable()
const AMINO_SCRIPT = join(import.meta.dirname, '..', 'harness', 'amino-node.ts')
const MiB = 1024 * 1024

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (err) {
      last = err
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last != null ? ` (${String(last)})` : ''}`,
  )
}

async function startAmino(wrap: string[], ip: string, peers: string[], log: string[]) {
  const child = spawn(wrap[0]!, [...wrap.slice(1), process.execPath, AMINO_SCRIPT], {
    env: { ...process.env, AMINO_ANNOUNCE: ip, AMINO_PEERS: peers.join(',') },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stderr?.on('data', (d: Buffer) => log.push(`amino ${ip}: ${d.toString().trim()}`))
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! })
    rl.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`amino node ${ip} exited (${code}): ${log.join('\n')}`)))
  })
  const { peerId } = JSON.parse(line) as { peerId: string }
  return { child, addr: `/ip4/${ip}/tcp/4001/p2p/${peerId}` }
}

describe.skipIf(unavailable != null)('join the world: public-DHT rendezvous, NAT and relays', () => {
  let net: NatInternet
  let root: string
  const aminos: ChildProcess[] = []
  const aminoLog: string[] = []
  let relay: DaemonProcess
  let a: DaemonProcess
  let b: DaemonProcess
  let homeA: HomeNetwork
  let homeB: HomeNetwork

  const info = async (d: DaemonProcess) => (await d.client.diag.getInfo({})).publicNetwork!

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'mm17-world-'))
    net = NatInternet.create()
    const bootstrap: string[] = []
    for (let i = 1; i <= 5; i++) {
      const h = net.addPublicHost(`amino${i}`)
      const node = await startAmino(h.wrap, h.address, bootstrap, aminoLog)
      aminos.push(node.child)
      bootstrap.push(node.addr)
    }
    const pub = net.addPublicHost('relay')
    homeA = net.addHome('ha')
    homeB = net.addHome('hb')
    const daemon = (name: string, wrap: string[]) =>
      new DaemonProcess({
        name,
        root,
        wrap,
        // Servers keep their port across restarts; inside its own namespace nothing else uses it.
        args: ['--port', '4001'],
        // Three daemons and five DHT nodes start at once on a machine that may be busy.
        readyTimeoutMs: 120_000,
        env: {
          MOLTMESH_P2P_HOST: '0.0.0.0',
          MOLTMESH_P2P_DHT_MODE: 'auto',
          MOLTMESH_NETWORK_JOIN_PUBLIC: 'true',
          MOLTMESH_NETWORK_PUBLIC_BOOTSTRAP_PEERS: bootstrap.join(','),
          // Queued messages are retried within seconds once a relay is back (default: up to 5 min).
          MOLTMESH_MESSAGING_RETRY_MAX_DELAY_MS: '3000',
          // libp2p debug logs for a failing run, e.g. MM17_DEBUG='libp2p:circuit-relay*'.
          ...(process.env.MM17_DEBUG != null ? { DEBUG: process.env.MM17_DEBUG } : {}),
        },
      })
    relay = daemon('relay', pub.wrap)
    a = daemon('a', homeA.host.wrap)
    b = daemon('b', homeB.host.wrap)
    await Promise.all([relay.start(), a.start(), b.start()])
    await offerSkills(b, [{ id: 'summarize-logs' }])
    await offerSkills(a, [{ id: 'translate-text' }])
  }, 300_000)

  afterAll(async () => {
    for (const d of [a, b, relay]) await d?.stop().catch(() => undefined)
    // Whole daemon logs of a run, for debugging: MM17_LOGS=<dir>.
    const logs = process.env.MM17_LOGS
    if (logs != null)
      for (const d of [a, b, relay]) if (d != null) writeFileSync(join(logs, `${d.name}.log`), d.dumpOutput())
    for (const c of aminos) c.kill('SIGKILL')
    net?.destroy()
    if (root != null) rmSync(root, { recursive: true, force: true })
  }, 60_000)

  const dump = () => [relay, a, b].map((d) => d.dumpOutput().split('\n').slice(-80).join('\n')).join('\n')

  it('the public daemon sees itself public and serves as relay; the NATed ones see the NAT', async () => {
    try {
      const p = await until('the relay to be public with its relay service on', 60_000, async () => {
        const s = await info(relay)
        return s.reachability === 'public' && s.relayService ? s : undefined
      })
      expect(p.joined).toBe(true)
      expect(p.reachabilityReason).toContain('/ip4/7.17.')
      for (const d of [a, b]) {
        const s = await until(`${d.name} to hold a relay reservation`, 60_000, async () => {
          const s = await info(d)
          return s.reachability === 'nat' && s.relays.length > 0 ? s : undefined
        })
        expect(s.relays).toEqual([relay.info!.peerId])
        expect(s.relayAddresses.every((x) => x.includes(`/p2p/${relay.info!.peerId}/p2p-circuit`))).toBe(true)
        expect(s.relayService).toBe(false)
      }
      expect((await info(relay)).relayedPeers).toBeGreaterThanOrEqual(2)
      // What a human sees.
      const relayInfo = (await relay.cli('info')).stdout
      expect(relayInfo).toMatch(/Reachability\s+public/)
      expect(relayInfo).toMatch(/Relay service\s+on, \d+ reservations held/)
      const aInfo = (await a.cli('info')).stdout
      expect(aInfo).toMatch(/Public network\s+joined/)
      expect(aInfo).toMatch(/Reachability\s+behind NAT/)
      expect(aInfo).toContain(`/p2p/${relay.info!.peerId}/p2p-circuit`)
      // NATed daemons stay DHT clients; the reachable one serves the moltmesh DHT.
      expect((await relay.client.diag.getInfo({})).dhtMode).toBe('server')
      expect((await a.client.diag.getInfo({})).dhtMode).toBe('client')
    } catch (err) {
      console.error(dump())
      throw err
    }
  }, 130_000)

  it('the NATed daemons find each other by capability within 60 s and exchange messages both ways', async () => {
    try {
      const started = Date.now()
      const found = await until('a to find b by capability', 60_000, async () => {
        // Its card names its relay address once the reservation is in (republished on change).
        for await (const f of a.client.a2a.findAgents({
          capability: 'summarize-logs',
          limit: 1,
          timeoutMs: 5_000,
        }))
          if (f.card?.did === b.did && f.card.addresses.some((x) => x.includes('/p2p-circuit'))) return f
        return undefined
      })
      console.log(`a found b by capability after ${Date.now() - started} ms`)
      expect(found.card!.addresses.some((x) => x.includes(`/p2p/${relay.info!.peerId}/p2p-circuit`))).toBe(
        true,
      )
      const back = await until('b to find a by capability', 60_000, async () => {
        for await (const f of b.client.a2a.findAgents({
          capability: 'translate-text',
          limit: 1,
          timeoutMs: 5_000,
        }))
          if (f.card?.did === a.did) return f
        return undefined
      })
      expect(back.card!.did).toBe(a.did)
      // The rendezvous found the relay daemon (a moltmesh daemon) for both.
      for (const d of [a, b]) {
        const s = await info(d)
        expect(s.rendezvousFound).toBe(true)
        expect(s.rendezvousPeers).toBeGreaterThanOrEqual(1)
        expect(s.publicBootstrapConnected).toBeGreaterThan(0)
      }
      await sendText(a, b.did, 'hello from behind NAT A')
      await sendText(b, a.did, 'hello from behind NAT B')
      await until('both messages', 30_000, async () => {
        const inB = textsOf(await allInbox(b))
        const inA = textsOf(await allInbox(a))
        return inB.includes('hello from behind NAT A') && inA.includes('hello from behind NAT B')
          ? true
          : undefined
      })
      const peers = (await a.client.diag.listPeers({})).peers.find((p) => p.did === b.did)
      console.log(`a <-> b connection: ${peers?.transport} ${peers?.addresses[0]}`)
      // Each card change was announced as a newer version; no retry sent the relay an older one
      // after it (that is refused as a replay and counted as hostile input).
      for (const d of [relay, a, b]) expect(d.output.join('\n')).not.toContain('CARD_REPLAYED')
    } catch (err) {
      console.error(dump())
      throw err
    }
  }, 150_000)

  it('a task with a 10 MiB artifact completes through the relay', async () => {
    const data = randomBytes(10 * MiB)
    const worker = startWorker(b, 'summarize-logs', async () => {
      const { artifact } = await b.client.a2a.putBlob([
        { metadata: { name: 'logs.bin', mediaType: 'application/octet-stream', size: data.length } },
        ...Array.from({ length: 10 }, (_, i) => ({ chunk: data.subarray(i * MiB, (i + 1) * MiB) })),
      ])
      return [{ text: 'summary attached' }, { artifact: { cid: artifact!.cid } }]
    })
    try {
      const { task } = await a.client.a2a.createTask({
        to: b.did,
        skill: 'summarize-logs',
        input: [{ text: 'go' }],
      })
      const done = await a.client.waitTask(task!.id, { timeoutMs: 90_000 })
      expect(done.state, JSON.stringify(done.error)).toBe(types.TaskState.TASK_STATE_COMPLETED)
      const ref = done.output[1]!.artifact!
      expect(ref.size).toBe(data.length)
      const hash = createHash('sha256')
      let bytes = 0
      for await (const res of a.client.a2a.getBlob({ cid: ref.cid })) {
        hash.update(res.chunk)
        bytes += res.chunk.length
      }
      expect(bytes).toBe(data.length)
      expect(hash.digest()).toEqual(createHash('sha256').update(data).digest())
    } catch (err) {
      console.error(dump())
      throw err
    } finally {
      await worker.stop()
    }
  }, 150_000)

  it('with the relay down, messages queue; they are delivered once a relay is back', async () => {
    try {
      // Direct paths (if hole punching made one) would survive the relay's death: drop them so the
      // messages depend on a relay, as they do when hole punching fails.
      await relay.kill()
      await until('a and b to notice the relay is gone', 30_000, async () => {
        const [sa, sb] = await Promise.all([info(a), info(b)])
        return sa.relays.length === 0 && sb.relays.length === 0 ? true : undefined
      })
      const aToB = await sendText(a, b.did, 'queued while the relay was down (a)')
      const bToA = await sendText(b, a.did, 'queued while the relay was down (b)')
      await new Promise((r) => setTimeout(r, 3_000))
      const pending = (await a.client.a2a.getMessage({ id: aToB.id })).message!
      expect(pending.status).toBe(types.MessageStatus.MESSAGE_STATUS_QUEUED)
      expect(textsOf(await allInbox(b))).not.toContain('queued while the relay was down (a)')
      await relay.start()
      await until('both queued messages to arrive', 90_000, async () => {
        const inB = textsOf(await allInbox(b))
        const inA = textsOf(await allInbox(a))
        return inB.includes('queued while the relay was down (a)') &&
          inA.includes('queued while the relay was down (b)')
          ? true
          : undefined
      })
      expect((await b.client.a2a.getMessage({ id: bToA.id })).message!.status).toBe(
        types.MessageStatus.MESSAGE_STATUS_DELIVERED,
      )
    } catch (err) {
      console.error(dump())
      throw err
    }
  }, 180_000)
})

// Where the namespaces cannot be had, say why in the test report.
if (unavailable != null)
  describe('join the world: simulated internet', () => {
    it(`skipped: ${unavailable}`, () => {})
  })
