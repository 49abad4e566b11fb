// A long-running `moltmesh` command (a worker, a subscription) against one daemon, as a user runs it
// in another terminal: its output is collected, stop() sends SIGINT and waits for the exit code.
import { spawn } from 'node:child_process'
import type { DaemonProcess } from './daemon-process.ts'
import { CLI_MAIN } from './paths.ts'

/** `moltmesh <args>` against daemon `d`, left running; stop() sends SIGINT and waits for the exit. */
export function startCli(d: DaemonProcess, args: string[]) {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], {
    env: { ...process.env, ...d.env() },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (b: Buffer) => {
    output += b.toString()
  })
  child.stderr.on('data', (b: Buffer) => {
    output += b.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
  return {
    output: () => output,
    exited,
    async stop() {
      child.kill('SIGINT')
      return exited
    },
  }
}
