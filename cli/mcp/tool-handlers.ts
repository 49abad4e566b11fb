// What each MCP tool does with the daemon, through the TypeScript client's raw a2a/diag/ext methods.
// Arguments arrive validated against the tool's schema (tool-defs.ts), defaults filled in.

import type { DeepPartial } from '../../clients/ts/deep-partial.ts'
import {
  type Client,
  createClient,
  DaemonNotRunningError,
  defaultSocketPath,
  isTerminalState,
  types,
} from '../../clients/ts/index.ts'
import {
  compactBalance,
  compactCard,
  compactMessage,
  compactSkill,
  compactTask,
  omitEmpty,
  stateName,
} from './compact.ts'
import { TOOL_DEFINITIONS } from './tool-defs.ts'
import { type Tool, ToolArgumentError, type ToolContext } from './tool-types.ts'

type Args = Record<string, unknown>
type Handler = (client: Client, args: Args, ctx: ToolContext) => Promise<Record<string, unknown>>

const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const ms = (seconds: unknown): number => (typeof seconds === 'number' ? Math.round(seconds * 1000) : 0)

/** Text input: a JSON object or array becomes a data_json part, anything else a text part (as the CLI). */
export function inputPart(text: string): DeepPartial<types.Part> {
  const t = text.trim()
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      JSON.parse(t)
      return { dataJson: t }
    } catch {
      // not JSON: text
    }
  }
  return { text }
}

const HANDLERS: Record<string, Handler> = {
  async node_info(client, _args, { signal }) {
    const [info, identity] = await Promise.all([
      client.diag.getInfo({}, { signal }),
      client.a2a.getIdentity({}, { signal }),
    ])
    return omitEmpty({
      did: info.did,
      peer_id: info.peerId,
      names: identity.names,
      version: info.version,
      peers_connected: info.peerCount,
      uptime_seconds: Math.round(info.uptimeMs / 1000),
      dht_mode: info.dhtMode,
      addresses: info.announceAddresses.length > 0 ? info.announceAddresses : info.listenAddresses,
    })
  },

  async find_agents(client, args, { signal, progress }) {
    const limit = args.limit as number
    const agents: Array<Record<string, unknown>> = []
    for await (const found of client.a2a.findAgents(
      {
        capability: str(args.capability),
        tags: (args.tags as string[] | undefined) ?? [],
        limit,
        timeoutMs: ms(args.timeout_seconds),
      },
      { signal },
    )) {
      if (found.card == null) continue
      const c = found.card
      agents.push(
        omitEmpty({
          did: c.did,
          name: c.name,
          claimed_name: c.claimedName,
          description: c.description,
          matched_skill: found.skill != null ? compactSkill(found.skill) : undefined,
          other_skills: c.skills.map((s) => s.id).filter((id) => id !== found.skill?.id),
          score: Math.round(found.score * 1000) / 1000,
          connected: found.connected,
        }),
      )
      progress(`found ${agents.length} agent(s)`)
      if (agents.length >= limit) break
    }
    return { capability: str(args.capability), count: agents.length, agents }
  },

  async get_agent_card(client, args, { signal }) {
    const res = await client.a2a.getAgentCard(
      { did: str(args.agent), timeoutMs: ms(args.timeout_seconds) },
      { signal },
    )
    return res.card != null ? compactCard(res.card) : {}
  },

  async resolve_name(client, args, { signal }) {
    const res = await client.a2a.resolveName(
      { name: str(args.name), timeoutMs: ms(args.timeout_seconds) },
      { signal },
    )
    return { name: res.name, did: res.did, expires_at: new Date(res.expiresAtMs).toISOString() }
  },

  async send_message(client, args, { signal }) {
    const parts: Array<DeepPartial<types.Part>> = [{ text: str(args.text) }]
    if (args.data != null) parts.push({ dataJson: JSON.stringify(args.data) })
    const res = await client.a2a.sendMessage(
      {
        to: str(args.to),
        parts,
        threadId: str(args.thread_id),
        contextId: str(args.context_id),
        replyTo: str(args.reply_to),
      },
      { signal },
    )
    return omitEmpty({
      id: res.id,
      to: res.message?.to,
      queued: res.queued,
      note: res.queued
        ? 'not delivered yet: the recipient is unreachable; it is retried until it expires'
        : undefined,
    })
  },

  async read_inbox(client, args, { signal }) {
    const res = await client.a2a.getInbox(
      {
        unreadOnly: args.unread_only === true,
        pageSize: args.limit as number,
        from: str(args.from),
        threadId: str(args.thread_id),
        pageToken: str(args.page_token),
      },
      { signal },
    )
    return omitEmpty({
      unread_total: res.unreadCount,
      count: res.messages.length,
      messages: res.messages.map(compactMessage),
      next_page_token: res.nextPageToken,
    })
  },

  async ack_message(client, args, { signal }) {
    const res = await client.a2a.ackMessage({ ids: args.ids as string[] }, { signal })
    return { acknowledged: res.acknowledged }
  },

  async create_task(client, args, ctx) {
    if (args.to == null && args.capability == null)
      throw new ToolArgumentError('give `to` (an agent) or `capability`')
    if (args.to != null && args.capability != null)
      throw new ToolArgumentError('give either `to` or `capability`, not both')
    if (args.capability == null && args.skill == null)
      throw new ToolArgumentError('give `skill` (the skill to invoke at the agent named in `to`)')
    const input: Array<DeepPartial<types.Part>> = []
    if (args.input_json != null) input.push({ dataJson: JSON.stringify(args.input_json) })
    if (typeof args.input === 'string') input.push(inputPart(args.input))
    if (input.length === 0) throw new ToolArgumentError('give `input` (text or JSON text) or `input_json`')
    const res = await client.a2a.createTask(
      {
        to: str(args.to),
        capability: str(args.capability),
        skill: str(args.skill),
        input,
        timeoutMs: ms(args.deadline_seconds),
        maxPrice: str(args.max_price),
        contextId: str(args.context_id),
        idempotencyKey: str(args.idempotency_key),
      },
      { signal: ctx.signal },
    )
    const task = res.task as types.Task
    if (args.wait !== true || isTerminalState(task.state))
      return { ...compactTask(task), existing: res.existing || undefined }
    return waitFor(client, task.id, ms(args.timeout_seconds), ctx)
  },

  async get_task(client, args, { signal }) {
    const res = await client.a2a.getTask({ id: str(args.id) }, { signal })
    return compactTask(res.task as types.Task, { input: true })
  },

  async wait_task(client, args, ctx) {
    return waitFor(client, str(args.id), ms(args.timeout_seconds), ctx)
  },

  async answer_task(client, args, { signal }) {
    const res = await client.a2a.sendTaskInput(
      { id: str(args.id), input: [inputPart(str(args.text))] },
      { signal },
    )
    return {
      ...compactTask(res.task as types.Task),
      // This copy shows the question until the worker's next update arrives.
      note: 'answer sent; the state changes once the worker takes it up: use wait_task for the result',
    }
  },

  async cancel_task(client, args, { signal }) {
    const res = await client.a2a.cancelTask({ id: str(args.id), reason: str(args.reason) }, { signal })
    return compactTask(res.task as types.Task)
  },

  async publish(client, args, { signal }) {
    const payload = Buffer.from(str(args.payload), 'utf8')
    const res = await client.ext.publish({ topic: str(args.topic), payload }, { signal })
    return { id: res.id, topic: str(args.topic), bytes: payload.length, recipients: res.recipients }
  },

  async ledger_balance(client, args, { signal }) {
    if (typeof args.peer === 'string') {
      const res = await client.a2a.getBalance({ peer: args.peer }, { signal })
      return res.balance != null ? compactBalance(res.balance) : {}
    }
    const res = await client.a2a.listBalances({}, { signal })
    return { default_credit_limit: res.defaultCreditLimit, balances: res.balances.map(compactBalance) }
  },
}

