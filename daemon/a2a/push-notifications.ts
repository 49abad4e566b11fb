// A2A push notifications: per task, the configs a client set (at most a few), and one watcher of the
// task's events that POSTs every status change to each config's URL with its token in
// `X-A2A-Notification-Token` (and its credentials as `Authorization`), retried with back-off.
// Configs live in memory: they end with the daemon (documented in docs/a2a.md).

import { randomUUID } from 'node:crypto'
import type { Client } from '../../clients/ts/index.ts'
import type { Logger } from '../log/logger.ts'
import { type A2aPushConfig, TERMINAL_STATES } from './a2a-types.ts'
import { A2aRpcError, invalidParams, RPC } from './json-rpc-errors.ts'
import { toA2aTask, toStreamResponses } from './task-map.ts'
import { taskOut } from './v03-compat.ts'

const MAX_CONFIGS_PER_TASK = 10
const MAX_URL_LENGTH = 2048
const RETRY_DELAYS_MS = [500, 2000, 8000]
const SEND_TIMEOUT_MS = 10_000

interface Entry {
  config: A2aPushConfig
  /** 0.3 configs get the Task object, 1.0 configs a StreamResponse. */
  legacy: boolean
}

export function createPushNotifications(c: { client: Client; logger: Logger }) {
  const byTask = new Map<string, Map<string, Entry>>()
  const watchers = new Map<string, AbortController>()
  const stopping = new AbortController()

  function validate(raw: Record<string, unknown>, taskId: string): A2aPushConfig {
    const url = raw.url
    if (typeof url !== 'string' || url.length > MAX_URL_LENGTH)
      throw invalidParams('push config url is missing or too long')
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw invalidParams(`push config url "${url}" is not a URL`)
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw invalidParams('push config url must be http or https')
    const auth = raw.authentication as { scheme?: unknown; credentials?: unknown } | undefined
    return {
      id: typeof raw.id === 'string' && raw.id !== '' ? raw.id.slice(0, 128) : randomUUID(),
      taskId,
      url,
      token: typeof raw.token === 'string' ? raw.token : undefined,
      authentication:
        auth != null && typeof auth.scheme === 'string'
          ? {
              scheme: auth.scheme,
              credentials: typeof auth.credentials === 'string' ? auth.credentials : undefined,
            }
          : undefined,
    }
  }

  async function post(entry: Entry, body: unknown): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (entry.config.token != null) headers['x-a2a-notification-token'] = entry.config.token
    const auth = entry.config.authentication
    if (auth?.credentials != null) headers.authorization = `${auth.scheme} ${auth.credentials}`
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(entry.config.url, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(SEND_TIMEOUT_MS)]),
        })
        await res.body?.cancel()
        if (res.ok || (res.status >= 400 && res.status < 500 && res.status !== 429)) return
      } catch (err) {
        if (stopping.signal.aborted) return
        c.logger.debug({ url: entry.config.url, err: (err as Error).message }, 'a2a push attempt failed')
      }
      const delay = RETRY_DELAYS_MS[attempt]
      if (delay == null) {
        c.logger.warn({ url: entry.config.url, task: entry.config.taskId }, 'a2a push notification dropped')
        return
      }
      await new Promise((r) => setTimeout(r, delay))
    }
  }

  /** Watches the task's events after `afterSequence`; every status change is pushed. */
  function watch(taskId: string, afterSequence: number): void {
    if (watchers.has(taskId)) return
    const abort = new AbortController()
    watchers.set(taskId, abort)
    void (async () => {
      try {
        for await (const { event } of c.client.a2a.subscribeTaskEvents(
          { id: taskId, afterSequence },
          { signal: AbortSignal.any([abort.signal, stopping.signal]) },
        )) {
          const task = event?.task
          // Events up to the one the config was set at (the stream replays the current state).
          if (event == null || task == null || event.sequence <= afterSequence) continue
          const status = toA2aTask(task).status.state
          for (const entry of byTask.get(taskId)?.values() ?? []) {
            const body = entry.legacy
              ? taskOut(toA2aTask(task))
              : (toStreamResponses(event, task.contextId).at(-1) ?? { task: toA2aTask(task) })
            void post(entry, body)
          }
          if (TERMINAL_STATES.has(status)) break
        }
      } catch (err) {
        if (!abort.signal.aborted && !stopping.signal.aborted)
          c.logger.warn({ task: taskId, err: (err as Error).message }, 'a2a push watcher stopped')
      } finally {
        watchers.delete(taskId)
      }
    })()
  }

  return {
    /** `ended`: the task has ended already, so there is nothing to watch (the config is kept). */
    set(
      taskId: string,
      afterSequence: number,
      raw: Record<string, unknown>,
      legacy: boolean,
      ended = false,
    ): A2aPushConfig {
      const config = validate(raw, taskId)
      const configs = byTask.get(taskId) ?? new Map<string, Entry>()
      if (!configs.has(config.id) && configs.size >= MAX_CONFIGS_PER_TASK)
        throw new A2aRpcError(RPC.INVALID_PARAMS, `at most ${MAX_CONFIGS_PER_TASK} push configs per task`, {
          reason: 'TOO_MANY_PUSH_CONFIGS',
        })
      configs.set(config.id, { config, legacy })
      byTask.set(taskId, configs)
      if (!ended) watch(taskId, afterSequence)
      return config
    },
    get(taskId: string, id: string | undefined): A2aPushConfig {
      const configs = byTask.get(taskId)
      const entry = id != null && id !== '' ? configs?.get(id) : configs?.values().next().value
      if (entry == null)
        throw new A2aRpcError(RPC.INVALID_PARAMS, `no push config "${id ?? ''}" for task ${taskId}`, {
          reason: 'PUSH_CONFIG_NOT_FOUND',
        })
      return entry.config
    },
    list(taskId: string): A2aPushConfig[] {
      return [...(byTask.get(taskId)?.values() ?? [])].map((e) => e.config)
    },
    delete(taskId: string, id: string): void {
      const configs = byTask.get(taskId)
      configs?.delete(id)
      if (configs?.size === 0) {
        byTask.delete(taskId)
        watchers.get(taskId)?.abort()
      }
    },
    stop(): void {
      stopping.abort()
    },
  }
}

export type PushNotifications = ReturnType<typeof createPushNotifications>
