// MCP dispatch without stdio: JSON-RPC errors, version negotiation, tool calls, argument validation by
// protocol version, tool errors with reasons, truncation, cancellation, progress and batches.
import { describe, expect, it } from 'vitest'
import { McpServer, SUPPORTED_PROTOCOL_VERSIONS } from '../../../cli/mcp/server.ts'
import { createMoltmeshTools } from '../../../cli/mcp/tool-handlers.ts'
import { type Tool, ToolArgumentError } from '../../../cli/mcp/tool-types.ts'
import { waitFor } from '../../harness/wait-for.ts'

// biome-ignore lint/suspicious/noExplicitAny: JSON-RPC messages, checked by the assertions
type Msg = Record<string, any>

const echo: Tool = {
  name: 'echo',
  title: 'Echo',
  description: 'echoes',
  inputSchema: {
    type: 'object',
    properties: { text: { type: 'string' }, times: { type: 'integer', minimum: 1, default: 1 } },
    required: ['text'],
    additionalProperties: false,
  },
  annotations: { readOnlyHint: true },
  async run(args) {
    if (args.text === 'bad') throw new ToolArgumentError('text must not be "bad"')
    if (args.text === 'fail')
      throw Object.assign(new Error('no task with id task_x'), { reason: 'TASK_NOT_FOUND' })
    if (args.text === 'crash') throw new Error('boom')
    return { text: String(args.text).repeat(args.times as number) }
  },
}

const slow: Tool = {
  name: 'slow',
  title: 'Slow',
  description: 'waits until cancelled, reporting progress',
  inputSchema: { type: 'object', additionalProperties: false },
  annotations: {},
  run: (_args, ctx) =>
    new Promise((_resolve, reject) => {
      ctx.progress('started')
      ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))
    }),
}

function setup(options: { maxOutputChars?: number; tools?: Tool[] } = {}) {
  const sent: Msg[] = []
  const server = new McpServer({
    tools: options.tools ?? [echo, slow],
    send: (m) => sent.push(JSON.parse(JSON.stringify(m))),
    serverInfo: { name: 'test', version: '1.0.0' },
    maxOutputChars: options.maxOutputChars,
  })
  const line = async (text: string) => {
    await server.handleLine({ kind: 'line', text })
  }
  const request = async (id: number | string, method: string, params?: unknown) => {
    await line(JSON.stringify({ jsonrpc: '2.0', id, method, params }))
    return sent.find((m) => m.id === id) as Msg
  }
  const init = (protocolVersion: string) =>
    request('init', 'initialize', {
      protocolVersion,
      capabilities: {},
      clientInfo: { name: 't', version: '0' },
    })
  return { server, sent, line, request, init }
}

describe('McpServer JSON-RPC', () => {
  it('answers malformed JSON with a parse error and keeps serving', async () => {
    const { line, sent, request } = setup()
    await line('{"jsonrpc":"2.0","id":1,')
    expect(sent[0]).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } })
    expect(await request(2, 'ping')).toEqual({ jsonrpc: '2.0', id: 2, result: {} })
  })

  it('answers an unknown method with -32601 and ignores unknown notifications and responses', async () => {
    const { line, sent, request } = setup()
    expect((await request(1, 'resources/list')).error).toMatchObject({ code: -32601 })
    await line('{"jsonrpc":"2.0","method":"notifications/whatever"}')
    await line('{"jsonrpc":"2.0","id":9,"result":{}}')
    await line('   ')
    expect(sent).toHaveLength(1)
  })

  it('answers invalid requests with -32600', async () => {
    const { line, sent } = setup()
    await line('"just a string"')
    await line('{"id":3,"method":"ping"}')
    await line('{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}')
    await line('{"jsonrpc":"2.0","id":4}')
    expect(sent.map((m) => [m.id, m.error?.code])).toEqual([
      [null, -32600],
      [3, -32600],
      [null, -32600],
      [4, -32600],
    ])
  })

  it('answers an oversized line with -32600, with its id when known', async () => {
    const { server, sent } = setup()
    await server.handleLine({ kind: 'oversized', bytes: 5_000_000, id: 7 })
    await server.handleLine({ kind: 'oversized', bytes: 5_000_000, id: null })
    expect(sent[0]).toMatchObject({ id: 7, error: { code: -32600 } })
    expect(sent[0]?.error.message).toContain('5000000 bytes')
    expect(sent[1]).toMatchObject({ id: null, error: { code: -32600 } })
  })
})

