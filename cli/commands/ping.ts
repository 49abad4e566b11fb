// moltmesh ping <target>: latency per try, then whether the peer is reachable (exit 1 when it is not).
import type { Command } from 'commander'
import { diag } from '../../clients/ts/index.ts'
import { action, EXIT_FAILED, withClient } from '../context.ts'
import { intOption } from '../int-option.ts'
import { formatLatency, printFields } from '../output/format.ts'
import { printMessage } from '../output/proto-json.ts'

interface PingOptions {
  count: number
  timeout: number
  interval: number
}

export function registerPing(program: Command): void {
  program
    .command('ping')
    .description('measure round-trip latency to a peer')
    .argument('<target>', 'DID, name, peer id, or multiaddr ending in /p2p/<peer id>')
    .option('-c, --count <n>', 'number of pings (1-100)', intOption(1, 100), 1)
    .option('--timeout <ms>', 'timeout per ping in milliseconds', intOption(1), 5000)
    .option('--interval <ms>', 'pause between pings in milliseconds', intOption(0), 200)
    .action(
      action(async (target: string, opts: PingOptions, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.diag.ping({
            target,
            count: opts.count,
            timeoutMs: opts.timeout,
            intervalMs: opts.interval,
          })
          // Unreachable is an answer, not an RPC error: print it, but let scripts see it in the exit code.
          if (!res.reachable) process.exitCode = EXIT_FAILED
          if (json) return printMessage(diag.PingResponse, res)
          res.attempts.forEach((a, i) => {
            console.log(
              a.ok ? `reply ${i + 1}: time=${formatLatency(a.latencyMs)}` : `attempt ${i + 1}: ${a.error}`,
            )
          })
          printFields([
            ['Reachable', String(res.reachable)],
            ['Latency', res.reachable ? formatLatency(res.averageLatencyMs) : undefined],
            ['Transport', res.transport || undefined],
            ['Address', res.address || undefined],
            ['Peer', res.did || res.peerId || undefined],
            ['Error', res.reachable ? undefined : res.error],
          ])
        }),
      ),
    )
}
