// Long-running child processes of a test (a `moltmesh` worker or subscription, an example, a Python
// worker) as a user runs them in another terminal: stdout and stderr are collected together, and the
// exit code awaited.
import { type ChildProcess, spawn } from 'node:child_process'
import type { DaemonProcess } from './daemon-process.ts'
import { CLI_MAIN } from './paths.ts'

export interface RunningProcess {
  child: ChildProcess
  /** Everything written to stdout and stderr so far. */
  output(): string
  /** The exit code (null when killed by a signal), once the process has ended. */
  exited: Promise<number | null>
  /** Sends SIGINT (or `signal`) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Starts `command args`, collecting its output; `env` is added to this process's environment. */
export function startProcess(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (b: Buffer) => {
    output += b.toString()
  })
  child.stderr?.on('data', (b: Buffer) => {
    output += b.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
  return {
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGINT') {
      child.kill(signal)
      return exited
    },
  }
}

/** `moltmesh <args>` against daemon `d`, left running; stop() sends SIGINT and waits for the exit. */
export function startCli(d: DaemonProcess, args: string[]): RunningProcess {
  return startProcess(process.execPath, [CLI_MAIN, ...args], { env: d.env() })
}
