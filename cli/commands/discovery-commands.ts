// moltmesh find-agents, moltmesh demand
import type { Command } from 'commander'
import { a2a } from '../../clients/ts/index.ts'
import { action, withClient } from '../context.ts'
import { intOption } from '../int-option.ts'
import { foundLine } from '../output/card-format.ts'
import { printMessage, printMessageLine } from '../output/proto-json.ts'

const collect = (value: string, previous: string[]) => [...previous, value]

export function registerDiscoveryCommands(program: Command): void {
  program
    .command('find-agents')
    .description('find agents offering a capability (verified cards, streamed as they are found)')
    .argument('[capability]', 'capability, e.g. text-generation or a2a:v1:cap:text-generation')
    .option('--capability <cap>', 'capability (instead of the argument)')
    .option('--tag <tag>', 'a tag the matching skill must also have (repeatable)', collect, [])
    .option('--limit <n>', 'most results (default 20, at most 200)', intOption(1, 200), 0)
    .option('--timeout <ms>', 'search time in milliseconds (default from config)', intOption(1), 0)
    .action(
      action(
        async (
          positional: string | undefined,
          opts: { capability?: string; tag: string[]; limit: number; timeout: number },
          cmd: Command,
        ) => {
          const capability = opts.capability ?? positional
          if (capability == null || capability === '')
            throw new Error('a capability is required: moltmesh find-agents --capability <cap>')
          await withClient(cmd, async (client, { json }) => {
            const full = capability.startsWith('a2a:v1:cap:') ? capability : `a2a:v1:cap:${capability}`
            if (!json) console.log(`# searching for ${full}...`)
            let found = 0
            const stream = client.a2a.findAgents({
              capability,
              tags: opts.tag,
              limit: opts.limit,
              timeoutMs: opts.timeout,
            })
            for await (const r of stream) {
              found++
              if (json) printMessageLine(a2a.FindAgentsResponse, r)
              else console.log(foundLine(r))
            }
            if (json) return
            if (found === 0) console.log(`# no agents offer ${capability} (recorded as unmet demand)`)
            else console.log(`# ${found} agent${found === 1 ? '' : 's'} found`)
          })
        },
      ),
    )

  program
    .command('demand')
    .description('capabilities that were searched for and not found (unmet demand), most asked first')
    .action(
      action(async (_opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.listDemand({})
          if (json) return printMessage(a2a.ListDemandResponse, res)
          if (res.entries.length === 0) return console.log('No unmet demand recorded')
          const width = Math.max(10, ...res.entries.map((e) => e.capability.length)) + 2
          console.log(`${'CAPABILITY'.padEnd(width)}${'ASKED'.padEnd(8)}LAST ASKED`)
          for (const e of res.entries)
            console.log(
              `${e.capability.padEnd(width)}${String(e.count).padEnd(8)}${new Date(e.lastAskedAtMs).toISOString()}`,
            )
        }),
      ),
    )
}
