// The HTTP+JSON (REST) binding of A2A 1.0 at http://HOST:PORT/agents/<id>/..., on the same gateway
// methods as the JSON-RPC binding (so every rule, limit and error is the same):
//
//   POST   message:send                          SendMessage
//   POST   message:stream                        SendStreamingMessage (server-sent events)
//   GET    tasks?contextId&status&pageSize&pageToken  ListTasks
//   GET    tasks/{id}                            GetTask
//   POST   tasks/{id}:cancel                     CancelTask
//   GET|POST tasks/{id}:subscribe                SubscribeToTask (server-sent events)
//   POST   tasks/{id}/pushNotificationConfigs    CreateTaskPushNotificationConfig (201)
//   GET    tasks/{id}/pushNotificationConfigs    ListTaskPushNotificationConfigs
//   GET    tasks/{id}/pushNotificationConfigs/{configId}  GetTaskPushNotificationConfig
//   DELETE tasks/{id}/pushNotificationConfigs/{configId}  DeleteTaskPushNotificationConfig (204)
//   GET    extendedAgentCard                     GetExtendedAgentCard
//
// Errors are `{"error": {code, status, message, details: [google.rpc.ErrorInfo]}}` with the HTTP
// status of the A2A error; the ErrorInfo carries the A2A reason (domain a2a-protocol.org) and our
// reason in its metadata. Only 1.0: a REST request that asks for another version is refused.

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AgentCard } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import type { Logger } from '../log/logger.ts'
import type { createGatewayMethods, MethodContext } from './gateway-methods.ts'
import { A2aRpcError, RPC, toRpcError } from './json-rpc-errors.ts'

type Json = Record<string, unknown>
type Methods = ReturnType<typeof createGatewayMethods>

interface Route {
  methods: string[]
  pattern: RegExp
  call: string
  /** HTTP status of a success (200 unless said). */
  status?: number
  params: (groups: string[], body: Json, query: URLSearchParams) => Json
}

const TASK = '([^/:]+)'
const ROUTES: Route[] = [
  { methods: ['POST'], pattern: /^message:send$/, call: 'SendMessage', params: (_, b) => b },
  { methods: ['POST'], pattern: /^message:stream$/, call: 'SendStreamingMessage', params: (_, b) => b },
  {
    methods: ['GET'],
    pattern: /^tasks$/,
    call: 'ListTasks',
    params: (_, __, q) => ({
      contextId: q.get('contextId') ?? undefined,
      status: q.get('status') ?? undefined,
      pageSize: /^\d+$/.test(q.get('pageSize') ?? '') ? Number(q.get('pageSize')) : undefined,
      pageToken: q.get('pageToken') ?? undefined,
    }),
  },
  { methods: ['GET'], pattern: new RegExp(`^tasks/${TASK}$`), call: 'GetTask', params: ([id]) => ({ id }) },
  {
    methods: ['POST'],
    pattern: new RegExp(`^tasks/${TASK}:cancel$`),
    call: 'CancelTask',
    params: ([id]) => ({ id }),
  },
  {
    methods: ['GET', 'POST'],
    pattern: new RegExp(`^tasks/${TASK}:subscribe$`),
    call: 'SubscribeToTask',
    params: ([id]) => ({ id }),
  },
  {
    methods: ['POST'],
    pattern: new RegExp(`^tasks/${TASK}/pushNotificationConfigs$`),
    call: 'CreateTaskPushNotificationConfig',
    status: 201,
    params: ([taskId], b) => ({ ...b, taskId }),
  },
  {
    methods: ['GET'],
    pattern: new RegExp(`^tasks/${TASK}/pushNotificationConfigs$`),
    call: 'ListTaskPushNotificationConfigs',
    params: ([taskId]) => ({ taskId }),
  },
  {
    methods: ['GET'],
    pattern: new RegExp(`^tasks/${TASK}/pushNotificationConfigs/([^/]+)$`),
    call: 'GetTaskPushNotificationConfig',
    params: ([taskId, id]) => ({ taskId, id }),
  },
  {
    methods: ['DELETE'],
    pattern: new RegExp(`^tasks/${TASK}/pushNotificationConfigs/([^/]+)$`),
    call: 'DeleteTaskPushNotificationConfig',
    status: 204,
    params: ([taskId, id]) => ({ taskId, id }),
  },
  { methods: ['GET'], pattern: /^extendedAgentCard$/, call: 'GetExtendedAgentCard', params: () => ({}) },
]

