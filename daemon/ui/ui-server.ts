// The web workspace's HTTP server (docs/ui.md): the page and its libraries, and under /api/ the
// gRPC API as JSON and Server-Sent Events (rpc-bridge.ts), behind a login (ui-auth.ts) and an
// origin check (origin-guard.ts). Off unless `ui.listen` is set or OpenUi (`moltmesh ui`) asks.

import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isMoltmeshError, MoltmeshError } from '../errors/moltmesh-error.ts'
import type { Logger } from '../log/logger.ts'
import { grpcStatusOf } from '../rpc/status-map.ts'
import { crossOriginProblem } from './origin-guard.ts'
import type { RpcBridge } from './rpc-bridge.ts'
import { contentSecurityPolicy, staticFile } from './static-files.ts'
import { SESSION_COOKIE, type UiAuth } from './ui-auth.ts'

const MAX_BODY_BYTES = 4 * 1024 * 1024
const SSE_HEARTBEAT_MS = 15_000

export interface UiServerComponents {
  bridge: RpcBridge
  auth: UiAuth
  logger: Logger
  /** Loopback-only mode: Host headers must name the loopback address (see origin-guard.ts). */
  loopbackOnly: (host: string) => boolean
}

export interface UiServer {
  /** Listens on "host:port" (port 0 = any); resolves with the base URL. */
  start(listen: string): Promise<string>
  /** Base URL while running, e.g. "http://127.0.0.1:7421/". */
  readonly url: string | undefined
  stop(): Promise<void>
}

/** HTTP status for a gRPC status code (the reason travels in the body). */
const HTTP_BY_GRPC: Record<number, number> = {
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 412,
  10: 409,
  12: 501,
  14: 503,
  16: 401,
}

function errorBody(err: unknown): { status: number; body: object } {
  if (isMoltmeshError(err)) {
    const code = grpcStatusOf(err.kind)
    return {
      status: HTTP_BY_GRPC[code] ?? 500,
      body: { error: { code, reason: err.reason, message: err.message, metadata: err.metadata } },
    }
  }
  return { status: 500, body: { error: { code: 13, reason: 'INTERNAL', message: 'internal error' } } }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const data = Buffer.from(JSON.stringify(body))
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': data.length,
    'cache-control': 'no-store',
    ...headers,
  })
  res.end(data)
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) {
      throw new MoltmeshError(
        'invalid_argument',
        'REQUEST_TOO_LARGE',
        `request body over ${MAX_BODY_BYTES} bytes`,
      )
    }
    chunks.push(chunk)
  }
  if (size === 0) return {}
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new MoltmeshError('invalid_argument', 'INVALID_JSON', 'the request body is not JSON')
  }
}

