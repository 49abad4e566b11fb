// One real daemon process started with `moltmesh start` in a temporary data dir, on 127.0.0.1 with
// OS-chosen ports, mDNS off. Output is kept so a failing test can print it.

import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Client, createClient } from '../../clients/ts/index.ts'
import { CLI_BIN } from './paths.ts'
import { type CliResult, runCli } from './run-cli.ts'

export interface DaemonSpawnOptions {
  name: string
  /** Parent temp dir; the daemon gets <root>/<name>/ as data dir (and HOME). */
  root: string
  bootstrap?: string[]
  /** Extra `moltmesh start` flags. */
  args?: string[]
  /** Extra environment (MOLTMESH_* config). */
  env?: Record<string, string>
  /** Leave mDNS on (tests are DHT-only unless they are about mDNS). */
  mdns?: boolean
  /** Time to wait for Health to answer ok. */
  readyTimeoutMs?: number
  /** Command prefix the daemon runs under, e.g. `ip netns exec <ns>` (test/harness/netns.ts). */
  wrap?: string[]
}

export interface DaemonInfo {
  did: string
  peerId: string
  tcpAddress: string
  quicAddress: string
  listenAddresses: string[]
}

export class DaemonProcess {
  readonly name: string
  readonly dataDir: string
  readonly socket: string
  readonly home: string
  readonly options: DaemonSpawnOptions
  /** Everything the daemon printed, across restarts. */
  readonly output: string[] = []
  child: ChildProcess | undefined
  info: DaemonInfo | undefined
  private clientInstance: Client | undefined
  private exitPromise: Promise<number | null> | undefined

  constructor(options: DaemonSpawnOptions) {
    this.options = options
    this.name = options.name
    this.home = join(options.root, options.name)
    this.dataDir = join(this.home, 'data')
    // Short path: unix socket paths are limited to 107 bytes.
    this.socket = join(this.home, 's.sock')
    mkdirSync(this.home, { recursive: true })
  }

  get did(): string {
    if (this.info == null) throw new Error(`${this.name} has not started`)
    return this.info.did
  }

  get client(): Client {
    this.clientInstance ??= createClient({ socket: this.socket })
    return this.clientInstance
  }

  /** Environment that keeps the daemon and CLI inside the test's temp dir. */
  env(): Record<string, string> {
    return {
      HOME: this.home,
      MOLTMESH_SOCKET: this.socket,
      MOLTMESH_P2P_HOST: '127.0.0.1',
      MOLTMESH_P2P_DHT_MODE: 'server',
      MOLTMESH_LOG_LEVEL: 'debug',
      ...this.options.env,
    }
  }

  startArgs(): string[] {
    const args = ['start', '--data-dir', this.dataDir, '--socket', this.socket, '--port', '0']
    if (this.options.mdns !== true) args.push('--no-mdns')
    if (this.options.bootstrap != null && this.options.bootstrap.length > 0) {
      args.push('--bootstrap', this.options.bootstrap.join(','))
    }
    return [...args, ...(this.options.args ?? [])]
  }

  /** Starts the process and waits until Health answers ok. */
  async start(): Promise<this> {
    const wrap = this.options.wrap ?? []
    // The installed launcher, as users start it: plain JavaScript, so the daemon's process never loads
    // Node's type stripper (cli/bin/moltmesh.js).
    const command = [...wrap, process.execPath, CLI_BIN, ...this.startArgs()]
    const child = spawn(command[0]!, command.slice(1), {
      cwd: this.home,
      env: { ...process.env, ...this.env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    this.output.push(`--- ${this.name} started (pid ${child.pid}) at ${new Date().toISOString()}`)
    const collect = (d: Buffer) => {
      for (const line of d.toString().split('\n')) if (line !== '') this.output.push(line)
    }
    child.stdout?.on('data', collect)
    child.stderr?.on('data', collect)
    this.exitPromise = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.output.push(`--- ${this.name} exited code=${code} signal=${signal}`)
        resolve(code)
      })
    })
    await this.waitHealthy(this.options.readyTimeoutMs ?? 30_000)
    const info = await this.client.diag.getInfo({})
    const tcp = info.listenAddresses.find((a) => a.includes('/tcp/'))
    const quic = info.listenAddresses.find((a) => a.includes('/quic-v1'))
    this.info = {
      did: info.did,
      peerId: info.peerId,
      tcpAddress: tcp ?? '',
      quicAddress: quic ?? '',
      listenAddresses: info.listenAddresses,
    }
    return this
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let exited = false
    void this.exitPromise?.then(() => {
      exited = true
    })
    let lastError: unknown
    while (Date.now() < deadline) {
      if (exited) throw new Error(`${this.name} exited during startup:\n${this.output.slice(-30).join('\n')}`)
      // Each attempt on a fresh channel once the socket exists: a channel whose connect failed waits
      // out grpc's reconnect backoff (250 ms, growing) before it tries again, which would be counted
      // as start-up time (bench/startup.ts).
      if (existsSync(this.socket)) {
        const probe = createClient({ socket: this.socket })
        try {
          const health = await probe.diag.health({}, { deadlineMs: 1_000 })
          if (health.ok) return
        } catch (err) {
          lastError = err
        } finally {
          probe.close()
        }
      }
      await new Promise((r) => setTimeout(r, 20))
    }
    throw new Error(
      `${this.name} not healthy after ${timeoutMs} ms (${String(lastError)}):\n${this.output.slice(-30).join('\n')}`,
    )
  }

  /** Runs a CLI command against this daemon (its socket, HOME and env). */
  cli(...args: string[]): Promise<CliResult> {
    return runCli(['--socket', this.socket, ...args], { env: this.env(), cwd: this.home })
  }

  /** Runs a CLI command against this daemon with `input` on its standard input. */
  cliWithInput(input: string | Buffer, ...args: string[]): Promise<CliResult> {
    return runCli(['--socket', this.socket, ...args], { env: this.env(), cwd: this.home, input })
  }

  /** Graceful stop (SIGTERM) and wait for exit. */
  async stop(): Promise<number | null> {
    return this.signal('SIGTERM')
  }

  /** Hard kill: the process gets no chance to clean up (the crash tests). */
  async kill(): Promise<number | null> {
    return this.signal('SIGKILL')
  }

  /** Whether the process was started and has ended (by itself or by a signal). */
  get hasExited(): boolean {
    const child = this.child
    return child != null && (child.exitCode != null || child.signalCode != null)
  }

  async signal(signal: NodeJS.Signals): Promise<number | null> {
    this.closeClient()
    const child = this.child
    if (child == null || this.hasExited) return child?.exitCode ?? null
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    try {
      return await this.exitPromise!
    } finally {
      clearTimeout(timer)
    }
  }

  /** Resolves with the exit code when the process exits on its own. */
  exited(): Promise<number | null> {
    return this.exitPromise ?? Promise.resolve(null)
  }

  async restart(): Promise<this> {
    await this.stop()
    return this.start()
  }

  closeClient(): void {
    this.clientInstance?.close()
    this.clientInstance = undefined
  }

  dumpOutput(): string {
    return [`===== ${this.name} (${this.dataDir})`, ...this.output].join('\n')
  }
}

export type { CliResult }
