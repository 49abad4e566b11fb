// `moltmesh start`: runs the daemon in this process (the one place the CLI loads daemon code, see
// docs/decisions/0001-foundation.md), or with --detach in a background process, waiting until healthy.
// Skills with a `handler` in moltbook.toml are served by a supervisor next to the daemon
// (cli/worker/handler-supervisor.ts), reconciled on every reload (SIGHUP, `moltmesh reload`).

import { spawn } from 'node:child_process'
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync } from 'node:fs'
import { flushCompileCache, getCompileCacheDir } from 'node:module'
import { dirname, join } from 'node:path'
import type { Command } from 'commander'
import { type Client, createClient } from '../../clients/ts/index.ts'
import type { ConfigFlags, LoadedConfig } from '../../daemon/config/load-config.ts'
import { action, EXIT_FAILED, globals, reportError } from '../context.ts'
import { daemonRelaunch } from '../daemon-runtime.ts'
import { intOption } from '../int-option.ts'
import { printFields, printJson } from '../output/format.ts'
import { createHandlerSupervisor } from '../worker/handler-supervisor.ts'

interface StartOptions {
  config?: string
  dataDir?: string
  socket?: string
  port?: number
  bootstrap?: string[]
  mdns?: boolean
  public?: boolean
  logLevel?: string
  detach?: boolean
  uiListen?: string
  a2aListen?: string
}

const DETACH_READY_TIMEOUT_MS = 30_000

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the daemon (in the foreground unless --detach)')
    .option('--config <file>', 'config file (default: ./moltbook.toml, then ~/.moltmesh/moltbook.toml)')
    .option('--data-dir <dir>', 'data directory (default ~/.moltmesh)')
    .option('--socket <path>', 'gRPC unix socket (default <data-dir>/moltmesh.sock)')
    .option(
      '--port <n>',
      'libp2p port for TCP and QUIC (default 4001; 0 = any free port)',
      intOption(0, 65_535),
    )
    .option(
      '--bootstrap <multiaddrs>',
      'peers to connect to at startup, comma-separated (repeatable)',
      collect,
    )
    .option('--no-mdns', 'turn off mDNS discovery on the local network')
    .option(
      '--public',
      'join the global moltmesh network through the public IPFS DHT (network.join_public; docs/network.md)',
    )
    .option('--log-level <level>', 'trace, debug, info, warn, error, fatal or silent')
    .option('--ui-listen <host:port>', 'serve the web workspace there (ui.listen; see docs/ui.md)')
    .option('--a2a-listen <host:port>', 'serve the A2A gateway on this address (docs/a2a.md)')
    .option('--detach', 'run in the background and return once the daemon is healthy')
    .action(
      action(async (opts: StartOptions, cmd: Command) => {
        const flags: ConfigFlags = {
          config: opts.config,
          dataDir: opts.dataDir,
          // A --socket given before `start` (global option) counts too.
          socket: opts.socket ?? globals(cmd).socket,
          port: opts.port,
          bootstrap: opts.bootstrap,
          mdns: cmd.getOptionValueSource('mdns') === 'cli' ? opts.mdns : undefined,
          public: opts.public === true ? true : undefined,
          logLevel: opts.logLevel,
          uiListen: opts.uiListen,
          a2aListen: opts.a2aListen,
        }
        if (opts.detach) return detach(flags, globals(cmd).json === true)
        const { runDaemonProcess } = await import('../../daemon/main.ts')
        const { parseDurationMs } = await import('../../daemon/config/schema.ts')
        const handlerSkills = (loaded: LoadedConfig) =>
          loaded.config.agent.skills.map((s) => ({ ...s, timeoutMs: parseDurationMs(s.timeout ?? '0') ?? 0 }))
        // Handlers run where their config file is, so `handler = "python3 handler.py"` finds its file.
        const handlerDir = (loaded: LoadedConfig) =>
          loaded.configFile != null ? dirname(loaded.configFile) : process.cwd()
        try {
          process.exitCode = await runDaemonProcess(flags, {
            started: (loaded, logger) => {
              const supervisor = createHandlerSupervisor({
                socket: loaded.config.socket,
                cwd: handlerDir(loaded),
                log: logger.child({ component: 'handlers' }),
              })
              supervisor.reconcile(handlerSkills(loaded), handlerDir(loaded))
              return {
                reload: (next) => supervisor.reconcile(handlerSkills(next), handlerDir(next)),
                stop: () => supervisor.stop(),
              }
            },
          })
        } catch (err) {
          process.exitCode = reportError(err)
        }
      }),
    )
}

