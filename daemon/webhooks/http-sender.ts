// One HTTP POST per attempt through a keep-alive connection pool (undici). Only 2xx counts as
// delivered; redirects are not followed (a 3xx is a failure); 410 Gone tells the caller to disable the
// endpoint; Retry-After is reported; every attempt has a hard timeout.

import type { Agent } from 'undici'
import { retryAfterMs } from './retry-schedule.ts'

export interface AttemptResult {
  ok: boolean
  statusCode: number
  error: string
  /** The receiver asked to wait this long (Retry-After). */
  retryAfterMs?: number
  /** 410 Gone: the endpoint is gone for good. */
  gone: boolean
  latencyMs: number
}

export interface HttpSenderOptions {
  timeoutMs: number
  connectionsPerOrigin: number
  userAgent: string
}

export function createHttpSender(options: HttpSenderOptions) {
  // undici (~110 modules, ~1.2 MB of source) is loaded with the first delivery: most daemons have
  // no webhook, and start-up should not pay for it.
  let undici: Promise<{ agent: Agent; request: typeof import('undici').request }> | undefined
  const load = () =>
    (undici ??= import('undici').then(({ Agent, request }) => ({
      agent: new Agent({
        connections: options.connectionsPerOrigin,
        keepAliveTimeout: 30_000,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      }),
      request,
    })))

  async function post(url: string, headers: Record<string, string>, body: string): Promise<AttemptResult> {
    const { agent, request } = await load()
    const started = performance.now()
    const done = (r: Omit<AttemptResult, 'latencyMs'>): AttemptResult => ({
      ...r,
      latencyMs: performance.now() - started,
    })
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'user-agent': options.userAgent },
        body,
        dispatcher: agent,
        signal: AbortSignal.timeout(options.timeoutMs),
      })
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined)
      const code = res.statusCode
      if (code >= 200 && code < 300) return done({ ok: true, statusCode: code, error: '', gone: false })
      const error = code >= 300 && code < 400 ? `HTTP ${code} (redirects are not followed)` : `HTTP ${code}`
      return done({
        ok: false,
        statusCode: code,
        error,
        retryAfterMs: retryAfterMs(res.headers['retry-after']),
        gone: code === 410,
      })
    } catch (err) {
      const e = err as Error & { code?: string }
      const error =
        e.name === 'TimeoutError' ? `timed out after ${options.timeoutMs} ms` : (e.code ?? e.message)
      return done({ ok: false, statusCode: 0, error, gone: false })
    }
  }

  return { post, close: async () => (undici == null ? undefined : (await undici).agent.close()) }
}

export type HttpSender = ReturnType<typeof createHttpSender>
