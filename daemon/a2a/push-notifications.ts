// A2A push notifications, delivered by the daemon's webhook machinery (daemon/webhooks/): each config
// is a push target there, so every notification is a persisted delivery, retried on the webhook
// schedule, resumed after a restart (even a kill -9) and signed like a webhook (Standard Webhooks
// headers: `v1a` by the agent's key always; `v1` HMAC keyed with the config's token when it has one).
// The config's token also travels in `X-A2A-Notification-Token` and its credentials as
// `Authorization`, as A2A asks.
//
// Per task one watcher follows the task's events from the daemon (over its own socket, like any
// client) and queues a notification per config for every status change. Each config's cursor (the
// last event sequence it was notified of) is saved in the same batch as the delivery it queued, so a
// watcher resumed after a restart starts exactly after what was already queued.

import { createHash, randomUUID } from 'node:crypto'
import type { Task, TaskEvent } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import { TaskEventKind, TaskState } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import type { Client } from '../../clients/ts/index.ts'
import type { Logger } from '../log/logger.ts'
import type { PushTargets } from '../webhooks/push-targets.ts'
import type { PushTargetRecord } from '../webhooks/records.ts'
import { type A2aPushConfig, TERMINAL_STATES } from './a2a-types.ts'
import { A2aRpcError, invalidParams, RPC } from './json-rpc-errors.ts'
import { toA2aState, toA2aStatus, toA2aTask } from './task-map.ts'
import { taskOut } from './v03-compat.ts'

const OWNER = 'a2a'
const MAX_CONFIGS_PER_TASK = 10
const MAX_URL_LENGTH = 2048
const MAX_TOKEN_LENGTH = 1024
/** Configs of tasks that ended this long ago are deleted (at start): they can push nothing more. */
const ENDED_RETENTION_MS = 7 * 24 * 3600_000
const RESUBSCRIBE_MIN_MS = 1000
const RESUBSCRIBE_MAX_MS = 30_000

/** What the gateway keeps in each push target. */
interface PushState {
  config: A2aPushConfig
  /** 0.3 configs get the Task object, 1.0 configs a StreamResponse. */
  legacy: boolean
  /** Last task event sequence notified (or skipped) for this config. */
  cursor: number
  /** When the task ended (0 = still running). */
  endedAtMs: number
}

const stateOf = (t: PushTargetRecord) => t.state as unknown as PushState
const targetId = (taskId: string, configId: string) =>
  `whp_${createHash('sha256').update(`${taskId}\u0000${configId}`).digest('hex').slice(0, 26)}`

/**
 * The body of one notification: 1.0 configs get a StreamResponse (a `statusUpdate`, or on
 * completion the whole `task` so its output artifact travels with the final state), 0.3 configs the
 * 0.3 Task object.
 */
export function notificationBody(task: Task, legacy: boolean): string {
  if (legacy) return JSON.stringify(taskOut(toA2aTask(task)))
  if (task.state === TaskState.TASK_STATE_COMPLETED) return JSON.stringify({ task: toA2aTask(task) })
  return JSON.stringify({
    statusUpdate: { taskId: task.id, contextId: task.contextId, status: toA2aStatus(task) },
  })
}

