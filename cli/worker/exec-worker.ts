// A worker that runs a command per task (handler-process.ts has the contract): it gets each task
// offered for its skills already claimed for it by the daemon (or claims each offer itself, with
// `preclaim: false`), fetches the input artifacts as files, runs the command while renewing the
// lease and streaming stdout as CHUNK events, then completes the task with stdout (a JSON part when
// it parses, else text) plus the files left in the output directory, or fails it: the exit code and
// the end of stderr, or HANDLER_TIMEOUT. A task that ends elsewhere (canceled) kills the command.
// Used by `moltmesh worker --exec` and by the handler supervisor of `moltmesh start`.

import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type Client,
  type DeepPartial,
  describeSkills,
  isTerminalState,
  type ReconnectOptions,
  type SkillOffer,
  taskStateName,
  types,
  type WorkerStatus,
  workerOffers,
} from '../../clients/ts/index.ts'
import { runHandler } from './handler-process.ts'
import { collectOutputFiles, fetchInputFiles } from './task-files.ts'

export interface ExecWorkerOptions {
  skills: Array<string | SkillOffer>
  /** Serve without putting the skills on the card (they are declared in moltbook.toml). */
  declaredOnly?: boolean
  command: string
  leaseMs: number
  concurrency: number
  /** Tasks arrive claimed by the daemon (SubscribeTasks `claim`; default true); false: ClaimTask each. */
  preclaim?: boolean
  /** Per task; 0 = no limit. */
  timeoutMs: number
  /** Working directory of the command (default: this process's). */
  cwd?: string
  /** Stops taking tasks; running commands are killed too unless `killSignal` is given. */
  signal: AbortSignal
  /** Kills the running commands (their tasks are left to the lease, not reported). */
  killSignal?: AbortSignal
  reconnect?: ReconnectOptions | false
  onStatus?: (status: WorkerStatus) => void
  onTaskDone?: (done: TaskOutcome) => void
  /** What the command writes on stderr, as it comes. */
  onStderr?: (task: types.Task, text: string) => void
}

export interface TaskOutcome {
  task: types.Task
  /** COMPLETED, FAILED (…), or why it was not reported. */
  outcome: string
  ms: number
}

/** What the command reads: the first JSON part as JSON text, else the text parts. */
export function stdinFor(input: types.Part[]): string {
  const data = input.find((p) => p.dataJson !== undefined)
  if (data?.dataJson !== undefined) return data.dataJson
  return input
    .filter((p) => p.text !== undefined)
    .map((p) => p.text)
    .join('\n')
}

/** True when the input is artifacts and nothing else (no text, no JSON, no raw bytes). */
export function onlyFiles(input: types.Part[]): boolean {
  return input.length > 0 && input.every((p) => p.artifact != null)
}

/** The task's output: stdout as a JSON part when it parses, else as text. */
export function outputFor(stdout: string): types.Part[] {
  const trimmed = stdout.trim()
  try {
    if (trimmed !== '') {
      JSON.parse(trimmed)
      return [types.Part.fromPartial({ dataJson: trimmed })]
    }
  } catch {
    // not JSON: text
  }
  return [types.Part.fromPartial({ text: stdout.replace(/\n$/, '') })]
}

/** Serves the skills until `signal` aborts; rejects when the daemon is gone for good. */
export async function runExecWorker(client: Client, opts: ExecWorkerOptions): Promise<void> {
  const running = new Set<Promise<void>>()
  const preclaim = opts.preclaim !== false
  // With pre-claimed tasks, closing the subscription hands back the tasks it delivered: while running
  // commands are allowed to finish (a killSignal of their own), it stays open until they have.
  const subscription = preclaim && opts.killSignal != null ? closeWhenIdle(opts.signal, running) : undefined
  try {
    const skills = { ...describeSkills(opts.skills), declaredOnly: opts.declaredOnly === true }
    const request = preclaim
      ? { ...skills, claim: true, leaseMs: opts.leaseMs, maxClaimed: opts.concurrency }
      : skills
    for await (const offer of workerOffers(client, request, {
      signal: subscription?.signal ?? opts.signal,
      reconnect: opts.reconnect,
      onStatus: opts.onStatus,
    })) {
      // Stopping: a task sent meanwhile is not started; it goes back as the subscription closes.
      if (opts.signal.aborted) continue
      while (running.size >= opts.concurrency) await Promise.race(running)
      let { task, leaseToken } = offer
      if (leaseToken === '') {
        try {
          const claim = await client.worker.claim({ id: task.id, leaseMs: opts.leaseMs })
          task = claim.task ?? task
          leaseToken = claim.leaseToken
        } catch {
          continue // claimed by another worker meanwhile, or ended
        }
      }
      const run = runOne(client, task, leaseToken, opts)
        .then((done) => opts.onTaskDone?.(done))
        .finally(() => {
          running.delete(run)
          subscription?.settled()
        })
      running.add(run)
    }
  } finally {
    await Promise.allSettled(running)
  }
}

/**
 * A signal that aborts once `stop` has aborted and no task of `running` is left (checked at the stop
 * and whenever `settled()` is called after a task finished).
 */
