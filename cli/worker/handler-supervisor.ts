// The handlers of `moltmesh start`: one command worker (exec-worker.ts) per [[agent.skills]] entry with
// a `handler`, connected to the daemon's own socket like any other worker, with the skill's
// `concurrency` and `timeout`. Handlers run in the config file's directory and their stderr goes to
// the daemon log. A reload reconciles: a skill whose handler, concurrency or timeout changed gets a
// new worker (the old one finishes its running tasks), a skill that lost its handler is no longer
// served, new ones start. stop() kills what still runs.

import { type Client, createClient, isConnectionLoss } from '../../clients/ts/index.ts'
import { runExecWorker } from './exec-worker.ts'

/** The fields of a configured skill the supervisor uses. */
export interface HandlerSkill {
  id: string
  handler?: string
  concurrency?: number
  /** Milliseconds; 0 = none. */
  timeoutMs: number
}

/** The daemon's logger (pino's call shape). */
export interface SupervisorLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

interface Running {
  key: string
  stopTaking: AbortController
  kill: AbortController
  done: Promise<void>
}

const LEASE_MS = 60_000

export function createHandlerSupervisor(init: { socket: string; cwd: string; log: SupervisorLog }) {
  const client: Client = createClient({ socket: init.socket })
  const workers = new Map<string, Running>()
  /** Replaced workers finishing their running tasks. */
  const retired = new Set<Running>()
  let cwd = init.cwd

  function start(skill: HandlerSkill & { handler: string }, key: string): Running {
    const stopTaking = new AbortController()
    const kill = new AbortController()
    const log = init.log
    const done = runExecWorker(client, {
      skills: [skill.id],
      // moltbook.toml declares the skill: a handler still draining after a reload must not keep a
      // removed skill on the card.
      declaredOnly: true,
      command: skill.handler,
      cwd,
      leaseMs: LEASE_MS,
      concurrency: skill.concurrency ?? 1,
      timeoutMs: skill.timeoutMs,
      signal: stopTaking.signal,
      killSignal: kill.signal,
      // The daemon is this process: it comes back only with a restart of the whole thing.
      reconnect: false,
      onStatus: (status) => {
        if (status.kind === 'ready') log.info({ skill: skill.id, handler: skill.handler }, 'handler serving')
      },
      onTaskDone: ({ task, outcome, ms }) =>
        log.info(
          { skill: skill.id, task: task.id, requester: task.requester, outcome, ms },
          'handler task done',
        ),
      onStderr: (task, text) => {
        for (const line of text.split('\n'))
          if (line.trim() !== '') log.warn({ skill: skill.id, task: task.id, stderr: line }, 'handler stderr')
      },
    }).catch((err: Error) => {
      if (stopTaking.signal.aborted) return
      // The daemon ending the subscription is it stopping (a Shutdown RPC): not an error of the handler.
      if (isConnectionLoss(err)) log.info({ skill: skill.id }, 'handler worker stopped with the daemon')
      else log.error({ skill: skill.id, err: err.message }, 'handler worker stopped')
    })
    return { key, stopTaking, kill, done }
  }

  return {
    /** Starts, replaces and stops workers so that exactly the skills with a handler are served. */
    reconcile(skills: HandlerSkill[], nextCwd: string): void {
      cwd = nextCwd
      const wanted = new Map<string, HandlerSkill & { handler: string }>()
      for (const s of skills)
        if (s.handler != null && s.handler.trim() !== '') wanted.set(s.id, { ...s, handler: s.handler })
      for (const [id, running] of workers) {
        const next = wanted.get(id)
        if (next != null && keyOf(next, cwd) === running.key) continue
        running.stopTaking.abort() // running tasks finish
        workers.delete(id)
        retired.add(running)
        void running.done.finally(() => retired.delete(running))
        init.log.info({ skill: id }, next == null ? 'handler removed' : 'handler changed: restarting it')
      }
      for (const [id, skill] of wanted) {
        if (workers.has(id)) continue
        workers.set(id, start(skill, keyOf(skill, cwd)))
      }
    },

    /** Skill ids with a handler worker. */
    serving: (): string[] => [...workers.keys()],

    async stop(): Promise<void> {
      const all = [...workers.values(), ...retired]
      workers.clear()
      retired.clear()
      for (const w of all) {
        w.stopTaking.abort()
        w.kill.abort()
      }
      await Promise.allSettled(all.map((w) => w.done))
      client.close()
    },
  }
}

function keyOf(skill: HandlerSkill & { handler: string }, cwd: string): string {
  return JSON.stringify([skill.handler, skill.concurrency ?? 1, skill.timeoutMs, cwd])
}

export type HandlerSupervisor = ReturnType<typeof createHandlerSupervisor>
