import type { Command } from 'commander'
import { action, EXIT_FAILED, withClient } from '../context.ts'
import { formatLatency, printFields, printJson } from '../output/format.ts'

export function registerPing(program: Command): void {
  program
    .command('ping')
    .description('measure round-trip latency to a peer')
    .argument('<target>', 'DID, name, peer id, or multiaddr ending in /p2p/<peer id>')
    .option('-c, --count <n>', 'number of pings (1-100)', '1')
    .option('--timeout <ms>', 'timeout per ping in milliseconds', '5000')
    .option('--interval <ms>', 'pause between pings in milliseconds', '200')
    .action(
      action(
        async (target: string, opts: { count: string; timeout: string; interval: string }, cmd: Command) =>
          withClient(cmd, async (client, { json }) => {
            const res = await client.diag.ping({
              target,
              count: Number(opts.count),
              timeoutMs: Number(opts.timeout),
              intervalMs: Number(opts.interval),
            })
            if (!res.reachable) process.exitCode = EXIT_FAILED
            if (json) return printJson(res)
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
              ['Peer', res.did || res.peerId],
              ['Error', res.reachable ? undefined : res.error],
            ])
          }),
      ),
    )
}
