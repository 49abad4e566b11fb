// MCP servers serving mesh skills (daemon/mcp-bridge/): daemon M runs
// @modelcontextprotocol/server-everything from its [[mcp.servers]] (added with `moltmesh mcp add`),
// daemon R finds a tool by capability and calls it as a task. A tool error FAILS the task; killing
// the server process gets it restarted.

import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { types } from '../../clients/ts/index.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { runCli } from '../harness/run-cli.ts'

const { TaskState } = types
const EVERYTHING = createRequire(import.meta.url).resolve(
  '@modelcontextprotocol/server-everything/dist/index.js',
)

/** The MCP server processes the daemon started (its children running server-everything). */
function serverPids(d: DaemonProcess): number[] {
  let out: string
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(d.child?.pid)], { encoding: 'utf8' })
  } catch {
    return [] // ps exits 1 when the daemon has no child
  }
  return out
    .split('\n')
    .filter((l) => l.includes('server-everything'))
    .map((l) => Number(l.trim().split(/\s+/)[0]))
}

describe('MCP bridge', () => {
  const mesh = useMesh()
  let m: DaemonProcess
  let r: DaemonProcess
  let config: string

  beforeAll(async () => {
    config = join(mesh.root, 'm.toml')
    writeFileSync(config, '')
    const added = await runCli(
      [
        'mcp',
        'add',
        '--config',
        config,
        '--tool',
        'echo',
        '--tool',
        'get-sum',
        '--tool',
        'get-tiny-image',
        '--tool',
        'gzip-file-as-resource',
        '--env',
        'GZIP_ALLOWED_DOMAINS=localhost',
        'ev',
        '--',
        process.execPath,
        EVERYTHING,
        'stdio',
      ],
      {},
    )
    expect(added.code, added.stderr).toBe(0)
    m = await mesh.spawn('m', { args: ['--config', config] })
    r = await mesh.spawn('r', { bootstrap: [m.info!.tcpAddress] })
    await mesh.connectAll([m, r])
    await waitFor(
      async () => (await m.client.a2a.getAgentCard({})).card?.skills.length === 4,
      30_000,
      'the MCP tools on the card',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${m.dumpOutput()}`)
    })
  }, 90_000)

  const call = (skill: string, args: object) =>
    r.client.runTask(
      { capability: skill, skill, input: [{ dataJson: JSON.stringify(args) }] },
      { timeoutMs: 30_000 },
    )

  it('offers the allowed tools as skills with their schema and description', async () => {
    const card = (await r.client.a2a.getAgentCard({ did: m.did })).card
    const skills = card?.skills ?? []
    expect(skills.map((s) => s.id).sort()).toEqual([
      'ev-echo',
      'ev-get-sum',
      'ev-get-tiny-image',
      'ev-gzip-file-as-resource',
    ])
    const sum = skills.find((s) => s.id === 'ev-get-sum')
    expect(JSON.parse(sum?.inputSchemaJson ?? '{}').properties).toHaveProperty('a')
    expect(sum?.description).not.toBe('')
    // server-everything announces tools/list_changed after initialisation: the bridge re-listed.
    expect(m.output.some((line) => line.includes('mcp tool list changed'))).toBe(true)
  })

  it('a mesh agent on another daemon finds a tool by capability and calls it as a task', async () => {
    const task = await call('ev-echo', { message: 'over the mesh' })
    expect(task.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(task.assignee).toBe(m.did)
    expect(task.output.map((p) => p.text).join('')).toContain('over the mesh')
    const image = await call('ev-get-tiny-image', {})
    expect(image.state).toBe(TaskState.TASK_STATE_COMPLETED)
    const artifact = image.output.find((p) => p.artifact != null)?.artifact
    expect(artifact?.mediaType).toBe('image/png')
    expect(artifact?.size).toBeGreaterThan(0)
  })

  it('a tool error FAILS the task with the tool message; bad arguments are refused by the schema', async () => {
    // An ftp URL fails the tool's own check before it fetches anything (no network is dialled).
    const task = await call('ev-gzip-file-as-resource', { name: 'x.gz', data: 'ftp://127.0.0.1/x' })
    expect(task.state).toBe(TaskState.TASK_STATE_FAILED)
    expect(task.error?.reason).toBe('TOOL_ERROR')
    expect(task.error?.message).toContain('Unsupported URL protocol')
    // The tool's input schema is on the card, so the daemon refuses arguments that break it.
    const bad = await call('ev-get-sum', { a: 'not a number', b: 2 })
    expect(bad.state).toBe(TaskState.TASK_STATE_REJECTED)
    const ok = await call('ev-get-sum', { a: 2, b: 3 })
    expect(ok.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(ok.output.map((p) => p.text).join('')).toContain('5')
  })

  it('restarts the MCP server after it is killed', async () => {
    const [pid] = serverPids(m)
    expect(pid).toBeGreaterThan(0)
    process.kill(pid as number, 'SIGKILL')
    const restarted = await waitFor(
      () => serverPids(m).find((p) => p !== pid),
      20_000,
      'a new MCP server process',
    )
    expect(restarted).not.toBe(pid)
    await waitFor(
      async () => (await call('ev-echo', { message: 'again' })).state === TaskState.TASK_STATE_COMPLETED,
      30_000,
    )
  }, 60_000)

  it('a config reload changes, removes and adds MCP servers', async () => {
    const skills = async () =>
      ((await m.client.a2a.getAgentCard({})).card?.skills ?? []).map((x) => x.id).sort()
    const reload = async () => {
      const res = await m.cli('reload')
      expect(res.code, res.stderr).toBe(0)
    }
    const original = readFileSync(config, 'utf8')
    // Changed (a shorter allow-list): the server restarts and offers only what is allowed now.
    const [before] = serverPids(m)
    writeFileSync(config, original.replace(/tools = \[[^\]]*\]/, 'tools = ["echo"]'))
    await reload()
    await waitFor(async () => (await skills()).join() === 'ev-echo', 30_000, 'only ev-echo on the card')
    expect(serverPids(m)).not.toContain(before)
    // Removed: the skills leave the card and the server process ends.
    writeFileSync(config, '')
    await reload()
    await waitFor(async () => (await skills()).length === 0, 30_000, 'no MCP skills on the card')
    await waitFor(() => serverPids(m).length === 0, 20_000, 'the MCP server process to end')
    // Added again under another name.
    writeFileSync(config, original.replace('name = "ev"', 'name = "ev2"'))
    await reload()
    await waitFor(async () => (await skills()).includes('ev2-get-sum'), 30_000, 'ev2 skills on the card')
    // The new capability reaches r through discovery, a moment after m's own card has it.
    const sum = await waitFor(
      async () => {
        const t = await call('ev2-get-sum', { a: 4, b: 5 }).catch((err: { reason?: string }) => {
          if (err.reason === 'NO_AGENT_FOUND') return undefined
          throw err
        })
        return t
      },
      30_000,
      'r to find and run ev2-get-sum',
    )
    expect(sum.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(sum.output.map((p) => p.text).join('')).toContain('9')
  }, 120_000)
})