function collect(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  return [...(previous ?? []), ...items]
}

async function detach(flags: ConfigFlags, json: boolean): Promise<void> {
  // Resolve the config exactly as the child will, to know its socket and data dir.
  const { loadConfig } = await import('../../daemon/config/load-config.ts')
  const { config } = loadConfig({ flags })
  const client = createClient({ socket: config.socket })
  try {
    await detachWith(client, config, json)
  } finally {
    client.close()
  }
}

/**
 * Health of the daemon being started, on a fresh channel once its socket exists: the channel of a
 * failed connect waits out grpc's reconnect backoff (250 ms, growing) before it tries again, which
 * would hold the answer back after the daemon is up.
 */
async function probeHealth(socket: string) {
  if (!existsSync(socket)) return undefined
  const probe = createClient({ socket })
  try {
    return await probe.diag.health({}, { deadlineMs: 1000 }).catch(() => undefined)
  } finally {
    probe.close()
  }
}

async function detachWith(client: Client, config: { dataDir: string; socket: string }, json: boolean) {
  // Otherwise the running daemon's Health would pass for the new one, which is about to fail.
  const running = await client.diag.health({}, { deadlineMs: 2000 }).catch(() => undefined)
  if (running != null) {
    throw Object.assign(new Error(`a daemon (${running.did}) is already running on ${config.socket}`), {
      reason: 'SOCKET_IN_USE',
    })
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 })
  const logFile = join(config.dataDir, 'daemon.log')
  const log = openSync(logFile, 'a', 0o600)
  // Only this start's lines matter if it fails; the log keeps earlier runs.
  const logStart = fstatSync(log).size
  const args = process.argv.slice(2).filter((a) => a !== '--detach')
  const entry = process.argv[1] as string
  // The background `start` gets the daemon's runtime settings on this exec (cli/daemon-runtime.ts),
  // so it does not boot a second time to re-execute itself with them.
  const runtime = daemonRelaunch(
    [process.execPath, entry, ...args],
    process.execArgv,
    process.env,
    getCompileCacheDir(),
  )
  if (runtime?.env.NODE_COMPILE_CACHE != null) flushCompileCache()
  const child = spawn(process.execPath, [...(runtime?.execArgv ?? process.execArgv), entry, ...args], {
    detached: true,
    stdio: ['ignore', log, log],
    env: runtime?.env ?? process.env,
  })
  closeSync(log) // the child has its own copy
  let exited: number | null = null
  child.on('exit', (code) => {
    exited = code ?? 1
  })
  child.unref()

  const deadline = Date.now() + DETACH_READY_TIMEOUT_MS
  while (Date.now() < deadline && exited == null) {
    const health = await probeHealth(config.socket)
    if (health?.ok) {
      const result = { did: health.did, socket: config.socket, pid: child.pid, logFile }
      if (json) printJson(result)
      else
        printFields([
          ['DID', health.did],
          ['Socket', config.socket],
          ['PID', String(child.pid)],
          ['Log', logFile],
        ])
      return
    }
    await new Promise((r) => setTimeout(r, 25))
  }
  const tail = readFileSync(logFile)
    .subarray(logStart)
    .toString('utf8')
    .trimEnd()
    .split('\n')
    .slice(-15)
    .join('\n')
  // The daemon's own one-line reason (e.g. "error: port 4001 is in use: ...") comes first, as it would
  // in the foreground; the log lines are context after it.
  const reasonLine = tail
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('error: '))
  console.error(
    exited != null
      ? reasonLine != null
        ? `${reasonLine}\n(the daemon exited during startup, code ${exited}; its log: ${logFile})`
        : `error: the daemon exited during startup (code ${exited}); last log lines from ${logFile}:\n${tail}`
      : `error: the daemon did not become healthy within ${DETACH_READY_TIMEOUT_MS / 1000}s; see ${logFile}`,
  )
  if (exited == null) child.kill('SIGTERM')
  process.exitCode = EXIT_FAILED
}
