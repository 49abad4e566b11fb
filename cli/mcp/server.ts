// The MCP server loop, independent of stdio: lines in, JSON-RPC messages out through `send`.
// Methods: initialize (version negotiation), ping, tools/list, tools/call, and the notifications
// initialized and cancelled. Requests run concurrently; a cancelled request gets no response.

import { createRequire } from 'node:module'
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js'
import type { Line } from './framing.ts'
import {
  classify,
  errorResponse,
  INTERNAL_ERROR,
  INVALID_PARAMS,
  INVALID_REQUEST,
  METHOD_NOT_FOUND,
  PARSE_ERROR,
  type RequestId,
  type Response,
  RpcError,
  resultResponse,
  SERVER_BUSY,
} from './jsonrpc.ts'
import { type Tool, ToolArgumentError, type ToolContext } from './tool-types.ts'

/** Newest first. The answer to initialize is the client's version when listed, else the first. */
export const SUPPORTED_PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'] as const
export const LATEST_PROTOCOL_VERSION = SUPPORTED_PROTOCOL_VERSIONS[0]

// ajv is loaded when a server is made (`moltmesh mcp`), not by every CLI command that builds the
// command tree (`moltmesh start` among them).
const requireLazy = createRequire(import.meta.url)

export const DEFAULT_MAX_OUTPUT_CHARS = 100_000
export const DEFAULT_MAX_IN_FLIGHT = 64

export interface ServerOptions {
  tools: Tool[]
  /** Writes one message (or a batch of responses) to the client. */
  send(message: unknown): void
  /** Diagnostics (stderr for stdio). */
  log?(line: string): void
  serverInfo: { name: string; title?: string; version: string }
  instructions?: string
  /** Tool text output longer than this is cut, with a note saying so. */
  maxOutputChars?: number
  /** Concurrent requests beyond this are refused with SERVER_BUSY. */
  maxInFlight?: number
}

interface CallResult {
  content: Array<{ type: 'text'; text: string }>
  structuredContent?: Record<string, unknown>
  isError: boolean
}

const CANCELLED = Symbol('cancelled')

export class McpServer {
  /** The negotiated protocol version (undefined until initialize). */
  protocolVersion: string | undefined
  initialized = false

  private readonly options: ServerOptions
  private readonly tools = new Map<string, Tool>()
  private readonly validators = new Map<string, ValidateFunction>()
  private readonly inFlight = new Map<string, AbortController>()
  private readonly pending = new Set<Promise<unknown>>()
  private closed = false

  constructor(options: ServerOptions) {
    this.options = options
    const { Ajv2020 } = requireLazy('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')
    const ajv = new Ajv2020({ allErrors: true, strict: true, useDefaults: true })
    for (const tool of options.tools) {
      this.tools.set(tool.name, tool)
      this.validators.set(tool.name, ajv.compile(tool.inputSchema))
    }
  }

  /** Handles one framed line; resolves once its response (if any) has been sent. */
  handleLine(line: Line): Promise<void> {
    if (line.kind === 'oversized') {
      this.options.send(
        errorResponse(
          line.id,
          INVALID_REQUEST,
          `Invalid Request: message of ${line.bytes} bytes is over the limit; it was dropped`,
        ),
      )
      return Promise.resolve()
    }
    if (line.text.trim() === '') return Promise.resolve()
    let parsed: unknown
    try {
      parsed = JSON.parse(line.text)
    } catch (err) {
      this.options.send(errorResponse(null, PARSE_ERROR, `Parse error: ${(err as Error).message}`))
      return Promise.resolve()
    }
    return this.track(this.handleParsed(parsed))
  }

