// The A2A gateway: every mesh agent is an A2A agent at http://HOST:PORT/agents/<did-or-name>
// (`self` = the local agent). GET .../.well-known/agent-card.json serves its card, POST ... takes
// JSON-RPC 2.0 with the A2A 1.0 method names and the 0.3 ones (translated by v03-compat.ts), and
// POST/GET/DELETE .../<operation> the HTTP+JSON binding of 1.0 (rest-binding.ts), both on the same
// methods. Streaming methods answer with server-sent events. With a2a.tokens set, every request but the
// local agent's card needs `Authorization: Bearer <token>` (compared in constant time).

import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { AgentCard } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import type { Client } from '../../clients/ts/index.ts'
import type { A2aOptions } from '../config/options.ts'
import type { Logger } from '../log/logger.ts'
import type { PushTargets } from '../webhooks/push-targets.ts'
import { toA2aCard } from './card-map.ts'
import { createGatewayMethods, type MethodContext } from './gateway-methods.ts'
import { A2aRpcError, RPC, toRpcError } from './json-rpc-errors.ts'
import { createPushNotifications } from './push-notifications.ts'
import { createRestBinding } from './rest-binding.ts'
import { paramsIn, resultOut, streamEventOut, V03_METHODS } from './v03-compat.ts'

const CARD_PATHS = new Set(['.well-known/agent-card.json', '.well-known/agent.json'])
const SUPPORTED_VERSIONS = new Set(['1.0', '1', '0.3', '0.3.0'])
const CARD_LOOKUP_TIMEOUT_MS = 5000
/** Cards of other agents are kept briefly (a lookup may search the DHT); our own is always read. */
const CARD_CACHE_MS = 5000
/** How long the rest of a refused (too large) body is drained before the connection is cut. */
const DRAIN_MS = 2000

type Json = Record<string, unknown>
type RpcId = string | number | null

export interface A2aGateway {
  /** "host:port" actually bound. */
  readonly address: string
  stop(): Promise<void>
}

const digest = (s: string) => createHash('sha256').update(s).digest()