/**
 * Waits for a task with WaitTask (which returns at a terminal state or a question, or at the
 * timeout). With a progress token, the task's state changes are reported while waiting.
 */
async function waitFor(
  client: Client,
  id: string,
  timeoutMs: number,
  ctx: ToolContext,
): Promise<Record<string, unknown>> {
  const stopWatching = watchProgress(client, id, ctx)
  try {
    // An answered question does not end the wait: the daemon moves the task back to WORKING when the
    // answer is sent.
    const res = await client.a2a.waitTask({ id, timeoutMs: Math.max(1, timeoutMs) }, { signal: ctx.signal })
    const task = res.task as types.Task
    return omitEmpty({
      ...compactTask(task),
      timed_out: res.timedOut || undefined,
      note: res.timedOut
        ? `still ${stateName(task.state)} after ${timeoutMs / 1000} s; call wait_task or get_task with id ${id} later`
        : undefined,
    })
  } finally {
    stopWatching()
  }
}

/** While waiting, a client that resets its timeout on progress hears from us at least this often. */
const HEARTBEAT_MS = 10_000

function watchProgress(client: Client, id: string, ctx: ToolContext): () => void {
  if (!ctx.reportsProgress) return () => {}
  const abort = new AbortController()
  const signal = AbortSignal.any([abort.signal, ctx.signal])
  let state = 'submitted'
  const heartbeat = setInterval(() => ctx.progress(`waiting: task ${state}`), HEARTBEAT_MS)
  void (async () => {
    for await (const { event } of client.a2a.subscribeTaskEvents({ id }, { signal })) {
      if (event == null) continue
      if (event.task != null) state = stateName(event.task.state)
      if (event.sequence === 0) continue
      if (event.kind === types.TaskEventKind.TASK_EVENT_KIND_STATUS) ctx.progress(`task ${state}`)
      else if (event.kind === types.TaskEventKind.TASK_EVENT_KIND_PROGRESS)
        ctx.progress(`${Math.round(event.progress * 100)}%${event.note ? ` ${event.note}` : ''}`)
    }
  })().catch(() => undefined)
  return () => {
    clearInterval(heartbeat)
    abort.abort()
  }
}

export interface MoltmeshTools {
  tools: Tool[]
  /** The daemon socket the tools talk to. */
  socket: string
  close(): void
}

/**
 * The tools bound to one daemon socket. The client is made on first use and dropped when the daemon
 * is found not running, so a daemon started later is picked up by the next call.
 */
export function createMoltmeshTools(options: { socket?: string }): MoltmeshTools {
  const socket = options.socket ?? defaultSocketPath()
  let client: Client | undefined
  const get = () => {
    client ??= createClient({ socket })
    return client
  }
  const drop = () => {
    client?.close()
    client = undefined
  }
  const tools: Tool[] = TOOL_DEFINITIONS.map((def) => {
    const handler = HANDLERS[def.name]
    if (handler == null) throw new Error(`no handler for tool ${def.name}`)
    return {
      ...def,
      async run(args, ctx) {
        try {
          return await handler(get(), args, ctx)
        } catch (err) {
          if (err instanceof DaemonNotRunningError) drop()
          throw err
        }
      },
    }
  })
  return { tools, socket, close: drop }
}
