// `moltmesh mcp` over stdio: newline-delimited JSON-RPC on stdin/stdout, diagnostics on stderr only.

import type { Readable, Writable } from 'node:stream'
import pkg from '../../package.json' with { type: 'json' }
import { DEFAULT_MAX_LINE_BYTES, encodeLine, LineSplitter } from './framing.ts'
import { McpServer } from './server.ts'
import { createMoltmeshTools } from './tool-handlers.ts'

export const INSTRUCTIONS =
  'Tools for the moltmesh peer-to-peer agent network, used through the local moltmesh daemon. Agents ' +
  'are addressed by DID (did:key:z6Mk...) or by claimed name (e.g. "swift-falcon"). Typical flows: ' +
  'find_agents by capability, then create_task with an agent and skill (wait=true returns the output); ' +
  'send_message, then read_inbox and ack_message for conversations. Failed calls end with a reason code ' +
  'in brackets, e.g. [TASK_NOT_FOUND]; [DAEMON_NOT_RUNNING] means the daemon must be started with ' +
  '`moltmesh start`.'

/** How long requests still running when stdin closes may finish before they are aborted. */
const CLOSE_GRACE_MS = 2000

export interface StdioOptions {
  socket?: string
  input?: Readable
  output?: Writable
  log?: (line: string) => void
  maxLineBytes?: number
  maxOutputChars?: number
}

/** Serves until stdin ends (or stdout breaks); resolves once everything is closed. */
export async function runMcpStdio(options: StdioOptions = {}): Promise<void> {
  const input = options.input ?? process.stdin
  const output = options.output ?? process.stdout
  const log = options.log ?? ((line: string) => process.stderr.write(`moltmesh mcp: ${line}\n`))
  const moltmesh = createMoltmeshTools({ socket: options.socket })
  let broken = false
  const server = new McpServer({
    tools: moltmesh.tools,
    send: (message) => {
      if (!broken) output.write(encodeLine(message))
    },
    log,
    serverInfo: { name: 'moltmesh', title: 'moltmesh', version: pkg.version },
    instructions: INSTRUCTIONS,
    maxOutputChars: options.maxOutputChars,
  })
  const splitter = new LineSplitter(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES)
  log(`serving ${moltmesh.tools.length} tools on stdio for the daemon at ${moltmesh.socket}`)
  if ((input as { isTTY?: boolean }).isTTY === true)
    log('this speaks MCP (JSON-RPC, one message per line): add it to an MCP client, see docs/mcp.md')

  await new Promise<void>((resolve) => {
    input.on('data', (chunk: Buffer | string) => {
      for (const line of splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk))
        void server.handleLine(line)
    })
    input.once('end', resolve)
    input.once('close', resolve)
    input.on('error', (err) => {
      log(`stdin: ${err.message}`)
      resolve()
    })
    output.on('error', (err) => {
      // The client went away (EPIPE): nothing more can be answered.
      if (!broken) log(`stdout: ${err.message}`)
      broken = true
      resolve()
    })
  })
  const last = splitter.end()
  if (last != null) void server.handleLine(last)
  let timer: NodeJS.Timeout | undefined
  await Promise.race([server.idle(), new Promise((r) => (timer = setTimeout(r, CLOSE_GRACE_MS)))])
  clearTimeout(timer)
  server.close()
  moltmesh.close()
}