export async function startA2aGateway(
  c: {
    client: Client
    logger: Logger
    selfDid: string
    /** The webhook machinery's push targets: push notifications are delivered there. */
    pushTargets: PushTargets
  },
  options: A2aOptions,
): Promise<A2aGateway> {
  const log = c.logger
  const tokens = options.tokens
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map(digest)
  const push = createPushNotifications({ client: c.client, logger: log, targets: c.pushTargets })
  const methods = createGatewayMethods({ client: c.client, push })
  const cards = new Map<string, { card: AgentCard; at: number }>()
  const open = new Set<ServerResponse>()

  function authorized(req: IncomingMessage): boolean {
    if (tokens.length === 0) return true
    const header = req.headers.authorization ?? ''
    const given = digest(header.startsWith('Bearer ') ? header.slice(7).trim() : '')
    // Every token is compared, each in constant time (equal-length digests), so timing tells nothing.
    let ok = false
    for (const t of tokens) ok = timingSafeEqual(t, given) || ok
    return ok
  }

  async function agentCard(id: string): Promise<AgentCard | undefined> {
    const key = id === 'self' ? '' : id
    const hit = key === '' ? undefined : cards.get(key)
    if (hit != null && Date.now() - hit.at < CARD_CACHE_MS) return hit.card
    try {
      const card = (await c.client.a2a.getAgentCard({ did: key, timeoutMs: CARD_LOOKUP_TIMEOUT_MS })).card
      if (card == null) return undefined
      cards.set(key, { card, at: Date.now() })
      if (cards.size > 1000) cards.delete(cards.keys().next().value as string)
      return card
    } catch (err) {
      log.debug({ agent: id, err: (err as Error).message }, 'a2a gateway: agent card not found')
      return undefined
    }
  }

  function sendJson(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (res.headersSent) return
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }

  const rpcError = (id: RpcId, err: A2aRpcError) => ({
    jsonrpc: '2.0',
    id,
    error: { code: err.code, message: err.message, ...(err.data != null ? { data: err.data } : {}) },
  })

  async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > options.maxBodyBytes) return 'too-large'
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req) {
      size += (chunk as Buffer).length
      if (size > options.maxBodyBytes) return 'too-large'
      chunks.push(chunk as Buffer)
    }
    return Buffer.concat(chunks)
  }

  const handleRest = createRestBinding({
    methods,
    agentCard,
    readBody,
    maxBodyBytes: options.maxBodyBytes,
    open,
    log,
  })

  async function handleRpc(req: IncomingMessage, res: ServerResponse, agentId: string) {
    const body = await readBody(req)
    if (body === 'too-large') {
      sendJson(
        res,
        413,
        rpcError(
          null,
          new A2aRpcError(RPC.INVALID_REQUEST, `request body is larger than ${options.maxBodyBytes} bytes`, {
            reason: 'PAYLOAD_TOO_LARGE',
          }),
        ),
      )
      // The rest is read and dropped so the client sees the 413, but only briefly: then cut.
      req.resume()
      setTimeout(() => req.destroy(), DRAIN_MS).unref()
      return
    }
    let request: Json
    try {
      request = JSON.parse(body.toString('utf8')) as Json
    } catch {
      return sendJson(
        res,
        200,
        rpcError(null, new A2aRpcError(RPC.PARSE_ERROR, 'invalid JSON', { reason: 'PARSE_ERROR' })),
      )
    }
    const rawId = request?.id
    const id: RpcId = typeof rawId === 'string' || typeof rawId === 'number' ? rawId : null
    if (
      request == null ||
      typeof request !== 'object' ||
      Array.isArray(request) ||
      request.jsonrpc !== '2.0' ||
      typeof request.method !== 'string' ||
      (rawId !== undefined && id == null) ||
      (request.params !== undefined &&
        (request.params == null || typeof request.params !== 'object' || Array.isArray(request.params)))
    )
      return sendJson(
        res,
        200,
        rpcError(
          id,
          new A2aRpcError(RPC.INVALID_REQUEST, 'not a JSON-RPC 2.0 request object', {
            reason: 'INVALID_REQUEST',
          }),
        ),
      )
    const version = req.headers['a2a-version'] ?? req.headers['x-a2a-protocol-version']
    if (typeof version === 'string' && version !== '' && !SUPPORTED_VERSIONS.has(version))
      return sendJson(
        res,
        200,
        rpcError(
          id,
          new A2aRpcError(
            RPC.VERSION_NOT_SUPPORTED,
            `A2A version ${version} is not supported (1.0 and 0.3 are)`,
            {
              reason: 'VERSION_NOT_SUPPORTED',
            },
          ),
        ),
      )
    const called = request.method
    const legacy = called in V03_METHODS
    const method = legacy ? (V03_METHODS[called] as string) : called
    const unary = methods.unary[method]
    const stream = methods.streaming[method]
    if (unary == null && stream == null)
      return sendJson(
        res,
        200,
        rpcError(
          id,
          new A2aRpcError(RPC.METHOD_NOT_FOUND, `method "${called}" not found`, {
            reason: 'METHOD_NOT_FOUND',
          }),
        ),
      )
    const card = await agentCard(agentId)
    if (card == null)
      return sendJson(
        res,
        404,
        rpcError(
          id,
          new A2aRpcError(RPC.INVALID_PARAMS, `no agent "${agentId}" was found`, {
            reason: 'AGENT_NOT_FOUND',
          }),
        ),
      )
    const rawParams = (request.params ?? {}) as Json
    const params = legacy ? paramsIn(called, rawParams) : rawParams
    const abort = new AbortController()
    res.on('close', () => abort.abort())
    const ctx: MethodContext = { card, signal: abort.signal, legacy }
    const headers = { 'a2a-version': legacy ? '0.3' : '1.0' }
    if (unary != null) {
      try {
        const result = await unary(params, ctx)
        sendJson(
          res,
          200,
          { jsonrpc: '2.0', id, result: legacy ? resultOut(called, result) : result },
          headers,
        )
      } catch (err) {
        if (!(err instanceof A2aRpcError))
          log.debug({ method: called, err: (err as Error).message }, 'a2a call failed')
        sendJson(res, 200, rpcError(id, toRpcError(err)), headers)
      }
      return
    }
    // Streaming: errors before the first event are a plain JSON-RPC error, later ones an SSE event.
    const events = (stream as NonNullable<typeof stream>)(params, ctx)[Symbol.asyncIterator]()
    let first: IteratorResult<unknown>
    try {
      first = await events.next()
    } catch (err) {
      return sendJson(res, 200, rpcError(id, toRpcError(err)), headers)
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers })
    open.add(res)
    const write = (result: unknown) =>
      res.write(`data: ${JSON.stringify({ jsonrpc: '2.0', id, result })}\n\n`)
    try {
      let next = first
      while (next.done !== true) {
        write(legacy ? streamEventOut(next.value as never) : next.value)
        next = await events.next()
      }
    } catch (err) {
      if (!abort.signal.aborted) res.write(`data: ${JSON.stringify(rpcError(id, toRpcError(err)))}\n\n`)
    } finally {
      open.delete(res)
      res.end()
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host ?? 'localhost'
    const url = new URL(req.url ?? '/', `http://${host}`)
    const match = /^\/agents\/([^/]+)\/?(.*)$/.exec(url.pathname)
    if (match == null)
      return sendJson(res, 404, {
        error: 'not found: agents are at /agents/<did-or-name>',
        reason: 'NOT_FOUND',
      })
    const agentId = decodeURIComponent(match[1] as string)
    const rest = match[2] as string
    // DIDs keep their colons: they are valid in a path segment and what users type.
    const baseUrl = `http://${host}/agents/${encodeURIComponent(agentId).replace(/%3A/gi, ':')}`
    // The local agent's card is public; with tokens set, other cards need one too (looking one up
    // may search the DHT, which anonymous callers must not be able to make the daemon do).
    if (req.method === 'GET' && CARD_PATHS.has(rest) && (agentId === 'self' || authorized(req))) {
      const card = await agentCard(agentId)
      if (card == null)
        return sendJson(res, 404, { error: `no agent "${agentId}" was found`, reason: 'AGENT_NOT_FOUND' })
      return sendJson(res, 200, toA2aCard(card, baseUrl, tokens.length > 0))
    }
    if (!authorized(req)) {
      req.resume()
      return sendJson(
        res,
        401,
        rpcError(
          null,
          new A2aRpcError(RPC.INVALID_REQUEST, 'missing or wrong bearer token', {
            reason: 'UNAUTHENTICATED',
          }),
        ),
        { 'www-authenticate': 'Bearer' },
      )
    }
    if (req.method === 'POST' && rest === '') return handleRpc(req, res, agentId)
    if (rest !== '' && !CARD_PATHS.has(rest)) return handleRest(req, res, agentId, rest, url.searchParams)
    req.resume()
    sendJson(res, rest === '' ? 405 : 404, {
      error: `${req.method} ${url.pathname} is not served`,
      reason: 'NOT_FOUND',
    })
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.warn({ err: (err as Error).message, url: req.url }, 'a2a gateway request failed')
      sendJson(
        res,
        500,
        rpcError(null, new A2aRpcError(RPC.INTERNAL, 'internal error', { reason: 'INTERNAL' })),
      )
    })
  })
  server.headersTimeout = 30_000
  server.requestTimeout = 0 // streams and blocking SendMessage may last as long as their task
  const sep = options.listen.lastIndexOf(':')
  const bindHost = options.listen.slice(0, sep).replace(/^\[|\]$/g, '')
  const port = Number(options.listen.slice(sep + 1))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, bindHost, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const bound = server.address() as AddressInfo
  const address = `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`
  log.info({ address, auth: tokens.length > 0 ? 'bearer' : 'none' }, 'a2a gateway listening')
  await push.start()
  return {
    address,
    async stop() {
      push.stop()
      for (const res of open) res.end()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
