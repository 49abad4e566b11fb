// identity, info, health, peers, connect, disconnect, metrics, activity: one SDK call each, plus
// formatting.

import type { Command } from 'commander'
import { a2a, diag, type types } from '../../clients/ts/index.ts'
import { action, EXIT_FAILED, withClient } from '../context.ts'
import { intOption } from '../int-option.ts'
import { formatDuration, formatLatency, printFields } from '../output/format.ts'
import { printMessage } from '../output/proto-json.ts'

export function registerDiagCommands(program: Command): void {
  program
    .command('identity')
    .description("show this agent's DID, peer id and public key")
    .action(
      action(async (_opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const id = await client.a2a.getIdentity({})
          if (json) return printMessage(a2a.GetIdentityResponse, id)
          printFields([
            ['DID', id.did],
            ['Peer ID', id.peerId],
            ['Public key', id.publicKey],
            ['Data dir', id.dataDir],
            ['Names', id.names.length > 0 ? id.names.join(', ') : undefined],
          ])
        }),
      ),
    )

  program
    .command('info')
    .description('show identity, addresses, peers and paths of the running daemon')
    .action(
      action(async (_opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const info = await client.diag.getInfo({})
          if (json) return printMessage(diag.GetInfoResponse, info)
          printFields([
            ['DID', `${info.did} (you)`],
            ['Peer ID', info.peerId],
            ['Addresses', info.listenAddresses],
            [
              'Announced',
              info.announceAddresses.join('\n') === info.listenAddresses.join('\n')
                ? undefined
                : info.announceAddresses,
            ],
            ['Peers', `${info.peerCount} connected`],
            ['DHT mode', info.dhtMode],
            ['mDNS', info.mdns ? 'on' : 'off'],
            ...publicNetworkFields(info.publicNetwork),
            ['Uptime', formatDuration(info.uptimeMs)],
            ['Version', info.version],
            ['Data dir', info.dataDir],
            ['Socket', info.socket],
            ['Config', info.configFile === '' ? '(defaults)' : info.configFile],
            ['PID', info.pid],
          ])
        }),
      ),
    )

  program
    .command('health')
    .description('check that the daemon is up')
    .action(
      action(async (_opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const h = await client.diag.health({})
          if (!h.ok) process.exitCode = EXIT_FAILED
          if (json) return printMessage(diag.HealthResponse, h)
          printFields([
            ['Version', h.version],
            ['DID', `${h.did} (you)`],
            ['Peers', `${h.peerCount} connected`],
            ['Uptime', formatDuration(h.uptimeMs)],
            ['Status', h.ok ? 'ok' : 'not ok'],
          ])
        }),
      ),
    )

  program
    .command('peers')
    .description('list connected peers')
    .option('--all', 'also list known peers that are not connected')
    .action(
      action(async (opts: { all?: boolean }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.diag.listPeers({ includeDisconnected: opts.all === true })
          if (json) return printMessage(diag.ListPeersResponse, res)
          for (const p of res.peers) console.log(peerLine(p))
          console.log(`${res.peers.length} peer${res.peers.length === 1 ? '' : 's'} total`)
        }),
      ),
    )

  program
    .command('connect')
    .description('open a connection to a peer')
    .argument('<target>', 'multiaddr ending in /p2p/<peer id>, DID, name or peer id')
    .option('--timeout <ms>', 'dial timeout in milliseconds', intOption(1), 10_000)
    .action(
      action(async (target: string, opts: { timeout: number }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.diag.connectPeer({ target, timeoutMs: opts.timeout })
          if (json) return printMessage(diag.ConnectPeerResponse, res)
          const p = res.peer
          printFields([
            ['Connected', p?.peerId],
            ['DID', p?.did || '(not an Ed25519 peer)'],
            ['Transport', p?.transport],
            ['Address', p?.addresses[0]],
          ])
        }),
      ),
    )

  program
    .command('disconnect')
    .description('close every connection to a peer')
    .argument('<target>', 'multiaddr, DID, name or peer id')
    .action(
      action(async (target: string, _opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.diag.disconnectPeer({ target })
          if (json) return printMessage(diag.DisconnectPeerResponse, res)
          console.log(res.wasConnected ? 'Disconnected' : 'Was not connected')
        }),
      ),
    )

  program
    .command('metrics')
    .description('show daemon counters and gauges')
    .option('--prometheus', 'print Prometheus text exposition format')
    .action(
      action(async (opts: { prometheus?: boolean }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.diag.getMetrics({})
          if (json) return printMessage(diag.GetMetricsResponse, res)
          if (opts.prometheus) {
            process.stdout.write(res.prometheusText)
            return
          }
          for (const m of res.metrics) {
            const labels = Object.entries(m.labels)
              .map(([k, v]) => `${k}=${v}`)
              .join(',')
            console.log(`${m.name}${labels === '' ? '' : `{${labels}}`}  ${m.value}`)
          }
        }),
      ),
    )

  program
    .command('activity')
    .description('event counts per minute (messages, tasks, errors) since the daemon started, up to an hour')
    .option('--minutes <n>', 'minutes to show, ending now (1-60)', intOption(1, 60), 15)
    .action(
      action(async (opts: { minutes: number }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.diag.getActivity({ minutes: opts.minutes })
          if (json) return printMessage(diag.GetActivityResponse, res)
          console.log(`per minute from ${new Date(res.startMs).toISOString()} (oldest first)`)
          for (const s of res.series) {
            const total = s.counts.reduce((a, b) => a + b, 0)
            console.log(
              `${s.name.padEnd(8)}  ${sparkline(s.counts)}  ${total} in all, ${s.counts.at(-1) ?? 0} this minute`,
            )
          }
        }),
      ),
    )
}

const BARS = '▁▂▃▄▅▆▇█'

/** One character per count, scaled to the largest (a blank series stays at the bottom). */
function sparkline(counts: number[]): string {
  const max = Math.max(1, ...counts)
  return counts.map((n) => BARS[Math.round((n / max) * (BARS.length - 1))]).join('')
}

function peerLine(p: types.PeerInfo): string {
  const transport = p.transport === '' ? 'disconnected' : p.transport
  return [p.peerId, transport.padEnd(6), p.addresses[0] ?? '-', formatLatency(p.latencyMs)].join('  ')
}

const REACHABILITY_LABEL: Record<string, string> = {
  public: 'public',
  nat: 'behind NAT',
  unknown: 'unknown',
}

/** Reachability, relays and rendezvous (docs/network.md); only what applies is shown. */
function publicNetworkFields(
  p: diag.PublicNetworkStatus | undefined,
): Array<[string, string | string[] | number | undefined]> {
  if (p == null) return []
  const fields: Array<[string, string | string[] | number | undefined]> = [
    ['Public network', p.joined ? 'joined' : 'off (private mesh)'],
    ['Reachability', REACHABILITY_LABEL[p.reachability] ?? p.reachability],
  ]
  if (p.relays.length > 0) fields.push(['Relays', p.relayAddresses.length > 0 ? p.relayAddresses : p.relays])
  if (p.relayService) fields.push(['Relay service', `on, ${p.relayedPeers} reservations held`])
  if (p.joined)
    fields.push([
      'Rendezvous',
      `${p.rendezvousFound ? 'found' : 'not found yet'}, ${p.rendezvousPeers} mesh peers via it, ${p.publicBootstrapConnected} public DHT bootstrap peers connected`,
    ])
  return fields
}
