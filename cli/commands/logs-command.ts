// `moltmesh logs [-f] [--level l] [-n lines]`: the daemon's log file (<data-dir>/daemon.log, written by
// `start --detach`) as readable lines; the file itself stays JSON. The data dir comes from the running
// daemon, else from the config as `start` reads it (the formatter lives with the daemon's logger).
import { existsSync } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Command } from 'commander'
import { createClient } from '../../clients/ts/index.ts'
import { LEVEL_VALUES, prettyLine } from '../../daemon/log/pretty-line.ts'
import { action, globals } from '../context.ts'
import { intOption } from '../int-option.ts'

interface LogsOptions {
  follow?: boolean
  level?: string
  lines: number
  file?: string
  config?: string
  dataDir?: string
}

const FOLLOW_POLL_MS = 250

async function logFile(opts: LogsOptions, socket: string | undefined): Promise<string> {
  if (opts.file != null) return opts.file
  if (opts.dataDir == null) {
    const client = createClient({ socket })
    const info = await client.diag.getInfo({}, { deadlineMs: 2_000 }).catch(() => undefined)
    client.close()
    if (info != null) return join(info.dataDir, 'daemon.log')
  }
  const { loadConfig } = await import('../../daemon/config/load-config.ts')
  const { config } = loadConfig({ flags: { config: opts.config, dataDir: opts.dataDir, socket } })
  return join(config.dataDir, 'daemon.log')
}

/** Prints complete lines of `text` at or above `minLevel`; returns the unfinished tail. */
function printLines(text: string, minLevel: number): string {
  const lines = text.split('\n')
  const rest = lines.pop() ?? ''
  for (const line of lines) {
    if (line === '') continue
    const { text: out, level } = prettyLine(line)
    if (level == null || level >= minLevel) console.log(out)
  }
  return rest
}

async function readFrom(path: string, start: number): Promise<{ text: string; end: number }> {
  const fh = await open(path, 'r')
  try {
    const { size } = await fh.stat()
    if (size <= start) return { text: '', end: size }
    const buf = Buffer.alloc(size - start)
    await fh.read(buf, 0, buf.length, start)
    return { text: buf.toString('utf8'), end: size }
  } finally {
    await fh.close()
  }
}

export function registerLogsCommand(program: Command): void {
  program
    .command('logs')
    .description('show the daemon log (<data-dir>/daemon.log of `start --detach`) as readable lines')
    .option('-f, --follow', 'keep printing new lines as they are written (Ctrl-C ends)')
    .option('--level <level>', 'only this level and above: trace, debug, info, warn, error, fatal')
    .option('-n, --lines <n>', 'start with the last n lines (0 = whole file)', intOption(0), 50)
    .option('--file <path>', 'read this log file instead')
    .option('--config <file>', 'config file, to find the data dir when no daemon runs')
    .option('--data-dir <dir>', 'data directory whose daemon.log to read')
    .action(
      action(async (opts: LogsOptions, cmd: Command) => {
        const minLevel = opts.level == null ? 0 : LEVEL_VALUES[opts.level.toLowerCase()]
        if (minLevel == null)
          throw new Error(`--level must be one of ${Object.keys(LEVEL_VALUES).join(', ')}`)
        const path = await logFile(opts, globals(cmd).socket)
        if (!existsSync(path))
          throw new Error(
            `no log file at ${path}: a foreground daemon logs to its terminal; \`moltmesh start --detach\` writes this file`,
          )
        // The last n lines: read the whole file once (logs are appended, sizes modest), keep its tail.
        const { text, end } = await readFrom(path, 0)
        const all = text.split('\n')
        const tail = all.pop() ?? ''
        const shown = opts.lines > 0 ? all.slice(-opts.lines) : all
        let pending = printLines(`${shown.join('\n')}\n`, minLevel) + tail
        if (opts.follow !== true) return
        let offset = end
        const stop = new AbortController()
        process.once('SIGINT', () => stop.abort())
        while (!stop.signal.aborted) {
          await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS))
          const size = (await stat(path).catch(() => undefined))?.size ?? 0
          // Truncated or replaced: start again from its beginning.
          if (size < offset) offset = 0
          if (size === offset) continue
          const next = await readFrom(path, offset)
          offset = next.end
          pending = printLines(pending + next.text, minLevel)
        }
      }),
    )
}