/** A2A error (JSON-RPC code) -> its ErrorInfo reason, HTTP status and google.rpc status name. */
const REST_ERRORS: Record<number, [reason: string, http: number, status: string]> = {
  [RPC.TASK_NOT_FOUND]: ['TASK_NOT_FOUND', 404, 'NOT_FOUND'],
  [RPC.TASK_NOT_CANCELABLE]: ['TASK_NOT_CANCELABLE', 400, 'FAILED_PRECONDITION'],
  [RPC.PUSH_NOT_SUPPORTED]: ['PUSH_NOTIFICATION_NOT_SUPPORTED', 400, 'FAILED_PRECONDITION'],
  [RPC.UNSUPPORTED_OPERATION]: ['UNSUPPORTED_OPERATION', 400, 'FAILED_PRECONDITION'],
  [RPC.CONTENT_TYPE_NOT_SUPPORTED]: ['CONTENT_TYPE_NOT_SUPPORTED', 415, 'INVALID_ARGUMENT'],
  [RPC.INVALID_AGENT_RESPONSE]: ['INVALID_AGENT_RESPONSE', 502, 'INTERNAL'],
  [RPC.EXTENDED_CARD_NOT_CONFIGURED]: ['EXTENDED_AGENT_CARD_NOT_CONFIGURED', 400, 'FAILED_PRECONDITION'],
  [RPC.VERSION_NOT_SUPPORTED]: ['VERSION_NOT_SUPPORTED', 400, 'FAILED_PRECONDITION'],
  [RPC.INVALID_PARAMS]: ['INVALID_PARAMS', 400, 'INVALID_ARGUMENT'],
  [RPC.INVALID_REQUEST]: ['INVALID_REQUEST', 400, 'INVALID_ARGUMENT'],
  [RPC.PARSE_ERROR]: ['PARSE_ERROR', 400, 'INVALID_ARGUMENT'],
  [RPC.METHOD_NOT_FOUND]: ['METHOD_NOT_FOUND', 404, 'NOT_FOUND'],
}

/** The REST error body (and HTTP status) of an A2A error; `http` overrides the status. */
export function restError(err: A2aRpcError, http?: number): { status: number; body: Json } {
  const [reason, status, name] = REST_ERRORS[err.code] ?? ['INTERNAL_ERROR', 500, 'INTERNAL']
  const ours = typeof err.data?.reason === 'string' ? err.data.reason : reason
  return {
    status: http ?? status,
    body: {
      error: {
        code: http ?? status,
        status: name,
        message: err.message,
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason,
            domain: 'a2a-protocol.org',
            metadata: { reason: ours },
          },
        ],
      },
    },
  }
}

export interface RestDeps {
  methods: Methods
  agentCard: (id: string) => Promise<AgentCard | undefined>
  readBody: (req: IncomingMessage) => Promise<Buffer | 'too-large'>
  maxBodyBytes: number
  /** Open SSE responses (ended when the gateway stops). */
  open: Set<ServerResponse>
  log: Logger
}

