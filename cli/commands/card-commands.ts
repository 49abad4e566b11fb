// moltmesh card show|publish
import type { Command } from 'commander'
import { a2a } from '../../clients/ts/index.ts'
import { readCardFile } from '../card-file.ts'
import { action, withClient } from '../context.ts'
import { intOption } from '../int-option.ts'
import { printCard } from '../output/card-format.ts'
import { printMessage } from '../output/proto-json.ts'

export function registerCardCommands(program: Command): void {
  const card = program.command('card').description('agent cards: show (any agent) and publish (this agent)')

  card
    .command('show')
    .description("show a verified agent card (this agent's when no DID or name is given)")
    .argument('[did-or-name]', 'DID or claimed name', '')
    .option('--timeout <ms>', 'DHT lookup timeout in milliseconds (default from config)', intOption(1), 0)
    .action(
      action(async (target: string, opts: { timeout: number }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.getAgentCard({ did: target, timeoutMs: opts.timeout })
          if (json) return printMessage(a2a.GetAgentCardResponse, res)
          const self = (await client.a2a.getIdentity({})).did
          if (res.card != null) printCard(res.card, self)
        }),
      ),
    )

  card
    .command('publish')
    .description('sign and publish this agent card (from --file, else from moltbook.toml)')
    .option('--file <card.json>', 'card content: name, description, skills (proto JSON)')
    .option(
      '--ttl <ms>',
      'card lifetime in milliseconds (default from config; republished at half)',
      intOption(1_000),
      0,
    )
    .action(
      action(async (opts: { file?: string; ttl: number }, cmd: Command) => {
        // Read the file before contacting the daemon: a bad file is the user's to fix either way.
        const content = opts.file != null ? readCardFile(opts.file) : undefined
        await withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.publishAgentCard({ card: content, ttlMs: opts.ttl })
          if (json) return printMessage(a2a.PublishAgentCardResponse, res)
          if (res.card != null) printCard(res.card, res.card.did)
        })
      }),
    )
}
