// Process-level behaviour of one daemon: data dir lock, socket handling, stable identity, signals.
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useMesh } from '../harness/mesh.ts'
import { runCli } from '../harness/run-cli.ts'

const mode = (path: string) => statSync(path).mode & 0o777

describe('daemon lifecycle', () => {
  const mesh = useMesh()

  it('creates a private data dir, key and socket, and keeps its identity across restarts and SIGKILL', async () => {
    const a = await mesh.spawn('ident')
    const did = a.did
    expect(did).toMatch(/^did:key:z6Mk/)
    expect(mode(a.dataDir)).toBe(0o700)
    expect(mode(join(a.dataDir, 'identity.key'))).toBe(0o600)
    expect(mode(a.socket)).toBe(0o600)

    await a.restart()
    expect(a.did).toBe(did)

    await a.kill()
    // SIGKILL leaves the socket file behind; the next start must replace it.
    expect(existsSync(a.socket)).toBe(true)
    await a.start()
    expect(a.did).toBe(did)
    expect(a.output.join('\n')).toContain('replaced stale socket file')
  })

  it('refuses a second daemon on the same data dir, naming the holder', async () => {
    const a = await mesh.spawn('locked')
    const second = await runCli(
      ['start', '--data-dir', a.dataDir, '--socket', join(a.home, 'other.sock'), '--port', '0', '--no-mdns'],
      { env: a.env(), cwd: a.home, timeoutMs: 30_000 },
    )
    expect(second.code).toBe(1)
    expect(second.stderr).toContain('in use by another moltmesh daemon')
    expect(second.stderr).toContain(`pid ${a.child!.pid}`)
    expect((await a.client.diag.health({})).ok).toBe(true)
  })

  it('refuses to take over a socket a live daemon is listening on', async () => {
    const a = await mesh.spawn('sock-owner')
    const other = mesh.create('sock-thief')
    const res = await runCli(
      ['start', '--data-dir', other.dataDir, '--socket', a.socket, '--port', '0', '--no-mdns'],
      {
        env: other.env(),
        cwd: other.home,
        timeoutMs: 30_000,
      },
    )
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('already listening')
    expect((await a.client.diag.health({})).did).toBe(a.did)
  })

  it('stops gracefully on SIGTERM and on `moltmesh stop`, removing the socket', async () => {
    const a = await mesh.spawn('graceful')
    expect(await a.stop()).toBe(0)
    expect(existsSync(a.socket)).toBe(false)

    await a.start()
    const stop = await a.cli('stop')
    expect(stop.code, stop.stderr).toBe(0)
    expect(await a.exited()).toBe(0)
    expect(existsSync(a.socket)).toBe(false)
  })

  it('a second SIGINT forces the exit', async () => {
    const a = await mesh.spawn('force')
    a.child!.kill('SIGINT')
    a.child!.kill('SIGINT')
    const code = await a.exited()
    expect([0, 130]).toContain(code)
  })

  it('the CLI says the daemon is not running (exit 2) instead of a stack trace', async () => {
    const a = mesh.create('absent')
    for (const command of [
      ['health'],
      ['info', '--json'],
      ['peers'],
      ['ping', 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'],
    ]) {
      const res = await a.cli(...command)
      expect(res.code).toBe(2)
      expect(res.stderr).toContain('moltmesh start')
      expect(res.stderr).not.toMatch(/\n\s+at /)
    }
  })
})