  /** Waits for every request in progress to be answered (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }

  /** Aborts every request in progress; their responses are not sent. */
  close(): void {
    this.closed = true
    for (const abort of this.inFlight.values()) abort.abort(new Error('server shutting down'))
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p)
    void p.finally(() => this.pending.delete(p)).catch(() => undefined)
    return p
  }

  private async handleParsed(parsed: unknown): Promise<void> {
    if (!Array.isArray(parsed)) {
      const res = await this.handleMessage(parsed)
      if (res != null) this.send(res)
      return
    }
    // JSON-RPC batches exist in MCP 2025-03-26 only (added there, removed in 2025-06-18).
    if (parsed.length === 0)
      return this.send(errorResponse(null, INVALID_REQUEST, 'Invalid Request: empty batch'))
    if (this.protocolVersion !== '2025-03-26')
      return this.send(
        errorResponse(
          null,
          INVALID_REQUEST,
          `Invalid Request: JSON-RPC batches are not supported in protocol version ${this.protocolVersion ?? '(not initialized)'}`,
        ),
      )
    const responses = (await Promise.all(parsed.map((m) => this.handleMessage(m, true)))).filter(
      (r): r is Response => r != null,
    )
    if (responses.length > 0) this.send(responses)
  }

  private send(message: unknown): void {
    if (!this.closed) this.options.send(message)
  }

  private async handleMessage(msg: unknown, inBatch = false): Promise<Response | undefined> {
    const m = classify(msg)
    switch (m.kind) {
      case 'invalid':
        return errorResponse(m.id, INVALID_REQUEST, m.message)
      case 'response':
        return undefined // this server sends no requests, so there is nothing to match
      case 'notification':
        this.notification(m.method, m.params)
        return undefined
      case 'request':
        break
    }
    const { id, method, params } = m
    if (inBatch && method === 'initialize')
      return errorResponse(id, INVALID_REQUEST, 'Invalid Request: initialize must not be part of a batch')
    const key = keyOf(id)
    if (this.inFlight.size >= (this.options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT))
      return errorResponse(id, SERVER_BUSY, 'Server busy: too many requests in progress')
    const abort = new AbortController()
    this.inFlight.set(key, abort)
    try {
      const result = await this.dispatch(method, params, abort.signal)
      if (abort.signal.aborted) return undefined
      return resultResponse(id, result)
    } catch (err) {
      if (err === CANCELLED || abort.signal.aborted) return undefined
      if (err instanceof RpcError) return errorResponse(id, err.code, err.message, err.data)
      this.log(`internal error in ${method}: ${(err as Error)?.stack ?? String(err)}`)
      return errorResponse(id, INTERNAL_ERROR, `Internal error: ${(err as Error)?.message ?? String(err)}`)
    } finally {
      if (this.inFlight.get(key) === abort) this.inFlight.delete(key)
    }
  }

  private notification(method: string, params: unknown): void {
    if (method === 'notifications/initialized') {
      this.initialized = true
    } else if (method === 'notifications/cancelled') {
      const requestId = (params as { requestId?: unknown } | undefined)?.requestId
      if (typeof requestId === 'string' || typeof requestId === 'number') {
        this.inFlight.get(keyOf(requestId))?.abort(new Error('cancelled by the client'))
      }
    }
    // Other notifications (progress, roots/list_changed, ...) need nothing from this server.
  }

  private async dispatch(method: string, params: unknown, signal: AbortSignal): Promise<unknown> {
    switch (method) {
      case 'initialize':
        return this.initialize(params)
      case 'ping':
        return {}
      case 'tools/list':
        return { tools: this.options.tools.map(({ run: _run, ...definition }) => definition) }
      case 'tools/call':
        return this.callTool(params, signal)
      default:
        throw new RpcError(METHOD_NOT_FOUND, `Method not found: ${method}`)
    }
  }

  private initialize(params: unknown): unknown {
    const requested = (params as { protocolVersion?: unknown } | undefined)?.protocolVersion
    if (typeof requested !== 'string')
      throw new RpcError(INVALID_PARAMS, 'initialize needs params.protocolVersion (a string)')
    this.protocolVersion = (SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(requested)
      ? requested
      : LATEST_PROTOCOL_VERSION
    return {
      protocolVersion: this.protocolVersion,
      capabilities: { tools: { listChanged: false } },
      serverInfo: this.options.serverInfo,
      ...(this.options.instructions != null ? { instructions: this.options.instructions } : {}),
    }
  }

  private async callTool(params: unknown, signal: AbortSignal): Promise<CallResult> {
    const p = params as
      | { name?: unknown; arguments?: unknown; _meta?: { progressToken?: unknown } }
      | undefined
    if (p == null || typeof p !== 'object' || typeof p.name !== 'string')
      throw new RpcError(INVALID_PARAMS, 'tools/call needs params.name (a string)')
    const tool = this.tools.get(p.name)
    if (tool == null) throw new RpcError(INVALID_PARAMS, `Unknown tool: ${p.name}`)
    const raw = p.arguments ?? {}
    if (raw == null || typeof raw !== 'object' || Array.isArray(raw))
      return this.invalidArguments(tool.name, 'arguments must be an object')
    const args = structuredClone(raw) as Record<string, unknown>
    const validate = this.validators.get(tool.name) as ValidateFunction
    if (!validate(args)) return this.invalidArguments(tool.name, describeErrors(validate.errors ?? []))

    const token = p._meta?.progressToken
    // Progress must not follow the response: the reporter goes quiet once the call has returned.
    const finished = new AbortController()
    const ctx: ToolContext = {
      signal,
      progress: this.progressReporter(token, AbortSignal.any([signal, finished.signal])),
      reportsProgress: typeof token === 'string' || typeof token === 'number',
    }
    try {
      const out = await tool.run(args, ctx)
      if (signal.aborted) throw CANCELLED
      return this.toolResult(out)
    } catch (err) {
      if (err === CANCELLED || signal.aborted) throw CANCELLED
      if (err instanceof ToolArgumentError) return this.invalidArguments(tool.name, err.message)
      return this.toolError(tool.name, err)
    } finally {
      finished.abort()
    }
  }

  /**
   * Bad arguments: a JSON-RPC error up to protocol 2025-06-18; from 2025-11-25 on (SEP-1303) a tool
   * error instead, so the model sees what was wrong and can correct its call.
   */
  private invalidArguments(name: string, detail: string): CallResult {
    const message = `Invalid arguments for tool ${name}: ${detail}`
    if ((this.protocolVersion ?? '') >= '2025-11-25')
      return { content: [{ type: 'text', text: message }], isError: true }
    throw new RpcError(INVALID_PARAMS, message)
  }

  private toolResult(out: Record<string, unknown>): CallResult {
    const text = JSON.stringify(out)
    const max = this.options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS
    if (text.length > max) {
      // Cut output is no longer valid JSON, so it goes as text only.
      const note = `\n[output truncated: showing ${max} of ${text.length} characters; ask for less, e.g. a smaller limit]`
      return { content: [{ type: 'text', text: text.slice(0, max) + note }], isError: false }
    }
    const structured = (this.protocolVersion ?? LATEST_PROTOCOL_VERSION) >= '2025-06-18'
    return {
      content: [{ type: 'text', text }],
      ...(structured ? { structuredContent: out } : {}),
      isError: false,
    }
  }

  private toolError(name: string, err: unknown): CallResult {
    const e = err as { message?: unknown; reason?: unknown } | undefined
    const message = typeof e?.message === 'string' ? e.message : String(err)
    const reason = typeof e?.reason === 'string' ? e.reason : undefined
    if (reason == null) this.log(`tool ${name} failed: ${(err as Error)?.stack ?? message}`)
    const max = this.options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS
    const text = reason != null ? `error: ${message} [${reason}]` : `error: ${message}`
    return { content: [{ type: 'text', text: text.slice(0, max) }], isError: true }
  }

  private progressReporter(token: unknown, signal: AbortSignal): (message: string) => void {
    if (typeof token !== 'string' && typeof token !== 'number') return () => {}
    let progress = 0
    return (message) => {
      if (signal.aborted) return
      progress += 1
      this.send({
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken: token, progress, message },
      })
    }
  }

  private log(line: string): void {
    this.options.log?.(line)
  }
}

function keyOf(id: RequestId): string {
  return `${typeof id}:${id}`
}

/** Ajv errors as one sentence a model can act on, e.g. `arguments.limit must be <= 200`. */
export function describeErrors(errors: ErrorObject[]): string {
  const seen = new Set<string>()
  for (const e of errors) {
    const path = `arguments${e.instancePath.replace(/\//g, '.')}`
    const params = e.params as Record<string, unknown>
    let text: string
    if (e.keyword === 'required') text = `${path} is missing required property "${params.missingProperty}"`
    else if (e.keyword === 'additionalProperties')
      text = `${path} has unknown property "${params.additionalProperty}"`
    else if (e.keyword === 'enum')
      text = `${path} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
    else text = `${path} ${e.message ?? 'is invalid'}`
    seen.add(text)
  }
  return [...seen].join('; ')
}
