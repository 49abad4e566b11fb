// Runs the real `moltmesh` CLI as a child process, the way a user would.
import { spawn } from 'node:child_process'
import { CLI_MAIN } from './paths.ts'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
  /** stdout parsed as JSON (for --json commands); throws with the output when it does not parse. */
  json<T = Record<string, unknown>>(): T
}

export interface CliOptions {
  env?: Record<string, string>
  cwd?: string
  timeoutMs?: number
  /** Written to the CLI's standard input (closed afterwards); without it stdin is closed at once. */
  input?: string | Buffer
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    // Closed at once without input: a command that reads stdin sees end-of-file, never waits.
    child.stdin.end(options.input)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(
          `moltmesh ${args.join(' ')} timed out after ${options.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`,
        ),
      )
    }, options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({
        code: code ?? -1,
        stdout,
        stderr,
        json<T>() {
          try {
            return JSON.parse(stdout) as T
          } catch {
            throw new Error(
              `moltmesh ${args.join(' ')} did not print JSON (exit ${code}):\n${stdout}\n${stderr}`,
            )
          }
        },
      })
    })
  })
}
