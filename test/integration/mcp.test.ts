// `moltmesh mcp` driven by the official MCP TypeScript SDK client over stdio, against two real daemons:
// tool listing, delegation with wait (a worker on B completes it), messages from A's server read and
// acknowledged through B's server, task wait/cancel, names, cards, discovery, ledger, pub/sub, and the
// error paths (JSON-RPC errors, tool errors with the moltmesh reason, no daemon).
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { McpError } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { CLI_MAIN } from '../harness/paths.ts'
import { offerSkills, startAskingWorker, startWorker } from '../harness/tasks.ts'

// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire, checked by the assertions
type Structured = Record<string, any>

interface CallOutcome {
  isError: boolean
  text: string
  structured: Structured | undefined
}

/** An SDK client connected to `moltmesh mcp --socket <socket>` (stderr kept for failure reports). */
async function connectMcp(socket: string) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI_MAIN, 'mcp', '--socket', socket],
    env: { ...(process.env as Record<string, string>) },
    stderr: 'pipe',
  })
  const stderr: string[] = []
  transport.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()))
  const client = new Client({ name: 'moltmesh-mcp-test', version: '0.0.0' })
  await client.connect(transport)
  const call = async (
    name: string,
    args: Record<string, unknown>,
    options: { onprogress?: (p: { message?: string }) => void } = {},
  ): Promise<CallOutcome> => {
    const res = await client.callTool({ name, arguments: args }, undefined, {
      timeout: 60_000,
      ...(options.onprogress != null ? { onprogress: options.onprogress, resetTimeoutOnProgress: true } : {}),
    })
    const content = res.content as Array<{ type: string; text: string }>
    return {
      isError: res.isError === true,
      text: content.map((c) => c.text).join('\n'),
      structured: res.structuredContent as Structured | undefined,
    }
  }
  return { client, call, stderr }
}

type McpSession = Awaited<ReturnType<typeof connectMcp>>

/** Raw JSON-RPC lines to a fresh `moltmesh mcp`, for what the SDK client cannot send. */
function rawSession(socket: string, messages: unknown[], expected: number): Promise<Structured[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, 'mcp', '--socket', socket], {
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const replies: Structured[] = []
    let buffered = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`raw MCP session: ${replies.length} of ${expected} replies`))
    }, 30_000)
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) replies.push(JSON.parse(line))
      if (replies.length >= expected) child.stdin.end()
    })
    child.on('close', () => {
      clearTimeout(timer)
      resolve(replies)
    })
    for (const m of messages) child.stdin.write(`${JSON.stringify(m)}\n`)
  })
}

