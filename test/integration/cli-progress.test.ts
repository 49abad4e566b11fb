// Progress on a terminal: `blob put` and `create-task --wait` draw a status line on stderr when run
// on a pseudo-terminal (under `script`); through pipes, and with --json, nothing extra is printed.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh } from '../harness/mesh.ts'
import { CLI_MAIN } from '../harness/paths.ts'

/** Runs the CLI on a pseudo-terminal; returns everything the terminal showed. */
function onTerminal(d: DaemonProcess, ...args: string[]): Promise<string> {
  const command = [process.execPath, CLI_MAIN, '--socket', d.socket, ...args].map((a) => `'${a}'`).join(' ')
  return new Promise((resolve) => {
    const pty = spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, ...d.env() },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    pty.stdout.on('data', (b: Buffer) => {
      out += b.toString()
    })
    pty.on('close', () => resolve(out))
  })
}

describe('progress on a terminal', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let file: string

  beforeAll(async () => {
    a = await mesh.spawn('progress')
    file = join(a.home, 'big.bin')
    writeFileSync(file, Buffer.alloc(8 * 1024 * 1024, 7))
  }, 60_000)

  it('blob put shows bytes and rate on a terminal, and nothing through a pipe or with --json', async () => {
    const shown = await onTerminal(a, 'blob', 'put', file)
    expect(shown).toMatch(/put big\.bin {2}\d+\.\d MiB \/ 8\.0 MiB {2}\d+% {2}[\d.]+ [KM]iB\/s/)
    expect(shown).toContain('\u001b[K') // erased before the result
    expect(shown).toMatch(/CID\s+bafkrei/)
    const json = await onTerminal(a, '--json', 'blob', 'put', file)
    expect(json).not.toContain('put big.bin')
    const piped = await a.cli('blob', 'put', file)
    expect(piped.code).toBe(0)
    expect(piped.stderr).toBe('')
  }, 60_000)

  it('wait-task shows the state and elapsed time while waiting', async () => {
    const b = await mesh.spawn('progress-b', { bootstrap: [a.info!.tcpAddress] })
    await b.client.a2a.publishAgentCard({ card: { name: 'b', skills: [{ id: 'idle' }] } })
    await a.client.diag.connectPeer({ target: b.info!.tcpAddress })
    const task = (await a.client.a2a.createTask({ to: b.did, skill: 'idle', input: [{ text: 'x' }] })).task!
    const shown = await onTerminal(a, 'wait-task', '--id', task.id, '--timeout', '4s')
    expect(shown).toMatch(/task_\w+…\w{4} waiting {2}0s/)
    expect(shown).toMatch(/task_\w+…\w{4} SUBMITTED {2}[23]s/)
    expect(shown).toMatch(/Status\s+SUBMITTED/)
  }, 60_000)
})
