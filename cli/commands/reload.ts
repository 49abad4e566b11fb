// `moltmesh reload`: makes the running daemon re-read the [agent] section of its config file (name,
// description, skills and their handlers) and republish its card, and apply its bridges ([a2a],
// [[a2a.remote]], [[mcp.servers]]: docs/a2a.md): the same as `kill -HUP <pid>`.
// The file is checked here first, so a mistake is reported with the key named instead of only in
// the daemon log; then the command waits for the new card version. Like `start`, it loads the
// daemon's config code (docs/decisions/0001-foundation.md): it needs the daemon on this machine.

import type { Command } from 'commander'
import { action, withClient } from '../context.ts'
import { printFields, printJson } from '../output/format.ts'

const RELOAD_TIMEOUT_MS = 10_000

export function registerReload(program: Command): void {
  program
    .command('reload')
    .description(
      "re-read the daemon's config file (agent name, description, skills, handlers, A2A/MCP bridges) and republish the card",
    )
    .action(
      action(async (_opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          if (client.socket == null) throw new Error('reload signals the daemon process: use its unix socket')
          const info = await client.diag.getInfo({})
          if (info.configFile !== '') {
            const { loadConfig } = await import('../../daemon/config/load-config.ts')
            // Throws CONFIG_INVALID naming the key, as `moltmesh start` would.
            loadConfig({ flags: { config: info.configFile }, env: {} })
          }
          const before = (await client.cards.get({})).card?.sequence ?? 0
          try {
            process.kill(info.pid, 'SIGHUP')
          } catch (err) {
            throw new Error(`cannot signal the daemon (pid ${info.pid}): ${(err as Error).message}`)
          }
          const deadline = Date.now() + RELOAD_TIMEOUT_MS
          while (Date.now() < deadline) {
            const card = (await client.cards.get({})).card
            if (card != null && card.sequence > before) {
              const skills = card.skills.map((s) => s.id)
              if (json)
                printJson({ reloaded: true, configFile: info.configFile, sequence: card.sequence, skills })
              else
                printFields([
                  ['Reloaded', info.configFile || '(no config file: defaults)'],
                  ['Card', `version ${card.sequence}`],
                  ['Skills', skills.length > 0 ? skills.join(', ') : '(none)'],
                ])
              return
            }
            await new Promise((r) => setTimeout(r, 100))
          }
          throw new Error(
            `the daemon did not republish its card within ${RELOAD_TIMEOUT_MS / 1000} s; its log says why`,
          )
        }),
      ),
    )
}
