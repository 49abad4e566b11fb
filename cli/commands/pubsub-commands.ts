// `moltmesh publish`, `moltmesh subscribe-topic`, `moltmesh topics`.

import type { Command } from 'commander'
import { ext, types } from '../../clients/ts/index.ts'
import { action, withClient } from '../context.ts'
import { payloadText } from '../output/payload-format.ts'
import { printMessage, printMessageLine } from '../output/proto-json.ts'
import { safeText } from '../output/terminal-safe.ts'

export function registerPubsubCommands(program: Command): void {
  program
    .command('publish')
    .description('publish a payload to a GossipSub topic (every subscribed agent receives it live)')
    .requiredOption('--topic <topic>', 'topic: 1-256 characters of A-Z a-z 0-9 . _ / -')
    .requiredOption('--payload <text>', 'payload (UTF-8 text)')
    .action(
      action(async (opts: { topic: string; payload: string }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const payload = Buffer.from(opts.payload, 'utf8')
          const res = await client.ext.publish({ topic: opts.topic, payload })
          if (json) return printMessage(ext.PublishResponse, res)
          console.log(
            `Published ${payload.length} bytes to ${opts.topic} (${res.recipients} peer${res.recipients === 1 ? '' : 's'})`,
          )
          console.log(`Message ID  ${res.id}`)
        }),
      ),
    )

  program
    .command('subscribe-topic')
    .description('stream messages on a topic live, until interrupted (the topic is joined meanwhile)')
    .requiredOption('--topic <topic>', 'topic')
    .action(
      action(async (opts: { topic: string }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const abort = new AbortController()
          process.once('SIGINT', () => abort.abort())
          if (!json) console.log('subscribed. waiting for messages...')
          for await (const { message } of client.ext.subscribeTopic(
            { topic: opts.topic },
            { signal: abort.signal },
          )) {
            if (message == null) continue
            // One JSON document per line (NDJSON) so the stream can be piped.
            if (json) printMessageLine(types.BroadcastMessage, message)
            else
              console.log(
                `[${new Date(message.sentAtMs).toLocaleTimeString()}] ${payloadText(message.payload)}  from ${safeText(message.from)}`,
              )
          }
        }),
      ),
    )

  program
    .command('topics')
    .description('topics this daemon is subscribed to, with peer counts')
    .action(
      action(async (_opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.ext.listTopics({})
          if (json) return printMessage(ext.ListTopicsResponse, res)
          console.log(`${res.topics.length} topic${res.topics.length === 1 ? '' : 's'}`)
          for (const t of res.topics)
            console.log(`${t.topic}  ${t.peerCount} peers  ${t.localSubscribers} local subscribers`)
        }),
      ),
    )
}