describe('moltmesh mcp', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess
  let mcpA: McpSession
  let mcpB: McpSession

  beforeAll(async () => {
    ;[a, b] = (await mesh.spawnMany(2)) as [DaemonProcess, DaemonProcess]
    await mesh.connectAll()
    await offerSkills(b, [{ id: 'upper' }, { id: 'slow' }, { id: 'ask' }])
    ;[mcpA, mcpB] = await Promise.all([connectMcp(a.socket), connectMcp(b.socket)])
  }, 90_000)

  afterAll(async () => {
    await Promise.all([mcpA?.client.close(), mcpB?.client.close()])
  })

  it('initializes and lists every tool with a JSON Schema', async () => {
    expect(mcpA.client.getServerVersion()?.name).toBe('moltmesh')
    expect(mcpA.client.getServerCapabilities()?.tools).toBeDefined()
    expect(mcpA.client.getInstructions()).toContain('moltmesh')
    const { tools } = await mcpA.client.listTools()
    const byName = new Map(tools.map((t) => [t.name, t]))
    for (const name of [
      'find_agents',
      'get_agent_card',
      'resolve_name',
      'send_message',
      'read_inbox',
      'ack_message',
      'create_task',
      'get_task',
      'wait_task',
      'cancel_task',
      'publish',
      'ledger_balance',
      'node_info',
    ]) {
      const tool = byName.get(name)
      expect(tool, name).toBeDefined()
      expect(tool?.inputSchema.type).toBe('object')
      expect(tool?.description?.length ?? 0).toBeGreaterThan(40)
    }
    expect(Object.keys(byName.get('create_task')?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['to', 'capability', 'skill', 'input', 'wait', 'timeout_seconds']),
    )
    expect(byName.get('send_message')?.inputSchema.required).toEqual(['to', 'text'])
  })

  it('node_info describes the local daemon', async () => {
    const res = await mcpA.call('node_info', {})
    expect(res.isError).toBe(false)
    expect(res.structured).toMatchObject({ did: a.did, peer_id: a.info!.peerId })
    expect(res.structured?.peers_connected).toBeGreaterThanOrEqual(1)
    expect(JSON.parse(res.text)).toEqual(res.structured)
  })

  it('create_task with wait returns the output a worker on B produced, with progress', async () => {
    const progress: string[] = []
    const worker = startWorker(b, 'upper', async (ctx) => {
      await ctx.chunk('working on it')
      // The task stays WORKING until the MCP client has reported it as progress: the tool stops
      // reporting once the task is done, so a handler that finished at once could race it.
      await waitFor(() => progress.includes('task working'), 20_000, 'WORKING reported to the MCP client')
      const input = ctx.task.input[0]
      return [{ text: (input?.text ?? input?.dataJson ?? '').toUpperCase() }]
    })
    try {
      const res = await mcpA.call(
        'create_task',
        { to: b.did, skill: 'upper', input: 'hello mesh', wait: true, timeout_seconds: 30 },
        { onprogress: (p) => progress.push(p.message ?? '') },
      )
      expect(res.isError).toBe(false)
      expect(res.structured).toMatchObject({
        state: 'completed',
        terminal: true,
        skill: 'upper',
        assignee: b.did,
        output: { text: 'HELLO MESH' },
      })
      expect(progress).toContain('task working')
      const id = res.structured?.id as string
      expect((await b.client.a2a.getTask({ id })).task?.output[0]?.text).toBe('HELLO MESH')

      // JSON input, by capability, and get_task afterwards.
      const json = await mcpA.call('create_task', { capability: 'upper', input_json: { word: 'x' } })
      expect(json.structured).toMatchObject({ state: 'completed', assignee: b.did })
      expect(json.structured?.output.text).toBe('{"WORD":"X"}')
      const got = await mcpA.call('get_task', { id: json.structured?.id })
      expect(got.structured).toMatchObject({ role: 'requester', input: { data: [{ word: 'x' }] } })
    } finally {
      await worker.stop()
    }
  }, 90_000)

  it('create_task stops waiting at a question; answer_task and wait_task finish it', async () => {
    const worker = startAskingWorker(b, 'ask')
    try {
      const asked = await mcpA.call('create_task', { to: b.did, skill: 'ask', input: 'paint' })
      expect(asked.structured).toMatchObject({
        state: 'input_required',
        terminal: false,
        question: { text: 'which colour?' },
      })
      const id = asked.structured?.id as string
      const answered = await mcpA.call('answer_task', { id, text: 'blue' })
      expect(answered.isError).toBe(false)
      const done = await mcpA.call('wait_task', { id, timeout_seconds: 20 })
      expect(done.structured).toMatchObject({ id, state: 'completed', output: { text: 'painted blue' } })
    } finally {
      await worker.stop()
    }
  }, 60_000)

  it('wait_task times out on a task nobody works on; cancel_task ends it', async () => {
    const created = await mcpA.call('create_task', { to: b.did, skill: 'slow', input: 'zzz', wait: false })
    expect(created.structured).toMatchObject({ state: 'submitted', terminal: false })
    const id = created.structured?.id as string
    const waited = await mcpA.call('wait_task', { id, timeout_seconds: 0.5 })
    expect(waited.structured).toMatchObject({ id, timed_out: true, terminal: false })
    const canceled = await mcpA.call('cancel_task', { id, reason: 'not needed' })
    expect(canceled.structured).toMatchObject({ id, state: 'canceled', terminal: true })
    const again = await mcpA.call('cancel_task', { id })
    expect(again.isError).toBe(true)
    expect(again.text).toContain('[TASK_TERMINAL]')
  }, 60_000)

  it('send_message from A, read_inbox and ack_message on B', async () => {
    const sent = await mcpA.call('send_message', {
      to: b.did,
      text: 'hello from the MCP server',
      data: { n: 1 },
      thread_id: 'mcp-thread',
    })
    expect(sent.isError).toBe(false)
    const id = sent.structured?.id as string
    expect(id).toMatch(/^msg_/)
    const inbox = await waitFor(async () => {
      const res = await mcpB.call('read_inbox', { thread_id: 'mcp-thread' })
      return res.structured?.messages?.length > 0 ? res.structured : undefined
    })
    expect(inbox.messages[0]).toMatchObject({
      id,
      from: a.did,
      status: 'unread',
      thread_id: 'mcp-thread',
      text: 'hello from the MCP server',
      data: [{ n: 1 }],
    })
    const acked = await mcpB.call('ack_message', { ids: [id] })
    expect(acked.structured).toEqual({ acknowledged: 1 })
    const after = await mcpB.call('read_inbox', { thread_id: 'mcp-thread', unread_only: true })
    expect(after.structured?.count).toBe(0)
    const all = await mcpB.call('read_inbox', { thread_id: 'mcp-thread', unread_only: false })
    expect(all.structured?.messages[0]).toMatchObject({ id, status: 'read' })
  }, 60_000)

  it('find_agents, get_agent_card and resolve_name see B', async () => {
    const found = await mcpA.call('find_agents', { capability: 'upper', limit: 1, timeout_seconds: 10 })
    expect(found.structured).toMatchObject({ count: 1 })
    expect(found.structured?.agents[0]).toMatchObject({
      did: b.did,
      matched_skill: { id: 'upper', price: 'free' },
    })
    const card = await mcpA.call('get_agent_card', { agent: b.did })
    expect(card.structured?.did).toBe(b.did)
    expect(card.structured?.skills.map((s: Structured) => s.id)).toEqual(['upper', 'slow', 'ask'])
    const own = await mcpA.call('get_agent_card', {})
    expect(own.structured?.did).toBe(a.did)
    await b.client.a2a.claimName({ name: 'mcp-bee' })
    const resolved = await waitFor(async () => {
      const res = await mcpA.call('resolve_name', { name: 'mcp-bee' })
      return res.isError ? undefined : res.structured
    })
    expect(resolved).toMatchObject({ name: 'mcp-bee', did: b.did })
  }, 60_000)

  it('ledger_balance and publish answer', async () => {
    const all = await mcpA.call('ledger_balance', {})
    expect(all.isError).toBe(false)
    expect(all.structured).toHaveProperty('default_credit_limit')
    expect(Array.isArray(all.structured?.balances)).toBe(true)
    const one = await mcpA.call('ledger_balance', { peer: b.did })
    expect(one.structured).toMatchObject({ peer: b.did, balance: '0' })
    const pub = await mcpA.call('publish', { topic: 'mcp/test', payload: 'ping' })
    expect(pub.structured).toMatchObject({ topic: 'mcp/test', bytes: 4 })
    expect(pub.structured?.id).toBeTruthy()
  })

  it('daemon errors are tool errors with the moltmesh reason', async () => {
    const badDid = await mcpA.call('send_message', { to: 'did:key:zBAD', text: 'x' })
    expect(badDid.isError).toBe(true)
    expect(badDid.text).toMatch(/^error: .+ \[INVALID_DID\]$/)
    const unknown = await mcpA.call('get_task', { id: 'task_doesnotexist' })
    expect(unknown).toMatchObject({ isError: true, structured: undefined })
    expect(unknown.text).toContain('[TASK_NOT_FOUND]')
    const reserved = await mcpA.call('publish', { topic: '/moltmesh/x', payload: 'x' })
    expect(reserved.text).toContain('[TOPIC_RESERVED]')
  })

  it('bad arguments: an unknown tool is a JSON-RPC error; invalid arguments too before 2025-11-25', async () => {
    const unknown = await mcpA.client
      .callTool({ name: 'no_such_tool', arguments: {} })
      .catch((e: unknown) => e)
    expect(unknown).toBeInstanceOf(McpError)
    expect((unknown as McpError).code).toBe(-32602)
    // The SDK client speaks 2025-11-25, where invalid arguments are tool errors the model can read.
    const invalid = await mcpA.call('find_agents', { capability: 'upper', limit: 'lots' })
    expect(invalid.isError).toBe(true)
    expect(invalid.text).toContain('arguments.limit must be integer')
    // A client on 2025-06-18 gets -32602.
    const replies = await rawSession(
      a.socket,
      [
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-06-18',
            capabilities: {},
            clientInfo: { name: 'raw', version: '0' },
          },
        },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        {
          jsonrpc: '2.0',
          id: 2,
          method: 'tools/call',
          params: { name: 'send_message', arguments: { to: b.did } },
        },
        { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'node_info', arguments: {} } },
      ],
      3,
    )
    const byId = new Map(replies.map((r) => [r.id, r]))
    expect(byId.get(1)?.result.protocolVersion).toBe('2025-06-18')
    expect(byId.get(2)?.error).toMatchObject({ code: -32602 })
    expect(byId.get(2)?.error.message).toContain('missing required property "text"')
    expect(byId.get(3)?.result.structuredContent.did).toBe(a.did)
  }, 60_000)

  it('without a daemon, tools say how to start one and the server keeps running', async () => {
    const none = await connectMcp(join(mesh.root, 'nobody.sock'))
    try {
      const res = await none.call('node_info', {})
      expect(res.isError).toBe(true)
      expect(res.text).toContain('daemon is not running')
      expect(res.text).toContain('moltmesh start')
      expect(res.text).toContain('[DAEMON_NOT_RUNNING]')
      expect(await none.client.ping()).toEqual({})
      expect((await none.client.listTools()).tools.length).toBeGreaterThan(10)
    } finally {
      await none.client.close()
    }
  })
})
