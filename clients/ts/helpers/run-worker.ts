// runWorker(client, skill, handler): a worker in ten lines. It subscribes to tasks offered for a
// skill (which puts the skill on the agent's card while it runs, if the card lacks it), gets each one
// already claimed by the daemon for it (a lease; `preclaim: false` claims each offer with ClaimTask
// instead), renews the lease while the handler runs, lets the handler stream chunks and progress,
// and completes with what the handler returns or fails with what it throws. A task canceled
// elsewhere, or a lost lease, aborts the handler's signal. A daemon restart is survived: the worker
// says so on stderr and subscribes again (see worker-subscription.ts).

import type { DeepPartial } from '../deep-partial.ts'
import { type Part, type Task, TaskEventKind, TaskState } from '../gen/moltmesh/v1/types.ts'
import type { Groups } from '../groups.ts'
import { type Content, dataOf, textOf, toParts } from './parts.ts'
import { isTerminalState } from './task-states.ts'
import {
  describeSkills,
  type ReconnectOptions,
  type SkillOffer,
  type WorkerStatus,
  workerOffers,
} from './worker-subscription.ts'

export interface WorkerContext {
  /** The claimed task (input, requester, skill, …). */
  readonly task: Task
  /** The task's text input, joined. */
  readonly text: string
  /** The task's first JSON input part, parsed. */
  readonly data: unknown
  readonly leaseToken: string
  /** Aborted when the task ends elsewhere (canceled, timed out), the lease is lost, or the worker stops. */
  readonly signal: AbortSignal
  /** Streams a CHUNK event (partial output) to the requester. */
  chunk(content: Content): Promise<void>
  /** Streams a PROGRESS event (fraction 0..1, optional note). */
  progress(fraction: number, note?: string): Promise<void>
  /**
   * Asks the requester a question (the task goes INPUT_REQUIRED) and resolves with the answer's
   * parts once it arrives (rejects if the task ends first). The lease keeps being renewed meanwhile.
   */
  askInput(question: Content): Promise<Part[]>
}

export type WorkerHandler = (ctx: WorkerContext) => Promise<Content | undefined> | Content | undefined

/** Thrown by a handler to fail the task with a chosen reason code (other errors fail it as HANDLER_ERROR). */
export class TaskFailure extends Error {
  readonly reason: string
  constructor(reason: string, message: string) {
    super(message)
    this.name = 'TaskFailure'
    this.reason = reason
  }
}

export interface RunWorkerOptions {
  /** Lease per claim in ms, renewed every third of it while the handler runs (default 60000). */
  leaseMs?: number
  /** Tasks handled at the same time (default 1). */
  concurrency?: number
  /**
   * Pre-claimed offers (default true): the daemon claims each task for this worker before sending it
   * (SubscribeTasks `claim`), which saves a ClaimTask round trip per task, and hands back at once the
   * tasks of a worker that stopped or lost the daemon. false: each offer is claimed with ClaimTask.
   */
  preclaim?: boolean
  /** Stops the worker: no new claims; running handlers see their signal abort. */
  signal?: AbortSignal
  /** Called after each task with how it ended (for logging). */
  onTaskDone?: (task: Task, outcome: 'completed' | 'failed' | 'aborted', error?: unknown) => void
  /**
   * Reconnection after the daemon went away (default: retry for 60 s, then reject with the error);
   * false: reject at once.
   */
  reconnect?: ReconnectOptions | false
  /**
   * Called when the worker is serving (`ready`), lost the daemon, and is serving again. Default: the
   * lost and reconnected messages go to stderr.
   */
  onStatus?: (status: WorkerStatus) => void
}

function printStatus(status: WorkerStatus): void {
  if (status.kind === 'lost')
    process.stderr.write(
      `moltmesh worker: lost the daemon (${status.error instanceof Error ? status.error.message : String(status.error)}); reconnecting\n`,
    )
  else if (status.kind === 'reconnected')
    process.stderr.write(
      `moltmesh worker: reconnected after ${(status.downMs / 1000).toFixed(1)} s; serving ${status.skills.join(', ')}\n`,
    )
}

type WorkerClient = Pick<Groups, 'worker' | 'tasks'>

/**
 * Serves `skill` until `options.signal` aborts. Resolves when the worker has stopped and drained;
 * rejects when the daemon is gone for good. A skill given as a SkillOffer is described that way on
 * the card while the worker runs, unless the agent declares it itself (moltbook.toml or a card).
 */