export function createUiServer(c: UiServerComponents): UiServer {
  let server: Server | undefined
  let url: string | undefined
  let port = 0
  let loopback = true
  let csp = ''
  const open = new Set<AbortController>()

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const common = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    }
    for (const [k, v] of Object.entries(common)) res.setHeader(k, v)
    if (!path.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return sendJson(res, 405, { error: { reason: 'METHOD' } })
      const file = await staticFile(path)
      if (file == null) return sendJson(res, 404, { error: { reason: 'NOT_FOUND', message: path } })
      res.writeHead(200, {
        'content-type': file.type,
        'content-length': file.body.length,
        'content-security-policy': csp,
        'cache-control': 'no-cache',
      })
      res.end(req.method === 'HEAD' ? undefined : file.body)
      return
    }

    const problem = crossOriginProblem(req.headers, { port, loopbackOnly: loopback })
    if (problem != null) {
      c.logger.warn({ path, problem }, 'refused cross-origin workspace request')
      return sendJson(res, 403, { error: { reason: 'CROSS_ORIGIN', message: problem } })
    }
    if (path === '/api/login' && req.method === 'POST') {
      const body = (await readJson(req)) as { token?: unknown }
      const session = typeof body.token === 'string' ? c.auth.login(body.token) : undefined
      if (session == null) {
        return sendJson(res, 401, {
          error: { reason: 'UNAUTHENTICATED', message: 'unknown or used login token' },
        })
      }
      return sendJson(
        res,
        200,
        { ok: true },
        {
          'set-cookie': `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/api/`,
        },
      )
    }
    if (!c.auth.authorized(req.headers)) {
      return sendJson(res, 401, {
        error: { reason: 'UNAUTHENTICATED', message: 'log in with the URL that `moltmesh ui` prints' },
      })
    }
    if (path === '/api/logout' && req.method === 'POST') {
      return sendJson(res, 200, { ok: true }, { 'set-cookie': `${SESSION_COOKIE}=; Max-Age=0; Path=/api/` })
    }
    if (path === '/api/health') return unary(res, 'Diag/Health', {})
    const rpc = /^\/api\/rpc\/(\w+\/\w+)$/.exec(path)?.[1]
    if (rpc != null && req.method === 'POST') return unary(res, rpc, await readJson(req))
    const sse = /^\/api\/sse\/(\w+\/\w+)$/.exec(path)?.[1]
    if (sse != null && req.method === 'GET') return eventStream(req, res, sse)
    const blob = /^\/api\/blob\/([\w-]+)$/.exec(path)?.[1]
    if (blob != null && req.method === 'GET') return download(req, res, blob)
    return sendJson(res, 404, { error: { reason: 'NOT_FOUND', message: `no API at ${req.method} ${path}` } })
  }

  function method(key: string, stream: boolean) {
    const m = c.bridge.method(key)
    if (m == null || m.stream !== stream) {
      throw new MoltmeshError('not_found', 'NO_SUCH_METHOD', `${key} is not available to the workspace`)
    }
    return m
  }

  async function unary(res: ServerResponse, key: string, request: unknown): Promise<void> {
    const m = method(key, false)
    const controller = new AbortController()
    res.on('close', () => controller.abort())
    const response = await (m.call(request, controller.signal) as Promise<unknown>)
    sendJson(res, 200, m.toJSON(response))
  }

  function requestOf(req: IncomingMessage): unknown {
    const raw = new URL(req.url ?? '/', 'http://x').searchParams.get('request')
    if (raw == null || raw === '') return {}
    try {
      return JSON.parse(raw)
    } catch {
      throw new MoltmeshError('invalid_argument', 'INVALID_JSON', 'the "request" parameter is not JSON')
    }
  }

  /** A server-streaming RPC as Server-Sent Events: one `data:` per response; `end` or `rpc-error` last. */
  async function eventStream(req: IncomingMessage, res: ServerResponse, key: string): Promise<void> {
    const m = method(key, true)
    const request = requestOf(req)
    const controller = new AbortController()
    open.add(controller)
    res.on('close', () => controller.abort())
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    })
    res.write(': open\n\n')
    const heartbeat = setInterval(() => res.write(': ping\n\n'), SSE_HEARTBEAT_MS)
    try {
      for await (const item of m.call(request, controller.signal) as AsyncIterable<unknown>) {
        if (controller.signal.aborted) break
        if (!res.write(`data: ${JSON.stringify(m.toJSON(item))}\n\n`)) {
          await once(res, 'drain', { signal: controller.signal }).catch(() => undefined)
        }
      }
      if (!controller.signal.aborted) res.write('event: end\ndata: {}\n\n')
    } catch (err) {
      if (!controller.signal.aborted)
        res.write(`event: rpc-error\ndata: ${JSON.stringify(errorBody(err).body)}\n\n`)
    } finally {
      clearInterval(heartbeat)
      open.delete(controller)
      res.end()
    }
  }

  /** An artifact's bytes, streamed from GetBlob (fetched from the peer that has it if needed). */
  async function download(req: IncomingMessage, res: ServerResponse, cid: string): Promise<void> {
    const m = method('A2ANode/GetBlob', true)
    const controller = new AbortController()
    res.on('close', () => controller.abort())
    const name = new URL(req.url ?? '/', 'http://x').searchParams.get('name') ?? cid
    let started = false
    try {
      for await (const item of m.call({ cid }, controller.signal) as AsyncIterable<{
        chunk: Uint8Array
        artifact?: { mediaType?: string }
      }>) {
        if (!started) {
          started = true
          res.writeHead(200, {
            'content-type': item.artifact?.mediaType || 'application/octet-stream',
            'content-disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"`,
            'cache-control': 'no-store',
            'content-security-policy': "default-src 'none'; sandbox",
          })
        }
        if (!res.write(item.chunk))
          await once(res, 'drain', { signal: controller.signal }).catch(() => undefined)
      }
      if (!started) res.writeHead(200, { 'content-type': 'application/octet-stream' })
      res.end()
    } catch (err) {
      if (started) res.destroy()
      else throw err
    }
  }

  return {
    get url() {
      return url
    },
    async start(listen) {
      if (server != null) return url as string
      csp = await contentSecurityPolicy()
      const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen)
      if (m == null)
        throw new MoltmeshError('invalid_argument', 'INVALID_LISTEN', `not "host:port": ${listen}`)
      const host = (m[1] ?? m[2]) as string
      loopback = c.loopbackOnly(listen)
      const s = createServer((req, res) => {
        handle(req, res).catch((err: unknown) => {
          if (!isMoltmeshError(err)) c.logger.error({ err, url: req.url }, 'workspace request failed')
          if (res.headersSent) res.destroy()
          else {
            const { status, body } = errorBody(err)
            sendJson(res, status, body)
          }
        })
      })
      s.listen(Number(m[3]), host)
      try {
        await Promise.race([once(s, 'listening'), once(s, 'error').then(([e]) => Promise.reject(e))])
      } catch (err) {
        throw new MoltmeshError(
          'failed_precondition',
          'UI_LISTEN_FAILED',
          `cannot serve the web workspace on ${listen}: ${(err as Error).message}`,
          { cause: err },
        )
      }
      server = s
      port = (s.address() as AddressInfo).port
      const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host
      url = `http://${shown}:${port}/`
      c.logger.info({ url }, 'web workspace listening')
      return url
    },
    async stop() {
      for (const controller of open) controller.abort()
      const s = server
      server = undefined
      url = undefined
      if (s == null) return
      s.closeAllConnections()
      await new Promise<void>((resolve) => s.close(() => resolve()))
    },
  }
}
