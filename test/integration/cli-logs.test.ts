// Logs people can read: `moltmesh logs` shows a detached daemon's JSON log file as readable lines
// (filtered by --level, followed with -f), and a foreground daemon on a terminal prints readable
// lines itself (run here under `script`, which gives it a pseudo-terminal).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { waitFor } from '../harness/mesh.ts'
import { CLI_MAIN } from '../harness/paths.ts'
import { runCli } from '../harness/run-cli.ts'

const root = mkdtempSync(join(tmpdir(), 'mm-logs-'))
const env = { HOME: root, MOLTMESH_P2P_HOST: '127.0.0.1', MOLTMESH_LOG_LEVEL: 'debug' }
const READABLE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) /

function daemonArgs(name: string) {
  const dataDir = join(root, name)
  const socket = join(root, `${name}.sock`)
  return {
    dataDir,
    socket,
    args: ['start', '--data-dir', dataDir, '--socket', socket, '--port', '0', '--no-mdns'],
  }
}

const sockets: string[] = []
afterAll(async () => {
  for (const socket of sockets)
    await runCli(['--socket', socket, 'stop'], { env, timeoutMs: 20_000 }).catch(() => {})
  rmSync(root, { recursive: true, force: true })
})

describe('readable logs', () => {
  it('`logs` prints the detached daemon log readably, filters by level and follows', async () => {
    const d = daemonArgs('detached')
    sockets.push(d.socket)
    const started = await runCli([...d.args, '--detach'], { env, timeoutMs: 40_000 })
    expect(started.code, started.stderr).toBe(0)
    const cli = (...args: string[]) => runCli(['--socket', d.socket, ...args], { env })

    const logs = await cli('logs')
    expect(logs.code, logs.stderr).toBe(0)
    const lines = logs.stdout.trim().split('\n')
    expect(lines.length).toBeGreaterThan(2)
    for (const line of lines) expect(line).toMatch(READABLE)
    expect(logs.stdout).toMatch(/ INFO {2}daemon started did=did:key:z6Mk\S+ peerId=12D3KooW/)
    expect(logs.stdout).toMatch(/ DEBUG artifacts: blob store open blobs=0 bytes=0$/m)

    const warnings = await cli('logs', '--level', 'warn')
    expect(warnings.stdout).not.toMatch(/ (INFO|DEBUG) /)
    expect((await cli('logs', '--level', 'loud')).stderr).toContain('--level must be one of')
    expect((await cli('logs', '-n', '1')).stdout.trim().split('\n')).toHaveLength(1)

    const follow = spawn(process.execPath, [CLI_MAIN, '--socket', d.socket, 'logs', '-f', '-n', '0'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let followed = ''
    follow.stdout.on('data', (b: Buffer) => {
      followed += b.toString()
    })
    const exited = new Promise<number | null>((resolve) => follow.on('close', resolve))
    try {
      await waitFor(() => followed.includes('daemon started'), 10_000, 'the existing lines')
      // A new line in the file (a card published) shows up while following.
      expect((await cli('card', 'publish')).code).toBe(0)
      await waitFor(
        () => /cards: agent card published sequence=\d+ skills=0/.test(followed),
        10_000,
        'new line',
      )
    } finally {
      follow.kill('SIGINT')
    }
    expect(await exited).toBe(0)
  }, 60_000)

  it('a foreground daemon on a terminal prints readable lines, not JSON', async () => {
    const d = daemonArgs('foreground')
    sockets.push(d.socket)
    const command = [process.execPath, CLI_MAIN, ...d.args].map((a) => `'${a}'`).join(' ')
    const pty = spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    pty.stdout.on('data', (b: Buffer) => {
      out += b.toString()
    })
    const exited = new Promise<void>((resolve) => pty.on('close', () => resolve()))
    try {
      await waitFor(() => out.includes('daemon started'), 30_000, 'daemon started')
      expect(out).toMatch(/\d\d:\d\d:\d\d\.\d{3}Z INFO {2}daemon started did=did:key:/)
      expect(out).not.toContain('{"level"')
    } finally {
      await runCli(['--socket', d.socket, 'stop'], { env, timeoutMs: 20_000 }).catch(() => {})
      pty.kill('SIGTERM')
      await exited
    }
  }, 60_000)
})