describe('McpServer initialize', () => {
  it('answers with the client version when supported, else the latest', async () => {
    for (const v of SUPPORTED_PROTOCOL_VERSIONS) {
      const { init } = setup()
      expect((await init(v)).result).toMatchObject({
        protocolVersion: v,
        capabilities: { tools: {} },
        serverInfo: { name: 'test', version: '1.0.0' },
      })
    }
    const { init, server } = setup()
    expect((await init('1999-01-01')).result.protocolVersion).toBe(SUPPORTED_PROTOCOL_VERSIONS[0])
    expect(server.protocolVersion).toBe(SUPPORTED_PROTOCOL_VERSIONS[0])
  })

  it('needs a protocol version', async () => {
    const { request } = setup()
    expect((await request(1, 'initialize', {})).error).toMatchObject({ code: -32602 })
  })

  it('marks the session initialized on notifications/initialized', async () => {
    const { init, line, server } = setup()
    await init('2025-06-18')
    expect(server.initialized).toBe(false)
    await line('{"jsonrpc":"2.0","method":"notifications/initialized"}')
    expect(server.initialized).toBe(true)
  })
})

describe('McpServer tools', () => {
  it('lists tools with their schemas and without handlers', async () => {
    const { request } = setup()
    const res = await request(1, 'tools/list', {})
    expect(res.result.tools.map((t: Msg) => t.name)).toEqual(['echo', 'slow'])
    expect(res.result.tools[0]).toEqual({
      name: 'echo',
      title: 'Echo',
      description: 'echoes',
      inputSchema: echo.inputSchema,
      annotations: { readOnlyHint: true },
    })
  })

  it('returns text and structured content, filling defaults from the schema', async () => {
    const { init, request } = setup()
    await init('2025-06-18')
    const res = await request(1, 'tools/call', { name: 'echo', arguments: { text: 'ab' } })
    expect(res.result).toEqual({
      content: [{ type: 'text', text: '{"text":"ab"}' }],
      structuredContent: { text: 'ab' },
      isError: false,
    })
  })

  it('leaves structured content out for protocol versions before 2025-06-18', async () => {
    const { init, request } = setup()
    await init('2024-11-05')
    const res = await request(1, 'tools/call', { name: 'echo', arguments: { text: 'x', times: 2 } })
    expect(res.result).toEqual({ content: [{ type: 'text', text: '{"text":"xx"}' }], isError: false })
  })

  it('answers an unknown tool with -32602', async () => {
    const { init, request } = setup()
    await init('2025-11-25')
    const res = await request(1, 'tools/call', { name: 'nope', arguments: {} })
    expect(res.error).toMatchObject({ code: -32602, message: 'Unknown tool: nope' })
    expect((await request(2, 'tools/call', {})).error).toMatchObject({ code: -32602 })
  })

  it('answers bad arguments with -32602 up to 2025-06-18, naming what is wrong', async () => {
    const { init, request } = setup()
    await init('2025-06-18')
    const res = await request(1, 'tools/call', { name: 'echo', arguments: { times: 0, color: 'red' } })
    expect(res.error.code).toBe(-32602)
    expect(res.error.message).toContain('missing required property "text"')
    expect(res.error.message).toContain('unknown property "color"')
    expect(res.error.message).toContain('arguments.times must be >= 1')
    const bad = await request(2, 'tools/call', { name: 'echo', arguments: { text: 'bad' } })
    expect(bad.error).toMatchObject({ code: -32602 })
    expect(bad.error.message).toContain('text must not be "bad"')
    const notObject = await request(3, 'tools/call', { name: 'echo', arguments: [1] })
    expect(notObject.error).toMatchObject({ code: -32602 })
  })

  it('reports bad arguments as a tool error from 2025-11-25 on (SEP-1303)', async () => {
    const { init, request } = setup()
    await init('2025-11-25')
    const res = await request(1, 'tools/call', { name: 'echo', arguments: { text: 5 } })
    expect(res.result.isError).toBe(true)
    expect(res.result.content[0].text).toBe('Invalid arguments for tool echo: arguments.text must be string')
  })

  it('turns a failure into a tool error with the reason in brackets', async () => {
    const { init, request } = setup()
    await init('2025-06-18')
    const res = await request(1, 'tools/call', { name: 'echo', arguments: { text: 'fail' } })
    expect(res.result).toEqual({
      content: [{ type: 'text', text: 'error: no task with id task_x [TASK_NOT_FOUND]' }],
      isError: true,
    })
    const crash = await request(2, 'tools/call', { name: 'echo', arguments: { text: 'crash' } })
    expect(crash.result).toEqual({ content: [{ type: 'text', text: 'error: boom' }], isError: true })
  })

  it('cuts long output with a note and drops the structured content', async () => {
    const { init, request } = setup({ maxOutputChars: 50 })
    await init('2025-06-18')
    const res = await request(1, 'tools/call', { name: 'echo', arguments: { text: 'abcdefghij', times: 20 } })
    expect(res.result.structuredContent).toBeUndefined()
    expect(res.result.isError).toBe(false)
    expect(res.result.content[0].text).toMatch(
      /^\{"text":"abcdefghij.{31}\n\[output truncated: showing 50 of 211 characters/,
    )
  })

  it('sends progress to a client that asked for it, and nothing for a cancelled call', async () => {
    const { init, line, sent, server } = setup()
    await init('2025-06-18')
    const done = line(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 'c1',
        method: 'tools/call',
        params: { name: 'slow', arguments: {}, _meta: { progressToken: 'p1' } },
      }),
    )
    await waitFor(() => sent.length > 0, 5_000, 'the progress notification', 5)
    expect(sent.at(-1)).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 'p1', progress: 1, message: 'started' },
    })
    await line(
      '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"c1","reason":"user"}}',
    )
    await done
    await server.idle()
    expect(sent.filter((m) => m.id === 'c1')).toEqual([])
  })

  it('refuses requests beyond the in-flight limit', async () => {
    const sent: Msg[] = []
    const server = new McpServer({
      tools: [slow],
      send: (m) => sent.push(m as Msg),
      serverInfo: { name: 't', version: '0' },
      maxInFlight: 1,
    })
    void server.handleLine({
      kind: 'line',
      text: '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow"}}',
    })
    await server.handleLine({ kind: 'line', text: '{"jsonrpc":"2.0","id":2,"method":"ping"}' })
    expect(sent).toEqual([
      { jsonrpc: '2.0', id: 2, error: { code: -32000, message: expect.stringContaining('busy') } },
    ])
    server.close()
  })
})

