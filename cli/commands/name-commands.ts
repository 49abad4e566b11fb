// moltmesh name claim|resolve|release|list
import type { Command } from 'commander'
import { a2a } from '../../clients/ts/index.ts'
import { action, withClient } from '../context.ts'
import { intOption } from '../int-option.ts'
import { printFields } from '../output/format.ts'
import { printMessage } from '../output/proto-json.ts'

export function registerNameCommands(program: Command): void {
  const name = program.command('name').description('human-readable names (claim, resolve, release, list)')

  name
    .command('claim')
    .description('claim a name for this agent ("swift falcon" becomes swift-falcon)')
    .argument('<words...>', 'the name, as one hyphenated word or several words')
    .option(
      '--ttl <ms>',
      'claim lifetime in milliseconds (renewed automatically at half; default from config)',
      intOption(1_000),
      0,
    )
    .action(
      action(async (words: string[], opts: { ttl: number }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.claimName({ name: words.join(' '), ttlMs: opts.ttl })
          if (json) return printMessage(a2a.ClaimNameResponse, res)
          printFields([
            ['Name', res.name],
            ['DID', `${res.did} (you)`],
            ['Expires', `${new Date(res.expiresAtMs).toISOString()} (auto-renewed)`],
          ])
        }),
      ),
    )

  name
    .command('resolve')
    .description('look up the DID that holds a name (verified)')
    .argument('<name>', 'the name')
    .option('--timeout <ms>', 'lookup timeout in milliseconds (default from config)', intOption(1), 0)
    .action(
      action(async (n: string, opts: { timeout: number }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.resolveName({ name: n, timeoutMs: opts.timeout })
          if (json) return printMessage(a2a.ResolveNameResponse, res)
          printFields([
            ['Name', res.name],
            ['DID', res.did],
            ['Expires', new Date(res.expiresAtMs).toISOString()],
          ])
          if (res.warning !== '') process.stderr.write(`warning: ${res.warning}\n`)
        }),
      ),
    )

  name
    .command('release')
    .description('give up a name this agent holds')
    .argument('<name>', 'the name')
    .action(
      action(async (n: string, _opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.releaseName({ name: n })
          if (json) return printMessage(a2a.ReleaseNameResponse, res)
          console.log(`Released ${n}`)
        }),
      ),
    )

  name
    .command('list')
    .description('names this agent holds')
    .action(
      action(async (_opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.listNames({})
          if (json) return printMessage(a2a.ListNamesResponse, res)
          for (const n of res.names)
            console.log(`${n.name}  expires ${new Date(n.expiresAtMs).toISOString()}`)
          console.log(`${res.names.length} name${res.names.length === 1 ? '' : 's'}`)
        }),
      ),
    )
}
