// `moltmesh doctor`: checks this machine and the daemon setup, one line per check with a fix hint,
// exit 1 when any check fails. Like `start` it reads the config (flags > env > moltbook.toml), the one
// other place the CLI loads daemon code: the data dir, port and bootstrap peers to check come from it.
import type { Command } from 'commander'
import { createClient } from '../../clients/ts/index.ts'
import type { ConfigFlags } from '../../daemon/config/load-config.ts'
import { action, EXIT_FAILED, globals } from '../context.ts'
import {
  type CheckResult,
  checkBootstrap,
  checkClock,
  checkDaemon,
  checkDataDir,
  checkNode,
  checkPorts,
} from '../doctor/checks.ts'
import { intOption } from '../int-option.ts'
import { printJson } from '../output/format.ts'
import { safeText } from '../output/terminal-safe.ts'

interface DoctorOptions {
  config?: string
  dataDir?: string
  port?: number
}

async function runChecks(flags: ConfigFlags, socketFlag: string | undefined): Promise<CheckResult[]> {
  const results: CheckResult[] = [checkNode()]
  const { loadConfig } = await import('../../daemon/config/load-config.ts')
  let loaded: ReturnType<typeof loadConfig>
  try {
    // The socket as every other command finds it: --socket, else $MOLTMESH_SOCKET, else the config's.
    loaded = loadConfig({ flags: { ...flags, socket: socketFlag ?? process.env.MOLTMESH_SOCKET } })
  } catch (err) {
    // Nothing else can be checked against a config that does not load.
    results.push({
      name: 'config',
      status: 'fail',
      detail: (err as Error).message,
      fix: 'fix the key named above (docs/config.md lists every key)',
    })
    return results
  }
  const { config, configFile } = loaded
  results.push({
    name: 'config',
    status: 'ok',
    detail: configFile ?? 'no config file: defaults, env and flags',
  })
  results.push(checkDataDir(config.dataDir))
  const client = createClient({ socket: config.socket })
  try {
    const daemon = await checkDaemon(client, config.socket)
    results.push(daemon.result)
    const info = daemon.running ? await client.diag.getInfo({}).catch(() => undefined) : undefined
    results.push(await checkPorts(config.p2p.host, config.p2p.port, info?.listenAddresses))
    const live = daemon.running ? client : undefined
    results.push(...(await checkBootstrap(config.p2p.bootstrap, config.p2p.mdns, live)))
    results.push(await checkClock(live))
  } finally {
    client.close()
  }
  return results
}

export function printChecks(results: CheckResult[]): void {
  const width = Math.max(...results.map((r) => r.name.length)) + 2
  for (const r of results) {
    console.log(safeText(`${r.status.padEnd(5)} ${r.name.padEnd(width)}${r.detail}`))
    if (r.fix != null && r.status !== 'ok') console.log(safeText(`${' '.repeat(6 + width)}fix: ${r.fix}`))
  }
  const failed = results.filter((r) => r.status === 'fail').length
  const warned = results.filter((r) => r.status === 'warn').length
  console.log(
    failed === 0 && warned === 0
      ? 'all checks passed'
      : `${failed} failed, ${warned} warning${warned === 1 ? '' : 's'}`,
  )
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check Node, config, data dir and key permissions, socket, ports, bootstrap peers and clock')
    .option('--config <file>', 'config file (as for start)')
    .option('--data-dir <dir>', 'data directory (as for start)')
    .option('--port <n>', 'libp2p port to check (as for start)', intOption(0, 65_535))
    .action(
      action(async (opts: DoctorOptions, cmd: Command) => {
        const { json, socket } = globals(cmd)
        const results = await runChecks(
          { config: opts.config, dataDir: opts.dataDir, port: opts.port },
          socket,
        )
        if (json) printJson({ ok: results.every((r) => r.status !== 'fail'), checks: results })
        else printChecks(results)
        if (results.some((r) => r.status === 'fail')) process.exitCode = EXIT_FAILED
      }),
    )
}