export async function runWorker(
  client: WorkerClient,
  skill: string | SkillOffer | Array<string | SkillOffer>,
  handler: WorkerHandler,
  options: RunWorkerOptions = {},
): Promise<void> {
  const leaseMs = options.leaseMs ?? 60_000
  const concurrency = Math.max(1, options.concurrency ?? 1)
  const running = new Set<Promise<void>>()
  const stop = options.signal ?? new AbortController().signal
  const skills = describeSkills(Array.isArray(skill) ? skill : [skill])
  // Stopping aborts the handlers, so the tasks they held may be handed back as the stream closes.
  const request =
    options.preclaim === false ? skills : { ...skills, claim: true, leaseMs, maxClaimed: concurrency }
  try {
    for await (const offer of workerOffers(client, request, {
      signal: stop,
      reconnect: options.reconnect,
      onStatus: options.onStatus ?? printStatus,
    })) {
      while (running.size >= concurrency) await Promise.race(running)
      let { task, leaseToken } = offer
      if (leaseToken === '') {
        try {
          const claim = await client.worker.claim({ id: task.id, leaseMs })
          task = claim.task ?? task
          leaseToken = claim.leaseToken
        } catch {
          continue // another worker claimed it first, or it ended meanwhile
        }
      }
      const run = handleOne(client, task, leaseToken, handler, leaseMs, stop, options)
      const tracked = run.finally(() => running.delete(tracked))
      running.add(tracked)
    }
  } finally {
    await Promise.allSettled(running)
  }
}

async function handleOne(
  client: WorkerClient,
  task: Task,
  leaseToken: string,
  handler: WorkerHandler,
  leaseMs: number,
  stop: AbortSignal,
  options: RunWorkerOptions,
): Promise<void> {
  const abort = new AbortController()
  const end = () => abort.abort()
  stop.addEventListener('abort', end, { once: true })
  const renew = setInterval(
    () => void client.worker.renewLease({ id: task.id, leaseToken, leaseMs }).catch(end),
    Math.max(200, Math.floor(leaseMs / 3)),
  )
  // A cancel (or deadline) decided elsewhere ends the work here too.
  const watch = new AbortController()
  void (async () => {
    try {
      for await (const { event } of client.tasks.events({ id: task.id }, { signal: watch.signal }))
        if (event?.task != null && isTerminalState(event.task.state)) end()
    } catch {
      // the watch ends with the task or the worker
    }
  })()
  const event = (
    e: DeepPartial<{ kind: TaskEventKind; progress: number; note: string }>,
    content?: Content,
  ) =>
    client.worker
      .publishEvent({ id: task.id, leaseToken, ...e, parts: toParts(content) })
      .then(() => undefined)
  const ctx: WorkerContext = {
    task,
    text: textOf(task.input),
    data: safeData(task),
    leaseToken,
    signal: abort.signal,
    chunk: (content) => event({ kind: TaskEventKind.TASK_EVENT_KIND_CHUNK }, content),
    progress: (fraction, note = '') =>
      event({ kind: TaskEventKind.TASK_EVENT_KIND_PROGRESS, progress: fraction, note }),
    askInput: (question) => askInput(client, task.id, leaseToken, question, abort.signal),
  }
  try {
    const result = await handler(ctx)
    if (abort.signal.aborted) return options.onTaskDone?.(task, 'aborted')
    await client.worker.complete({ id: task.id, leaseToken, output: toParts(result) })
    options.onTaskDone?.(task, 'completed')
  } catch (err) {
    if (abort.signal.aborted) return options.onTaskDone?.(task, 'aborted', err)
    const reason = err instanceof TaskFailure ? err.reason : 'HANDLER_ERROR'
    const message = err instanceof Error ? err.message : String(err)
    await client.worker.fail({ id: task.id, leaseToken, error: { reason, message } }).catch(() => undefined)
    options.onTaskDone?.(task, 'failed', err)
  } finally {
    clearInterval(renew)
    watch.abort()
    stop.removeEventListener('abort', end)
  }
}

function safeData(task: Task): unknown {
  try {
    return dataOf(task.input)
  } catch {
    return undefined
  }
}

async function askInput(
  client: WorkerClient,
  id: string,
  leaseToken: string,
  question: Content,
  signal: AbortSignal,
): Promise<Part[]> {
  // Listen from the current sequence on before asking, so a fast answer cannot be missed.
  const current = (await client.tasks.get({ id })).task
  const after = Number(current?.lastSequence ?? 0)
  const answers = client.tasks.events({ id, afterSequence: after }, { signal })[Symbol.asyncIterator]()
  const first = answers.next() // starts the call
  await client.worker.update({
    id,
    leaseToken,
    state: TaskState.TASK_STATE_INPUT_REQUIRED,
    message: toParts(question),
  })
  for (let next = await first; !next.done; next = await answers.next()) {
    const e = next.value.event
    if (e?.kind === TaskEventKind.TASK_EVENT_KIND_INPUT) {
      await answers.return?.(undefined)
      return e.parts
    }
    if (e?.task != null && isTerminalState(e.task.state)) break
  }
  throw new TaskFailure('NO_ANSWER', `task ${id} ended before the requester answered`)
}
