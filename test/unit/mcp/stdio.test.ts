// The stdio loop with in-memory streams: line framing end to end, an oversized line answered and
// skipped, answers still sent for requests in progress when stdin closes.
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { runMcpStdio } from '../../../cli/mcp/stdio.ts'

async function session(lines: string[], options: { maxLineBytes?: number } = {}) {
  const input = new PassThrough()
  const output = new PassThrough()
  const logs: string[] = []
  let out = ''
  output.on('data', (d: Buffer) => {
    out += d.toString()
  })
  const done = runMcpStdio({
    socket: '/nonexistent/moltmesh-test.sock',
    input,
    output,
    log: (l) => logs.push(l),
    maxLineBytes: options.maxLineBytes,
  })
  for (const l of lines) input.write(l)
  input.end()
  await done
  return {
    messages: out
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l)),
    logs,
  }
}

const req = (id: number, method: string, params?: unknown) =>
  `${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`

describe('runMcpStdio', () => {
  it('answers line by line, skips an oversized line with an error, and keeps serving', async () => {
    const big = `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"publish","arguments":{"topic":"t","payload":"${'x'.repeat(10_000)}"}}}\n`
    const { messages } = await session(
      [
        req(1, 'initialize', {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 't', version: '0' },
        }),
        '{"jsonrpc":"2.0","method":"notifications/initialized"}\n',
        big.slice(0, 3000),
        big.slice(3000),
        req(3, 'tools/call', { name: 'node_info', arguments: {} }),
        req(4, 'ping'),
      ],
      { maxLineBytes: 4096 },
    )
    const byId = new Map(messages.map((m) => [m.id, m]))
    expect(byId.get(1)?.result.serverInfo.name).toBe('moltmesh')
    expect(byId.get(2)?.error).toMatchObject({ code: -32600 })
    expect(byId.get(2)?.error.message).toContain(`${big.length - 1} bytes`)
    expect(byId.get(3)?.result).toMatchObject({ isError: true })
    expect(byId.get(3)?.result.content[0].text).toContain('[DAEMON_NOT_RUNNING]')
    expect(byId.get(4)?.result).toEqual({})
    expect(messages).toHaveLength(4)
  })

  it('serves a last line without a newline', async () => {
    const { messages } = await session([req(1, 'ping').trimEnd()])
    expect(messages).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }])
  })
})
