// Checks task inputs against skill schemas in a worker thread, one job at a time, each within a time
// budget. A job over budget ends the worker (a JS loop cannot be interrupted otherwise); the offer is
// refused INPUT_TOO_COMPLEX and the next job gets a fresh worker. The event loop that serves gRPC and
// libp2p never runs a validation itself.

import { Worker } from 'node:worker_threads'

export interface ValidationJob {
  schema: string
  /** The input: JSON text (a data_json part) or a plain string (a text part). */
  text: string
  json: boolean
}

export type ValidationResult = { ok: true } | { ok: false; message: string; tooComplex?: boolean }

export interface InputValidatorOptions {
  /** Longest one check may run, in ms. */
  budgetMs: number
  /** How long an idle worker is kept for the next check (default 30 s). */
  idleMs?: number
}

export type InputValidator = ReturnType<typeof createInputValidator>

const WORKER_URL = new URL('./schema-worker.ts', import.meta.url)
/** How long an idle worker is kept for the next check. */
const WORKER_IDLE_MS = 30_000
/**
 * Compiling the skill's schema comes before the budget (schema-worker.ts); this many budgets bound it
 * all the same, so a worker that never answers cannot hold the queue.
 */
const COMPILE_BUDGETS = 5

type WorkerMessage =
  | { ready: true }
  | { seq: number; checking: true }
  | { seq: number; result: ValidationResult }

export function createInputValidator(options: InputValidatorOptions) {
  let worker: { w: Worker; online: Promise<void> } | undefined
  let seq = 0
  let chain: Promise<unknown> = Promise.resolve()
  let stopped = false
  let idleTimer: NodeJS.Timeout | undefined
  let running = 0

  // A worker is a whole V8 isolate (tens of MB): it ends after a quiet spell, so a burst of offers
  // (or an attack) does not leave it behind; the next check starts a new one.
  function idleLater(): void {
    clearTimeout(idleTimer)
    if (running > 0) return
    idleTimer = setTimeout(() => {
      const current = worker
      worker = undefined
      void current?.w.terminate()
    }, options.idleMs ?? WORKER_IDLE_MS)
    idleTimer.unref()
  }

  function spawnWorker() {
    const w = new Worker(WORKER_URL)
    w.unref() // never keeps the daemon alive on its own
    // Start-up time (loading ajv: tens of ms, seconds on a busy machine) is not part of any job's
    // budget: the worker says when it is ready ('online' comes before its modules are loaded).
    const online = new Promise<void>((resolve) => {
      const onReady = (m: WorkerMessage) => {
        if ('ready' in m) {
          w.off('message', onReady)
          resolve()
        }
      }
      w.on('message', onReady)
      w.once('exit', resolve)
      w.once('error', () => resolve())
    })
    return { w, online }
  }

  async function run(job: ValidationJob): Promise<ValidationResult> {
    if (stopped) return { ok: false, message: 'the daemon is stopping' }
    worker ??= spawnWorker()
    const current = worker
    await current.online
    const w = current.w
    const mySeq = ++seq
    return new Promise<ValidationResult>((resolve) => {
      const done = (result: ValidationResult) => {
        clearTimeout(timer)
        w.off('message', onMessage)
        w.off('error', onError)
        w.off('exit', onExit)
        resolve(result)
      }
      const retire = () => {
        if (worker === current) worker = undefined
        void w.terminate()
      }
      const onMessage = (m: WorkerMessage) => {
        if (!('seq' in m) || m.seq !== mySeq) return
        if ('result' in m) done(m.result)
        else {
          clearTimeout(timer)
          timer = setTimeout(overBudget, options.budgetMs)
        }
      }
      const onError = (err: Error) => {
        retire()
        done({ ok: false, message: `input could not be checked: ${err.name}` })
      }
      const onExit = () => {
        if (worker === current) worker = undefined
        done({ ok: false, message: 'input could not be checked' })
      }
      const overBudget = () => {
        retire()
        done({
          ok: false,
          tooComplex: true,
          message: `checking the input against the skill's schema took over ${options.budgetMs} ms`,
        })
      }
      let timer = setTimeout(overBudget, options.budgetMs * COMPILE_BUDGETS)
      w.on('message', onMessage)
      w.on('error', onError)
      w.on('exit', onExit)
      w.postMessage({ ...job, seq: mySeq })
    })
  }

  return {
    /** Whether a worker is up (it ends after idleMs without checks). */
    get hasWorker(): boolean {
      return worker != null
    },
    /** Queued behind earlier checks; always resolves. */
    validate(job: ValidationJob): Promise<ValidationResult> {
      running++
      clearTimeout(idleTimer)
      const result = chain
        .then(() => run(job))
        .finally(() => {
          running--
          idleLater()
        })
      chain = result
      return result
    },
    async stop(): Promise<void> {
      stopped = true
      clearTimeout(idleTimer)
      const current = worker
      worker = undefined
      await current?.w.terminate()
    },
  }
}
