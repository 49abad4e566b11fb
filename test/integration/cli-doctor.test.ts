// `moltmesh doctor` on a healthy setup (a running daemon with a reachable bootstrap peer) passes with
// exit 0; on a broken one (open data dir, key readable, port taken, bootstrap peer gone, no daemon)
// each problem fails with a fix hint and the exit code is 1.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { useMesh } from '../harness/mesh.ts'
import { runCli } from '../harness/run-cli.ts'

describe('moltmesh doctor', () => {
  const mesh = useMesh()
  let taken: Server | undefined

  afterAll(async () => {
    await new Promise((resolve) => (taken == null ? resolve(undefined) : taken.close(resolve)))
  })

  it('passes on a running daemon whose bootstrap peer answers', async () => {
    const [first, second] = await mesh.spawnMany(2)
    const res = await runCli(['--socket', second!.socket, 'doctor', '--data-dir', second!.dataDir], {
      env: { ...second!.env(), MOLTMESH_P2P_BOOTSTRAP: first!.info!.tcpAddress },
      cwd: second!.home,
    })
    expect(res.code, res.stdout + res.stderr).toBe(0)
    expect(res.stdout).toMatch(/^ok {4}Node\.js\s+v\d+/m)
    expect(res.stdout).toMatch(/^ok {4}data dir\s+.*\(0700, identity key 0600\)$/m)
    expect(res.stdout).toMatch(new RegExp(`^ok {4}daemon\\s+running on .* \\(${second!.did}`, 'm'))
    expect(res.stdout).toMatch(/^ok {4}ports\s+bound by the daemon: \/ip4\/127\.0\.0\.1\/tcp\//m)
    expect(res.stdout).toMatch(/^ok {4}bootstrap \/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\S+\s+reachable \(/m)
    expect(res.stdout).toMatch(/^ok {4}clock\s+20\d\d-/m)
    expect(res.stdout.trim().split('\n').at(-1)).toBe('all checks passed')
  }, 60_000)

  it('fails each broken part with a fix, and exits 1', async () => {
    taken = createServer()
    const port = await new Promise<number>((resolve) =>
      taken!.listen(0, '127.0.0.1', () => resolve((taken!.address() as { port: number }).port)),
    )
    const d = mesh.create('broken')
    mkdirSync(d.dataDir, { recursive: true })
    chmodSync(d.dataDir, 0o755)
    writeFileSync(join(d.dataDir, 'identity.key'), 'x', { mode: 0o644 })
    // A bootstrap address on loopback that nothing listens on any more.
    const gone = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port
        s.close(() => resolve(p))
      })
    })
    const bootstrap = `/ip4/127.0.0.1/tcp/${gone}/p2p/12D3KooWJwEoUr5fRHPzGMCfKsDEgNJeof6uSCLHeiHRpqz2qyqz`
    const env = { ...d.env(), MOLTMESH_P2P_BOOTSTRAP: bootstrap }
    const args = ['--socket', d.socket, 'doctor', '--data-dir', d.dataDir, '--port', String(port)]
    const res = await runCli(args, { env, cwd: d.home })
    expect(res.code, res.stdout + res.stderr).toBe(1)
    expect(res.stdout).toMatch(/^fail {2}data dir\s+.* is 0755: other users can read/m)
    expect(res.stdout).toContain(`fix: chmod 700 ${d.dataDir}`)
    expect(res.stdout).toMatch(/^warn {2}daemon\s+not running \(no socket at /m)
    expect(res.stdout).toMatch(
      new RegExp(`^fail {2}ports\\s+port ${port} on 127\\.0\\.0\\.1: tcp in use`, 'm'),
    )
    expect(res.stdout).toContain('fix: stop what uses it, or choose another with --port (0 = any)')
    expect(res.stdout).toMatch(
      new RegExp(`^fail {2}bootstrap \\S+\\s+TCP 127\\.0\\.0\\.1:${gone}: ECONNREFUSED`, 'm'),
    )
    expect(res.stdout.trim().split('\n').at(-1)).toBe('3 failed, 1 warning')

    chmodSync(d.dataDir, 0o700)
    const key = await runCli(args, { env, cwd: d.home })
    expect(key.stdout).toMatch(
      /^fail {2}data dir\s+.*identity\.key is 0644: the private key is readable by others/m,
    )

    const json = await runCli(['--json', ...args], { env, cwd: d.home })
    const report = json.json<{ ok: boolean; checks: Array<{ name: string; status: string; fix?: string }> }>()
    expect(report.ok).toBe(false)
    expect(report.checks.find((c) => c.name === 'ports')).toMatchObject({ status: 'fail' })
  }, 60_000)
})
