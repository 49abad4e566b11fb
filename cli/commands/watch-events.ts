import type { Command } from 'commander'
import { types } from '../../clients/ts/index.ts'
import { action, withClient } from '../context.ts'
import { messageLine } from '../output/message-format.ts'
import { payloadText } from '../output/payload-format.ts'
import { printMessageLine } from '../output/proto-json.ts'
import { safeText } from '../output/terminal-safe.ts'

export function registerWatchEvents(program: Command): void {
  program
    .command('watch-events')
    .description('stream daemon events (message.*, peer.*, ...) until interrupted')
    .option('--type <types...>', 'event types or prefixes, e.g. message.received "message.*" (default: all)')
    .action(
      action(async (opts: { type?: string[] }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const abort = new AbortController()
          process.once('SIGINT', () => abort.abort())
          for await (const { event } of client.ext.watchEvents(
            { types: opts.type ?? [] },
            { signal: abort.signal },
          )) {
            if (event == null) continue
            // One JSON document per line (NDJSON) so the stream can be piped.
            if (json) {
              printMessageLine(types.DaemonEvent, event)
              continue
            }
            const time = new Date(event.createdAtMs).toLocaleTimeString()
            const subject =
              event.message != null
                ? messageLine(event.message, event.type === 'message.received' ? 'in' : 'out')
                : event.peer != null
                  ? `${event.peer.peerId} ${event.peer.did}`
                  : event.broadcast != null
                    ? `${event.broadcast.topic} ${event.broadcast.from} ${payloadText(event.broadcast.payload)}`
                    : event.member != null
                      ? `${event.networkId} ${event.member.did}`
                      : ''
            console.log(safeText(`[${time}] ${event.type} ${subject}`.trimEnd()))
          }
        }),
      ),
    )
}
