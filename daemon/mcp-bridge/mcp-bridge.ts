// MCP servers serving mesh skills. For each [[mcp.servers]] entry the bridge starts the server over
// stdio with the official MCP client, lists its tools and serves each allowed tool as the skill
// "<server>-<tool>" (tool names lowercased, "_" and "." turned into "-": skill ids are capability
// names, which have no dots) through a worker on the daemon's own socket, the same offer mechanism
// every worker uses: the skills are on the card while the server runs. A task's first JSON part is
// the tool's arguments; the result becomes the output (tool-results.ts); a tool error FAILS the
// task with TOOL_ERROR and the tool's message. notifications/tools/list_changed re-lists the tools.
// A server that exits is restarted with back-off (1 s doubling to 60 s; reset after a minute up).
// A config reload reconciles the servers by name: new ones start, removed ones stop (their skills
// leave the card), changed ones restart.

import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js'
import { type Client, runWorker, type SkillOffer, TaskFailure, uploadStream } from '../../clients/ts/index.ts'
import { createSupervisor, sleep } from '../a2a/supervisor.ts'
import type { McpServerConfig } from '../config/options.ts'
import type { Logger } from '../log/logger.ts'
import { VERSION } from '../version.ts'
import { resultText, toOutputParts } from './tool-results.ts'

const MIN_BACKOFF_MS = 1000
const MAX_BACKOFF_MS = 60_000
const HEALTHY_AFTER_MS = 60_000
const MAX_DESCRIPTION = 500
/** Larger input schemas are left off the card (the server still checks its arguments). */
const MAX_SCHEMA_CHARS = 4096
const SKILL_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

export function skillIdOf(server: string, tool: string): string | undefined {
  const id = `${server}-${tool.toLowerCase().replace(/[\s_.]+/g, '-')}`
  return id.length <= 63 && SKILL_ID.test(id) ? id : undefined
}

interface Tool {
  name: string
  description?: string
  inputSchema?: unknown
}

function envOf(entries: string[]): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v != null) env[k] = v
  for (const e of entries) {
    const at = e.indexOf('=')
    if (at > 0) env[e.slice(0, at)] = e.slice(at + 1)
  }
  return env
}

export function createMcpBridge(c: { client: Client; logger: Logger; cwd: string }) {
  const supervisor = createSupervisor<McpServerConfig>((server, signal) => supervise(server, signal))

  /** One server: connect, serve its tools until it exits, then again after a pause. */
  async function supervise(server: McpServerConfig, signal: AbortSignal): Promise<void> {
    const log = c.logger.child({ mcp: server.name })
    let backoff = MIN_BACKOFF_MS
    while (!signal.aborted) {
      const startedAt = Date.now()
      try {
        await serveOnce(server, log, signal)
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'mcp server failed')
      }
      if (signal.aborted) break
      if (Date.now() - startedAt > HEALTHY_AFTER_MS) backoff = MIN_BACKOFF_MS
      log.info({ restartInMs: backoff }, 'mcp server exited; restarting')
      await sleep(backoff, signal)
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
    }
    log.info('mcp server stopped')
  }

  async function serveOnce(server: McpServerConfig, log: Logger, signal: AbortSignal): Promise<void> {
    const transport = new StdioClientTransport({
      command: server.command,
      args: server.args,
      env: envOf(server.env),
      cwd: c.cwd,
      stderr: 'pipe',
    })
    transport.stderr?.on('data', (d: Buffer) => {
      for (const line of d.toString('utf8').split('\n'))
        if (line.trim() !== '') log.debug({ stderr: line.slice(0, 500) }, 'mcp server stderr')
    })
    const mcp = new McpClient({ name: 'moltmesh', version: VERSION })
    const closed = new Promise<void>((resolve) => {
      mcp.onclose = () => resolve()
    })
    await mcp.connect(transport)
    log.info({ pid: transport.pid }, 'mcp server started')
    let worker: AbortController | undefined
    let workerDone: Promise<void> = Promise.resolve()
    let tools = new Map<string, Tool>()

    const serve = async () => {
      const listed = (await mcp.listTools()).tools as Tool[]
      const allowed = listed.filter((t) => server.tools.length === 0 || server.tools.includes(t.name))
      const next = new Map<string, Tool>()
      for (const t of allowed) {
        const id = skillIdOf(server.name, t.name)
        if (id == null) log.warn({ tool: t.name }, 'mcp tool skipped: its name makes no valid skill id')
        else next.set(id, t)
      }
      tools = next
      worker?.abort()
      await workerDone
      if (tools.size === 0) return
      const offers: SkillOffer[] = [...tools].map(([id, t]) => {
        const schema = JSON.stringify(t.inputSchema ?? {})
        return {
          id,
          name: `${server.name}: ${t.name}`,
          description: (t.description ?? `MCP tool ${t.name}`).slice(0, MAX_DESCRIPTION),
          tags: ['mcp'],
          inputSchema: schema.length <= MAX_SCHEMA_CHARS ? schema : undefined,
        }
      })
      const stop = new AbortController()
      worker = stop
      workerDone = runWorker(
        c.client,
        offers,
        async (ctx) => {
          const tool = tools.get(ctx.task.skill)
          if (tool == null) throw new TaskFailure('SKILL_NOT_FOUND', `tool for ${ctx.task.skill} is gone`)
          const args = ctx.data
          if (args != null && (typeof args !== 'object' || Array.isArray(args)))
            throw new TaskFailure('INVALID_INPUT', 'the JSON input must be an object (the tool arguments)')
          const result = await mcp.callTool(
            { name: tool.name, arguments: (args ?? {}) as Record<string, unknown> },
            undefined,
            { signal: ctx.signal },
          )
          const content = result.content as unknown[] | undefined
          if (result.isError === true)
            throw new TaskFailure('TOOL_ERROR', resultText(content) || 'the tool failed')
          return toOutputParts(
            { content, structuredContent: result.structuredContent },
            (bytes, name, mediaType) =>
              uploadStream(c.client, [bytes], { name, mediaType, size: bytes.length }),
          )
        },
        { signal: stop.signal, concurrency: 4, reconnect: false, onStatus: () => {} },
      ).catch((err: Error) => {
        if (!stop.signal.aborted) log.warn({ err: err.message }, 'mcp worker stopped')
      })
      log.info({ skills: [...tools.keys()] }, 'mcp tools served as skills')
    }

    // Refreshes run one after another: a list_changed during a refresh waits for it.
    let refreshing: Promise<void> = Promise.resolve()
    const refresh = () => {
      refreshing = refreshing
        .then(serve)
        .catch((err: Error) => log.warn({ err: err.message }, 'mcp tool refresh failed'))
      return refreshing
    }
    mcp.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      log.info('mcp tool list changed')
      void refresh()
    })
    const onStop = () => void mcp.close().catch(() => undefined)
    signal.addEventListener('abort', onStop, { once: true })
    try {
      await refresh()
      await closed
      await refreshing
    } finally {
      signal.removeEventListener('abort', onStop)
      worker?.abort()
      await workerDone
      await mcp.close().catch(() => undefined)
    }
  }

  return {
    /** Starts, stops and restarts servers so that exactly `servers` run (at start and on reload). */
    reconcile: (servers: McpServerConfig[]) => supervisor.reconcile(servers),
    stop: () => supervisor.stop(),
  }
}

export type McpBridge = ReturnType<typeof createMcpBridge>