describe('McpServer batches', () => {
  it('serves batches under 2025-03-26 only', async () => {
    const { init, line, sent } = setup()
    await init('2025-03-26')
    await line(
      JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'ping' },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'q' } } },
        { jsonrpc: '2.0', id: 3, method: 'initialize', params: { protocolVersion: '2025-03-26' } },
        42,
      ]),
    )
    const batch = sent.at(-1) as unknown as Msg[]
    expect(Array.isArray(batch)).toBe(true)
    expect(batch.map((r) => [r.id, r.error?.code ?? 'ok'])).toEqual([
      [1, 'ok'],
      [2, 'ok'],
      [3, -32600],
      [null, -32600],
    ])
    await line('[]')
    expect(sent.at(-1)).toMatchObject({ id: null, error: { code: -32600 } })
  })

  it('refuses batches in later versions', async () => {
    const { init, line, sent } = setup()
    await init('2025-06-18')
    await line('[{"jsonrpc":"2.0","id":1,"method":"ping"}]')
    expect(sent.at(-1)).toMatchObject({ id: null, error: { code: -32600 } })
    expect(sent.at(-1)?.error.message).toContain('batches are not supported in protocol version 2025-06-18')
  })
})

describe('moltmesh tools', () => {
  it('every tool has a handler and a schema that compiles; no daemon = DAEMON_NOT_RUNNING', async () => {
    const moltmesh = createMoltmeshTools({ socket: '/nonexistent/moltmesh-test.sock' })
    const { init, request } = setup({ tools: moltmesh.tools })
    await init('2025-06-18')
    const names = (await request(1, 'tools/list')).result.tools.map((t: Msg) => t.name)
    expect(names).toEqual(
      expect.arrayContaining([
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
      ]),
    )
    const res = await request(2, 'tools/call', { name: 'node_info', arguments: {} })
    expect(res.result.isError).toBe(true)
    expect(res.result.content[0].text).toContain('start it with `moltmesh start`')
    expect(res.result.content[0].text).toContain('[DAEMON_NOT_RUNNING]')
    // Checks of its own beyond the schema are argument errors too.
    const noTarget = await request(3, 'tools/call', {
      name: 'create_task',
      arguments: { skill: 's', input: 'x' },
    })
    expect(noTarget.error).toMatchObject({ code: -32602 })
    expect(noTarget.error.message).toContain('give `to`')
    moltmesh.close()
  })
})
