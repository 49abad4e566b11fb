// The task subscription of a worker, kept alive across daemon restarts. Each subscription starts with
// a response without a task (the daemon's "serving"); a stream that breaks afterwards is reopened
// with backoff until the daemon answers again or `giveUpAfterMs` passes without it, then the last
// error is thrown. A daemon that is not there at the start is an error at once (nothing to resume).

import type { DeepPartial } from '../deep-partial.ts'
import {
  AbortedError,
  CanceledError,
  DaemonNotRunningError,
  DeadlineExceededError,
  InternalError,
  UnavailableError,
} from '../errors.ts'
import type { Skill, Task } from '../gen/moltmesh/v1/types.ts'
import type { Groups } from '../groups.ts'

/** A skill a worker serves, described for the card when the agent does not declare it yet. */
export interface SkillOffer {
  id: string
  name?: string
  description?: string
  tags?: string[]
  /** JSON Schema the input must match: an object, or its JSON text. */
  inputSchema?: object | string
  outputSchema?: object | string
  /** Price per task in credits (decimal string); default free. */
  price?: string
}

export type WorkerStatus =
  | { kind: 'ready'; skills: string[] }
  | { kind: 'lost'; error: unknown }
  | { kind: 'reconnected'; skills: string[]; downMs: number }

export interface ReconnectOptions {
  /** Give up once the daemon has been unreachable this long (default 60000 ms). */
  giveUpAfterMs?: number
}

export interface SubscriptionOptions {
  signal: AbortSignal
  /** false: a lost daemon ends the worker with the error at once. */
  reconnect?: ReconnectOptions | false
  onStatus?: (status: WorkerStatus) => void
}

const DEFAULT_GIVE_UP_MS = 60_000
const BACKOFF_MS = [100, 250, 500, 1000, 2000]

const seconds = (ms: number) => (ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)

/** Skill ids and card descriptions of what a worker serves. */
export function describeSkills(skills: Array<string | SkillOffer>): {
  skills: string[]
  offers: DeepPartial<Skill>[]
} {
  const schema = (s: object | string | undefined) =>
    s == null ? '' : typeof s === 'string' ? s : JSON.stringify(s)
  const offers = skills
    .filter((s): s is SkillOffer => typeof s !== 'string')
    .map((s) => ({
      id: s.id,
      name: s.name ?? '',
      description: s.description ?? '',
      tags: s.tags ?? [],
      inputSchemaJson: schema(s.inputSchema),
      outputSchemaJson: schema(s.outputSchema),
      price: s.price ?? '',
    }))
  return { skills: skills.map((s) => (typeof s === 'string' ? s : s.id)), offers }
}

/** True for errors that mean "the daemon (or the connection to it) went away", not "you asked wrong". */
export function isConnectionLoss(err: unknown): boolean {
  return (
    err instanceof DaemonNotRunningError ||
    err instanceof UnavailableError ||
    err instanceof CanceledError ||
    err instanceof AbortedError ||
    err instanceof DeadlineExceededError ||
    err instanceof InternalError
  )
}

/** A task sent to a worker; `leaseToken` is set when the daemon claimed it for the worker (`claim`). */
export interface WorkerOffer {
  task: Task
  leaseToken: string
}

export interface WorkerSubscribeRequest {
  skills: string[]
  offers: DeepPartial<Skill>[]
  declaredOnly?: boolean
  /** Pre-claimed offers: each task arrives claimed for this worker, with its lease token. */
  claim?: boolean
  leaseMs?: number
  maxClaimed?: number
}

/** Tasks offered for the worker's skills, across reconnections, until `signal` aborts. */
export async function* workerTasks(
  client: Pick<Groups, 'worker'>,
  request: WorkerSubscribeRequest,
  options: SubscriptionOptions,
): AsyncGenerator<Task> {
  for await (const offer of workerOffers(client, request, options)) yield offer.task
}

/**
 * workerTasks with the lease of each task the daemon claimed for the worker. With `claim`, closing
 * the subscription (aborting `signal`) hands back every task it delivered that is not finished yet:
 * keep it open until they are.
 */
export async function* workerOffers(
  client: Pick<Groups, 'worker'>,
  request: WorkerSubscribeRequest,
  options: SubscriptionOptions,
): AsyncGenerator<WorkerOffer> {
  const { signal } = options
  const giveUpAfterMs =
    options.reconnect === false ? 0 : (options.reconnect?.giveUpAfterMs ?? DEFAULT_GIVE_UP_MS)
  let everReady = false
  let lostAt: number | undefined
  let attempt = 0
  while (!signal.aborted) {
    let failure: unknown
    try {
      for await (const { task, leaseToken } of client.worker.subscribe(request, { signal })) {
        if (task != null) {
          yield { task, leaseToken }
          continue
        }
        if (lostAt == null) options.onStatus?.({ kind: 'ready', skills: request.skills })
        else options.onStatus?.({ kind: 'reconnected', skills: request.skills, downMs: Date.now() - lostAt })
        everReady = true
        lostAt = undefined
        attempt = 0
      }
    } catch (err) {
      failure = err
    }
    if (signal.aborted) return
    // A daemon that ends the stream without an error is stopping: the same as losing it.
    failure ??= new UnavailableError('the daemon ended the task subscription', {
      reason: 'DAEMON_STOPPED',
      code: 14,
    })
    if (!everReady || !isConnectionLoss(failure)) throw failure
    if (lostAt == null) {
      lostAt = Date.now()
      options.onStatus?.({ kind: 'lost', error: failure })
    }
    const down = Date.now() - lostAt
    if (down >= giveUpAfterMs) {
      const why = failure instanceof Error ? failure.message : String(failure)
      throw new UnavailableError(
        `lost the daemon and could not reconnect within ${seconds(giveUpAfterMs)} s: ${why}`,
        { reason: 'DAEMON_GONE', code: 14, cause: failure },
      )
    }
    const wait = Math.min(
      BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)] ?? 2000,
      giveUpAfterMs - down,
    )
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait)
      function done() {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        resolve()
      }
      signal.addEventListener('abort', done, { once: true })
    })
  }
}
