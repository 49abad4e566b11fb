import type { Command } from 'commander'
import { action, withClient } from '../context.ts'
import { messageLine } from '../output/message-format.ts'

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
            if (json) {
              console.log(
                JSON.stringify(event, (_k, v) =>
                  v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v,
                ),
              )
              continue
            }
            const time = new Date(event.createdAtMs).toLocaleTimeString()
            const subject =
              event.message != null
                ? messageLine(event.message, event.type === 'message.received' ? 'in' : 'out')
                : event.peer != null
                  ? `${event.peer.peerId} ${event.peer.did}`
                  : ''
            console.log(`[${time}] ${event.type} ${subject}`.trimEnd())
          }
        }),
      ),
    )
}