function closeWhenIdle(
  stop: AbortSignal,
  running: { readonly size: number },
): { signal: AbortSignal; settled: () => void } {
  const close = new AbortController()
  const settled = () => {
    if (stop.aborted && running.size === 0) close.abort()
  }
  if (stop.aborted) settled()
  else stop.addEventListener('abort', settled, { once: true })
  return { signal: close.signal, settled }
}

async function runOne(
  client: Client,
  task: types.Task,
  leaseToken: string,
  opts: ExecWorkerOptions,
): Promise<TaskOutcome> {
  const started = Date.now()
  const stop = new AbortController()
  let stopReason: string | undefined
  const stopWith = (why: string) => {
    stopReason ??= why
    stop.abort()
  }
  const onWorkerStop = () => stopWith('worker stopped')
  const killSignal = opts.killSignal ?? opts.signal
  killSignal.addEventListener('abort', onWorkerStop, { once: true })
  // Renew the lease while the command runs; losing it means someone else may take the task.
  const renew = setInterval(
    () => {
      client.worker
        .renewLease({ id: task.id, leaseToken, leaseMs: opts.leaseMs })
        .catch((err: Error) => stopWith(`lease lost: ${err.message}`))
    },
    Math.max(500, Math.floor(opts.leaseMs / 3)),
  )
  // A cancel (or any other end) decided elsewhere kills the command.
  const watch = new AbortController()
  void (async () => {
    try {
      for await (const { event } of client.tasks.events({ id: task.id }, { signal: watch.signal }))
        if (event?.task != null && isTerminalState(event.task.state))
          stopWith(taskStateName(event.task.state).toLowerCase())
    } catch {
      // the watch ends with the task or the worker
    }
  })()
  let dir: string | undefined
  let chunks = Promise.resolve()
  const fail = (reason: string, message: string) =>
    client.worker.fail({ id: task.id, leaseToken, error: { reason, message } })
  let outcome: string
  try {
    dir = await mkdtemp(join(tmpdir(), 'moltmesh-task-'))
    let inputFiles: string[]
    try {
      inputFiles = await fetchInputFiles(client, task, join(dir, 'in'))
    } catch (err) {
      await fail('INPUT_UNAVAILABLE', `cannot fetch an input artifact: ${(err as Error).message}`)
      return { task, outcome: 'FAILED (input artifact unavailable)', ms: Date.now() - started }
    }
    const outputDir = join(dir, 'out')
    await mkdir(outputDir, { mode: 0o700 })
    const result = await runHandler({
      command: opts.command,
      // Only files as input: they are what a filter (`wc -c`, `tr`) reads, as well as "$@".
      stdin: onlyFiles(task.input) ? { files: inputFiles } : stdinFor(task.input),
      env: {
        MOLTMESH_TASK_ID: task.id,
        MOLTMESH_TASK_SKILL: task.skill,
        MOLTMESH_REQUESTER: task.requester,
        MOLTMESH_INPUT_DIR: join(dir, 'in'),
      },
      inputFiles,
      outputDir,
      cwd: opts.cwd,
      timeoutMs: opts.timeoutMs,
      signal: stop.signal,
      onStdout: (text) => {
        chunks = chunks.then(() =>
          client.worker
            .publishEvent({
              id: task.id,
              leaseToken,
              kind: types.TaskEventKind.TASK_EVENT_KIND_CHUNK,
              parts: [{ text }],
            })
            .then(
              () => undefined,
              () => undefined,
            ),
        )
      },
      onStderr: (text) => opts.onStderr?.(task, text),
    })
    await chunks
    const stderr = result.stderrTail.trim()
    if (result.stopped) outcome = `stopped (${stopReason ?? 'stopped'})`
    else if (result.timedOut) {
      await fail(
        'HANDLER_TIMEOUT',
        `command did not finish within ${opts.timeoutMs / 1000} s and was killed${stderr ? `: ${stderr}` : ''}`,
      )
      outcome = 'FAILED (timeout)'
    } else if (result.code === 0) {
      const files = await collectOutputFiles(client, outputDir)
      const text = outputFor(result.stdout)
      // Files alone make the output when the command printed nothing.
      const output: DeepPartial<types.Part>[] =
        files.length > 0 && result.stdout.trim() === '' ? files : [...text, ...files]
      await client.worker.complete({ id: task.id, leaseToken, output })
      outcome =
        files.length > 0 ? `COMPLETED (${files.length} file${files.length === 1 ? '' : 's'})` : 'COMPLETED'
    } else {
      const how = result.code != null ? `exited with ${result.code}` : `was killed by ${result.exitSignal}`
      await fail('EXIT_CODE', `command ${how}${stderr ? `: ${stderr}` : ''}`)
      outcome = result.code != null ? `FAILED (exit ${result.code})` : `FAILED (${result.exitSignal})`
    }
  } catch (err) {
    outcome = `not reported: ${(err as Error).message}`
  } finally {
    clearInterval(renew)
    watch.abort()
    killSignal.removeEventListener('abort', onWorkerStop)
    if (dir != null) await rm(dir, { recursive: true, force: true }).catch(() => undefined)
  }
  return { task, outcome, ms: Date.now() - started }
}
