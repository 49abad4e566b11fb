// One run of a handler command: the process contract shared by `moltmesh worker --exec` and skills
// with `handler = "..."` in moltbook.toml. The command runs under `sh -c` in its own process group,
// reads the task input on stdin, writes its output on stdout, may write files to
// $MOLTMESH_OUTPUT_DIR, and finds the task's input artifacts as files: their paths are the
// positional arguments ("$@") and the lines of $MOLTMESH_INPUT_FILES. A timeout or a stop kills
// the whole group (SIGTERM, then SIGKILL after a grace period).

import { spawn } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { delimiter, dirname } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

/** How much of stderr a failed task reports. */
export const STDERR_TAIL = 2000
const KILL_GRACE_MS = 2_000

export interface HandlerInvocation {
  command: string
  /** What the command reads: text, or the contents of these files one after the other. */
  stdin: string | { files: string[] }
  /** Task variables (MOLTMESH_TASK_ID, …), added to this process's environment. */
  env: Record<string, string>
  inputFiles: string[]
  outputDir: string
  /** Working directory (default: this process's). */
  cwd?: string
  /** 0 = no limit. */
  timeoutMs: number
  /** Aborted when the task ends elsewhere or the worker stops: the process group is killed. */
  signal: AbortSignal
  onStdout?: (text: string) => void
  onStderr?: (text: string) => void
}

export interface HandlerResult {
  /** Exit code, or null when a signal ended the process. */
  code: number | null
  /** The signal that ended it, if any. */
  exitSignal: NodeJS.Signals | null
  stdout: string
  /** The last STDERR_TAIL characters of stderr. */
  stderrTail: string
  timedOut: boolean
  /** Stopped by `signal` (not by the timeout). */
  stopped: boolean
}

async function* concatFiles(files: string[]): AsyncGenerator<Buffer> {
  for (const file of files) yield* createReadStream(file)
}

export function runHandler(run: HandlerInvocation): Promise<HandlerResult> {
  const child = spawn('sh', ['-c', run.command, 'moltmesh-handler', ...run.inputFiles], {
    stdio: ['pipe', 'pipe', 'pipe'],
    cwd: run.cwd,
    // Its own process group, so a kill reaches the command's children too (e.g. `sleep` under sh).
    detached: true,
    env: {
      ...process.env,
      // `node` in a handler is the Node running moltmesh (a TypeScript handler needs a recent one).
      PATH: [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter),
      ...run.env,
      MOLTMESH_OUTPUT_DIR: run.outputDir,
      MOLTMESH_INPUT_FILES: run.inputFiles.join('\n'),
    },
  })
  let timedOut = false
  let stopped = false
  let killTimer: NodeJS.Timeout | undefined
  const killGroup = (sig: NodeJS.Signals) => {
    try {
      if (child.pid != null) process.kill(-child.pid, sig)
    } catch {
      child.kill(sig) // already gone, or no group
    }
  }
  const terminate = () => {
    killGroup('SIGTERM')
    killTimer ??= setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS)
  }
  const onStop = () => {
    stopped = true
    terminate()
  }
  run.signal.addEventListener('abort', onStop, { once: true })
  if (run.signal.aborted) onStop()
  const timeout =
    run.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true
          terminate()
        }, run.timeoutMs)
      : undefined

  let stdout = ''
  let stderrTail = ''
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  child.stdout.on('data', (text: string) => {
    stdout += text
    run.onStdout?.(text)
  })
  child.stderr.on('data', (text: string) => {
    stderrTail = (stderrTail + text).slice(-STDERR_TAIL)
    run.onStderr?.(text)
  })
  child.stdin.on('error', () => undefined) // a command that does not read stdin
  if (typeof run.stdin === 'string') child.stdin.end(run.stdin)
  else pipeline(Readable.from(concatFiles(run.stdin.files)), child.stdin).catch(() => undefined)

  return new Promise((resolve) => {
    let spawnError: Error | undefined
    child.on('error', (err) => {
      spawnError = err
    })
    child.on('close', (code, exitSignal) => {
      clearTimeout(timeout)
      clearTimeout(killTimer)
      run.signal.removeEventListener('abort', onStop)
      if (spawnError != null) stderrTail = (stderrTail + String(spawnError)).slice(-STDERR_TAIL)
      resolve({
        code: spawnError != null ? 127 : code,
        exitSignal,
        stdout,
        stderrTail,
        timedOut,
        stopped: stopped && !timedOut,
      })
    })
  })
}
