// `moltmesh ui`: turns on the daemon's web workspace if it is off (OpenUi), prints its URL with a
// one-time login token, and opens a browser when there is a display. See docs/ui.md.

import { spawn } from 'node:child_process'
import type { Command } from 'commander'
import { action, withClient } from '../context.ts'
import { printFields, printJson } from '../output/format.ts'

interface UiOptions {
  listen?: string
  open?: boolean
}

export function registerUiCommand(program: Command): void {
  program
    .command('ui')
    .description('open the web workspace (turning it on in the running daemon if needed)')
    .option('--listen <host:port>', 'where to serve it if it is off (default ui.listen, else 127.0.0.1:7421)')
    .option('--no-open', 'only print the URL, do not start a browser')
    .action(
      action(async (opts: UiOptions, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const ui = await client.diag.openUi({ listen: opts.listen ?? '' })
          if (json) return printJson({ url: ui.loginUrl, token: ui.loginToken })
          printFields([
            ['Workspace', ui.loginUrl],
            ['Note', 'the login token works once, within 5 minutes'],
          ])
          if (opts.open !== false && !json) openBrowser(ui.loginUrl)
        }),
      ),
    )
}

/** Best effort: a desktop session has a display and xdg-open (macOS: open); elsewhere, nothing. */
function openBrowser(url: string): void {
  const opener =
    process.platform === 'darwin'
      ? 'open'
      : process.env.DISPLAY || process.env.WAYLAND_DISPLAY
        ? 'xdg-open'
        : undefined
  if (opener == null) return
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true })
  child.on('error', () => undefined)
  child.unref()
}
