// The checks of `moltmesh doctor`, each a small function that returns what it saw and, when something
// is wrong, how to fix it. They look at this machine (runtime, data dir, ports, clock) and, when a
// daemon answers on the socket, ask it (peers, bootstrap reachability over libp2p).
import { createSocket } from 'node:dgram'
import { existsSync, statSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { join } from 'node:path'
import type { Client } from '../../clients/ts/index.ts'

export type CheckStatus = 'ok' | 'warn' | 'fail'

export interface CheckResult {
  name: string
  status: CheckStatus
  detail: string
  /** What to do about a warning or failure. */
  fix?: string
}

const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail })
const warn = (name: string, detail: string, fix: string): CheckResult => ({
  name,
  status: 'warn',
  detail,
  fix,
})
const fail = (name: string, detail: string, fix: string): CheckResult => ({
  name,
  status: 'fail',
  detail,
  fix,
})

/** Node 22.18+ runs the TypeScript directly; libp2p 3 needs 22+. */
export function checkNode(version = process.versions.node): CheckResult {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  if (major > 22 || (major === 22 && minor >= 18)) return ok('Node.js', `v${version}`)
  return fail(
    'Node.js',
    `v${version} is too old (libp2p 3 needs >= 22, the CLI >= 22.18)`,
    'run moltmesh through its launcher (cli/bin/moltmesh.js uses the bundled Node 24) or install Node 24',
  )
}

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(4, '0')

/** The data dir is 0700 and owned by us; the identity key 0600. A missing dir is created at start. */
export function checkDataDir(dataDir: string, uid = process.getuid?.()): CheckResult {
  if (!existsSync(dataDir))
    return ok('data dir', `${dataDir} does not exist yet (created 0700 at the first start)`)
  const dir = statSync(dataDir)
  if (!dir.isDirectory())
    return fail('data dir', `${dataDir} is not a directory`, 'remove it or choose another with --data-dir')
  if (uid != null && dir.uid !== uid)
    return fail(
      'data dir',
      `${dataDir} belongs to uid ${dir.uid}, not to you (uid ${uid})`,
      `sudo chown -R ${uid} ${dataDir}`,
    )
  if ((dir.mode & 0o077) !== 0)
    return fail(
      'data dir',
      `${dataDir} is ${octal(dir.mode)}: other users can read the identity key's folder`,
      `chmod 700 ${dataDir}`,
    )
  const key = join(dataDir, 'identity.key')
  if (!existsSync(key))
    return ok('data dir', `${dataDir} (0700; no identity key yet: made at the first start)`)
  const keyMode = statSync(key).mode
  if ((keyMode & 0o077) !== 0)
    return fail(
      'data dir',
      `${key} is ${octal(keyMode)}: the private key is readable by others`,
      `chmod 600 ${key}`,
    )
  return ok('data dir', `${dataDir} (0700, identity key 0600)`)
}

/** Whether a daemon answers on the socket; a socket file without one is a stale leftover. */
export async function checkDaemon(
  client: Client,
  socket: string,
): Promise<{ result: CheckResult; running: boolean }> {
  const health = await client.diag.health({}, { deadlineMs: 2_000 }).catch(() => undefined)
  if (health != null)
    return {
      running: true,
      result: ok('daemon', `running on ${socket} (${health.did}, version ${health.version})`),
    }
  const detail = existsSync(socket)
    ? `not answering on ${socket} (a stale socket from a daemon that stopped; start replaces it)`
    : `not running (no socket at ${socket})`
  return {
    running: false,
    result: warn('daemon', detail, 'start it with `moltmesh start` (or `start --detach`)'),
  }
}

function tryBind(kind: 'tcp' | 'udp', host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    if (kind === 'tcp') {
      const server = createServer()
      server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
      server.listen(port, host, () => server.close(() => resolve(undefined)))
    } else {
      const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4')
      socket.once('error', (err: NodeJS.ErrnoException) => {
        socket.close()
        resolve(err.code ?? err.message)
      })
      socket.bind(port, host, () => socket.close(() => resolve(undefined)))
    }
  })
}

/** With no daemon running, the configured TCP and QUIC (UDP) port must be free to bind. */
export async function checkPorts(
  host: string,
  port: number,
  running: string[] | undefined,
): Promise<CheckResult> {
  if (running != null) return ok('ports', `bound by the daemon: ${running.join(', ') || '(none)'}`)
  if (port === 0) return ok('ports', 'port 0: the daemon picks free ports at start')
  const problems: string[] = []
  for (const kind of ['tcp', 'udp'] as const) {
    const err = await tryBind(kind, host, port)
    if (err != null) problems.push(`${kind} ${err === 'EADDRINUSE' ? 'in use' : err}`)
  }
  if (problems.length === 0) return ok('ports', `${host}:${port} free (tcp and udp/quic)`)
  return fail(
    'ports',
    `port ${port} on ${host}: ${problems.join(', ')}`,
    'stop what uses it, or choose another with --port (0 = any)',
  )
}