export function createRestBinding(d: RestDeps) {
  function send(res: ServerResponse, status: number, body?: unknown): void {
    if (res.headersSent) return
    if (status === 204 || body === undefined) {
      res.writeHead(status, { 'a2a-version': '1.0' })
      res.end()
      return
    }
    res.writeHead(status, { 'content-type': 'application/json', 'a2a-version': '1.0' })
    res.end(JSON.stringify(body))
  }
  const fail = (res: ServerResponse, err: unknown, http?: number) => {
    const e = restError(toRpcError(err), http)
    send(res, e.status, e.body)
  }

  async function bodyOf(req: IncomingMessage, res: ServerResponse): Promise<Json | undefined> {
    if (req.method === 'GET' || req.method === 'DELETE') {
      req.resume()
      return {}
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
    if (type !== '' && type !== 'application/json' && type !== 'application/a2a+json') {
      req.resume()
      fail(
        res,
        new A2aRpcError(RPC.CONTENT_TYPE_NOT_SUPPORTED, `content type "${type}" is not JSON`, {
          reason: 'CONTENT_TYPE_NOT_SUPPORTED',
        }),
      )
      return undefined
    }
    const raw = await d.readBody(req)
    if (raw === 'too-large') {
      fail(
        res,
        new A2aRpcError(RPC.INVALID_REQUEST, `request body is larger than ${d.maxBodyBytes} bytes`, {
          reason: 'PAYLOAD_TOO_LARGE',
        }),
        413,
      )
      // The rest is read and dropped so the client sees the 413, but only briefly: then cut.
      req.resume()
      setTimeout(() => req.destroy(), 2000).unref()
      return undefined
    }
    if (raw.length === 0) return {}
    let parsed: unknown
    try {
      parsed = JSON.parse(raw.toString('utf8'))
    } catch {
      fail(res, new A2aRpcError(RPC.PARSE_ERROR, 'invalid JSON', { reason: 'PARSE_ERROR' }))
      return undefined
    }
    if (parsed == null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      fail(
        res,
        new A2aRpcError(RPC.INVALID_REQUEST, 'the body is not a JSON object', { reason: 'INVALID_REQUEST' }),
      )
      return undefined
    }
    return parsed as Json
  }

  /** Serves one REST request to agent `agentId`; `path` is what follows /agents/<id>/. */
  return async function handleRest(
    req: IncomingMessage,
    res: ServerResponse,
    agentId: string,
    path: string,
    query: URLSearchParams,
  ): Promise<void> {
    const matching = ROUTES.map((r) => ({ r, m: r.pattern.exec(path) })).filter((x) => x.m != null)
    const hit = matching.find((x) => x.r.methods.includes(req.method ?? ''))
    if (hit == null) {
      req.resume()
      const known = matching.length > 0
      return fail(
        res,
        new A2aRpcError(RPC.METHOD_NOT_FOUND, `${req.method} ${path} is not an A2A REST operation`, {
          reason: known ? 'METHOD_NOT_ALLOWED' : 'NOT_FOUND',
        }),
        known ? 405 : 404,
      )
    }
    const version = req.headers['a2a-version']
    if (typeof version === 'string' && version !== '' && version !== '1.0' && version !== '1') {
      req.resume()
      return fail(
        res,
        new A2aRpcError(RPC.VERSION_NOT_SUPPORTED, `the REST binding speaks A2A 1.0, not ${version}`, {
          reason: 'VERSION_NOT_SUPPORTED',
        }),
      )
    }
    const body = await bodyOf(req, res)
    if (body === undefined) return
    let groups: string[]
    try {
      groups = (hit.m as RegExpExecArray).slice(1).map((g) => decodeURIComponent(g))
    } catch {
      return fail(
        res,
        new A2aRpcError(RPC.INVALID_PARAMS, 'bad percent-encoding in the path', {
          reason: 'INVALID_ARGUMENT',
        }),
      )
    }
    const card = await d.agentCard(agentId)
    if (card == null)
      return fail(
        res,
        new A2aRpcError(RPC.INVALID_PARAMS, `no agent "${agentId}" was found`, { reason: 'AGENT_NOT_FOUND' }),
        404,
      )
    const abort = new AbortController()
    res.on('close', () => abort.abort())
    const ctx: MethodContext = { card, signal: abort.signal, legacy: false }
    const params = hit.r.params(groups, body, query)
    const unary = d.methods.unary[hit.r.call]
    if (unary != null) {
      try {
        const result = await unary(params, ctx)
        return send(res, hit.r.status ?? 200, hit.r.status === 204 ? undefined : result)
      } catch (err) {
        if (!(err instanceof A2aRpcError))
          d.log.debug({ call: hit.r.call, err: (err as Error).message }, 'a2a call failed')
        return fail(res, err)
      }
    }
    const stream = d.methods.streaming[hit.r.call]
    if (stream == null)
      return fail(res, new A2aRpcError(RPC.INTERNAL, 'no such method', { reason: 'INTERNAL' }))
    const events = stream(params, ctx)[Symbol.asyncIterator]()
    let next: IteratorResult<unknown>
    try {
      next = await events.next()
    } catch (err) {
      return fail(res, err)
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'a2a-version': '1.0',
    })
    d.open.add(res)
    try {
      while (next.done !== true) {
        res.write(`data: ${JSON.stringify(next.value)}\n\n`)
        next = await events.next()
      }
    } catch (err) {
      if (!abort.signal.aborted)
        res.write(`event: error\ndata: ${JSON.stringify(restError(toRpcError(err)).body)}\n\n`)
    } finally {
      d.open.delete(res)
      res.end()
    }
  }
}