export function createPushNotifications(c: { client: Client; logger: Logger; targets: PushTargets }) {
  const watchers = new Map<string, AbortController>()
  const stopping = new AbortController()

  const forTask = (taskId: string) => c.targets.list(OWNER).filter((t) => stateOf(t).config.taskId === taskId)

  /** The config as stored; errors are A2A invalid params (the webhook rules apply to the URL). */
  function validate(raw: Record<string, unknown>, taskId: string): A2aPushConfig {
    const url = raw.url
    if (typeof url !== 'string' || url.length > MAX_URL_LENGTH)
      throw invalidParams('push config url is missing or too long')
    try {
      c.targets.checkUrl(url)
    } catch (err) {
      const e = err as { reason?: string; message: string }
      throw invalidParams(`push config url: ${e.message}`, e.reason ?? 'INVALID_URL')
    }
    const token = typeof raw.token === 'string' && raw.token !== '' ? raw.token : undefined
    if (token != null && token.length > MAX_TOKEN_LENGTH)
      throw invalidParams(`push config token is longer than ${MAX_TOKEN_LENGTH}`)
    const auth = raw.authentication as { scheme?: unknown; credentials?: unknown } | undefined
    return {
      id: typeof raw.id === 'string' && raw.id !== '' ? raw.id.slice(0, 128) : randomUUID(),
      taskId,
      url,
      token,
      authentication:
        auth != null && typeof auth.scheme === 'string' && auth.scheme !== ''
          ? {
              scheme: auth.scheme,
              credentials: typeof auth.credentials === 'string' ? auth.credentials : undefined,
            }
          : undefined,
    }
  }

  function headersOf(config: A2aPushConfig): Record<string, string> {
    const headers: Record<string, string> = {}
    if (config.token != null) headers['x-a2a-notification-token'] = config.token
    const auth = config.authentication
    if (auth?.credentials != null) headers.authorization = `${auth.scheme} ${auth.credentials}`
    return headers
  }

  /** Queues one notification per config of the task that has not seen this event yet. */
  async function onEvent(taskId: string, event: TaskEvent): Promise<boolean> {
    const task = event.task
    // Chunks and progress push nothing (streams carry them); replaying them after a restart is harmless.
    if (event.kind !== TaskEventKind.TASK_EVENT_KIND_STATUS || task == null) return false
    const ended = TERMINAL_STATES.has(toA2aState(task.state))
    const endedAtMs = ended ? Date.now() : 0
    const configs = forTask(taskId)
    const behind = configs.filter((t) => stateOf(t).cursor < event.sequence)
    await c.targets.enqueue(
      behind.map((t) => {
        const s = stateOf(t)
        const state: PushState = { ...s, cursor: event.sequence, endedAtMs }
        return {
          target: { ...t, state: state as unknown as Record<string, unknown> },
          eventType: 'a2a.push',
          body: notificationBody(task, s.legacy),
        }
      }),
    )
    // Configs set after this event have nothing to send, but must not be watched again after a restart.
    if (ended)
      for (const t of configs.filter((t) => !behind.includes(t)))
        await c.targets.saveState(t.id, { ...stateOf(t), endedAtMs } as unknown as Record<string, unknown>)
    return ended
  }

  /** Follows the task's events after the lowest cursor of its configs; resubscribes after errors. */
  function watch(taskId: string): void {
    if (watchers.has(taskId)) return
    const abort = new AbortController()
    watchers.set(taskId, abort)
    const signal = AbortSignal.any([abort.signal, stopping.signal])
    void (async () => {
      let backoff = RESUBSCRIBE_MIN_MS
      while (!signal.aborted) {
        const configs = forTask(taskId)
        if (configs.length === 0) break
        const after = Math.min(...configs.map((t) => stateOf(t).cursor))
        try {
          for await (const { event } of c.client.a2a.subscribeTaskEvents(
            { id: taskId, afterSequence: after },
            { signal },
          )) {
            // The stream replays the current state first: events already notified are skipped.
            if (event == null || event.sequence <= after) continue
            backoff = RESUBSCRIBE_MIN_MS
            if (await onEvent(taskId, event)) return
          }
          return
        } catch (err) {
          if (signal.aborted) return
          const reason = (err as { reason?: string }).reason
          if (reason === 'TASK_NOT_FOUND') {
            c.logger.warn({ task: taskId }, 'a2a push: the task is gone; its configs push nothing more')
            return
          }
          c.logger.debug(
            { task: taskId, err: (err as Error).message, retryInMs: backoff },
            'a2a push watcher',
          )
          await new Promise((r) => setTimeout(r, backoff).unref())
          backoff = Math.min(backoff * 2, RESUBSCRIBE_MAX_MS)
        }
      }
    })()
      .catch((err: unknown) => c.logger.warn({ task: taskId, err }, 'a2a push watcher stopped'))
      .finally(() => {
        if (watchers.get(taskId) === abort) watchers.delete(taskId)
      })
  }

  return {
    /** Checks a config before the task it is for is created (so a bad one creates no task). */
    check(raw: Record<string, unknown>): void {
      validate(raw, '')
    },

    /** Resumes the watchers of configs whose task had not ended; drops configs of long-ended tasks. */
    async start(): Promise<void> {
      const now = Date.now()
      const tasks = new Set<string>()
      for (const t of c.targets.list(OWNER)) {
        const s = stateOf(t)
        if (s.endedAtMs > 0 && now - s.endedAtMs > ENDED_RETENTION_MS) await c.targets.remove(t.id)
        else if (s.endedAtMs === 0) tasks.add(s.config.taskId)
      }
      for (const taskId of tasks) watch(taskId)
      if (tasks.size > 0) c.logger.info({ tasks: tasks.size }, 'a2a push: watching tasks again')
    },

    /**
     * Stores a config (durably: it survives restarts) and watches the task from `afterSequence`.
     * `ended`: the task has ended already, so there is nothing to watch (the config is kept).
     */
    async set(
      taskId: string,
      afterSequence: number,
      raw: Record<string, unknown>,
      legacy: boolean,
      ended = false,
    ): Promise<A2aPushConfig> {
      const config = validate(raw, taskId)
      const id = targetId(taskId, config.id)
      const existing = forTask(taskId)
      if (!existing.some((t) => t.id === id) && existing.length >= MAX_CONFIGS_PER_TASK)
        throw new A2aRpcError(RPC.INVALID_PARAMS, `at most ${MAX_CONFIGS_PER_TASK} push configs per task`, {
          reason: 'TOO_MANY_PUSH_CONFIGS',
        })
      const state: PushState = { config, legacy, cursor: afterSequence, endedAtMs: ended ? Date.now() : 0 }
      try {
        await c.targets.put({
          id,
          owner: OWNER,
          url: config.url,
          // The token doubles as the HMAC key of the `v1` signature (docs/a2a.md).
          secret: config.token != null ? `whsec_${Buffer.from(config.token).toString('base64')}` : '',
          headers: headersOf(config),
          enabled: true,
          disabledReason: '',
          createdAtMs: Date.now(),
          state: state as unknown as Record<string, unknown>,
        })
      } catch (err) {
        const e = err as { reason?: string; message: string }
        throw new A2aRpcError(RPC.INVALID_PARAMS, e.message, { reason: e.reason ?? 'INVALID_ARGUMENT' })
      }
      if (!ended) watch(taskId)
      return config
    },

    get(taskId: string, id: string | undefined): A2aPushConfig {
      const configs = forTask(taskId)
      const target = id != null && id !== '' ? configs.find((t) => stateOf(t).config.id === id) : configs[0]
      if (target == null)
        throw new A2aRpcError(RPC.INVALID_PARAMS, `no push config "${id ?? ''}" for task ${taskId}`, {
          reason: 'PUSH_CONFIG_NOT_FOUND',
        })
      return stateOf(target).config
    },

    list(taskId: string): A2aPushConfig[] {
      return forTask(taskId)
        .sort((a, b) => a.createdAtMs - b.createdAtMs)
        .map((t) => stateOf(t).config)
    },

    /** Deletes a config; notifications of it not yet delivered are dropped. */
    async delete(taskId: string, id: string): Promise<void> {
      await c.targets.remove(targetId(taskId, id))
      if (forTask(taskId).length === 0) watchers.get(taskId)?.abort()
    },

    stop(): void {
      stopping.abort()
    },
  }
}

export type PushNotifications = ReturnType<typeof createPushNotifications>