/** host and TCP port of a multiaddr such as /ip4/1.2.3.4/tcp/4001/p2p/12D3KooW… */
function tcpTarget(addr: string): { host: string; port: number } | undefined {
  const m = /^\/(?:ip4|ip6|dns4|dns6|dns)\/([^/]+)\/tcp\/(\d+)/.exec(addr)
  return m == null ? undefined : { host: m[1] as string, port: Number(m[2]) }
}

function tcpReachable(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port })
    const done = (err?: string) => {
      socket.destroy()
      resolve(err)
    }
    socket.setTimeout(timeoutMs, () => done('timed out'))
    socket.once('connect', () => done())
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message))
  })
}

/**
 * Bootstrap peers answer: through the daemon's libp2p ping when it runs (the real thing: transport,
 * Noise, peer id), else a plain TCP connect to their address.
 */
export async function checkBootstrap(
  bootstrap: string[],
  mdns: boolean,
  client: Client | undefined,
): Promise<CheckResult[]> {
  if (bootstrap.length === 0)
    return [
      mdns
        ? ok('bootstrap', 'none configured; mDNS finds peers on the local network')
        : warn(
            'bootstrap',
            'none configured and mDNS off: this daemon finds no peers by itself',
            'add --bootstrap <multiaddr> (or p2p.bootstrap in moltbook.toml), or `moltmesh connect` to a peer',
          ),
    ]
  return Promise.all(
    bootstrap.map(async (addr): Promise<CheckResult> => {
      const name = `bootstrap ${addr}`
      const fix = 'check the address and that the peer runs; remove it from p2p.bootstrap if it is gone'
      if (client != null) {
        const res = await client.diag
          .ping({ target: addr, count: 1, timeoutMs: 5_000 }, { deadlineMs: 8_000 })
          .catch((err: Error) => err)
        if (res instanceof Error) return fail(name, `unreachable: ${res.message}`, fix)
        return res.reachable
          ? ok(name, `reachable (${res.averageLatencyMs.toFixed(1)} ms over libp2p ${res.transport})`)
          : fail(name, 'unreachable over libp2p', fix)
      }
      const target = tcpTarget(addr)
      if (target == null)
        return warn(
          name,
          'not checked without a running daemon (not a TCP address)',
          'start the daemon and run doctor again',
        )
      const err = await tcpReachable(target.host, target.port, 3_000)
      return err == null
        ? ok(name, `TCP ${target.host}:${target.port} answers`)
        : fail(name, `TCP ${target.host}:${target.port}: ${err}`, fix)
    }),
  )
}

/** Largest difference to a peer's card timestamp that still counts as the same time. */
const MAX_SKEW_MS = 5 * 60_000
const BUILT = Date.UTC(2025, 0, 1)

/**
 * A clock far off breaks signed records (cards and name claims carry times and expiries). Without a
 * time server, two signs: a date before this software existed, and connected peers' freshly signed
 * cards dated in the future.
 */
export async function checkClock(client: Client | undefined, now = Date.now()): Promise<CheckResult> {
  const iso = new Date(now).toISOString()
  if (now < BUILT || now > Date.UTC(2100, 0, 1))
    return fail(
      'clock',
      `${iso} cannot be right`,
      'set the system clock (e.g. enable NTP: `timedatectl set-ntp true`)',
    )
  if (client == null) return ok('clock', `${iso} (not compared with peers: no daemon running)`)
  const peers = await client.diag.listPeers({}).catch(() => undefined)
  const dids = (peers?.peers ?? [])
    .map((p) => p.did)
    .filter((d) => d !== '')
    .slice(0, 5)
  const cards = await Promise.all(
    dids.map((did) =>
      client.a2a
        .getAgentCard({ did, timeoutMs: 2_000 }, { deadlineMs: 4_000 })
        .then((r) => r.card)
        .catch(() => undefined),
    ),
  )
  const ahead = cards
    .filter((c) => c != null)
    .map((c) => ({ did: c.did, by: Number(c.publishedAtMs) - now }))
    .filter((c) => c.by > MAX_SKEW_MS)
  if (ahead.length > 0)
    return warn(
      'clock',
      `${iso}: ${ahead[0]?.did} signed its card ${Math.round((ahead[0]?.by ?? 0) / 1000)} s in the future; this clock may be behind`,
      'check the system clock (e.g. `timedatectl set-ntp true`)',
    )
  return ok(
    'clock',
    `${iso}${dids.length > 0 ? ` (consistent with ${cards.filter(Boolean).length} peers' cards)` : ''}`,
  )
}
