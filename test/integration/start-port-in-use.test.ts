// `moltmesh start` on a port that is taken: one plain error line naming the port and --port, exit 1,
// no stack trace and no libp2p option names.
import { createServer, type Server } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { useMesh } from '../harness/mesh.ts'
import { runCli } from '../harness/run-cli.ts'

describe('start on a port in use', () => {
  const mesh = useMesh()
  let taken: Server

  afterAll(async () => {
    await new Promise((resolve) => taken?.close(resolve))
  })

  it('says which port is in use and how to choose another', async () => {
    taken = createServer()
    const port = await new Promise<number>((resolve) =>
      taken.listen(0, '127.0.0.1', () => resolve((taken.address() as { port: number }).port)),
    )
    const d = mesh.create('busy')
    const res = await runCli(
      ['start', '--data-dir', d.dataDir, '--socket', d.socket, '--port', String(port), '--no-mdns'],
      { env: d.env(), cwd: d.home, timeoutMs: 30_000 },
    )
    expect(res.code).toBe(1)
    const lines = res.stderr.trim().split('\n')
    expect(lines[0]).toBe(
      `error: port ${port} is in use: choose another with --port (0 = any) [P2P_LISTEN_FAILED]`,
    )
    expect(lines).toHaveLength(1)
    expect(res.stderr).not.toMatch(/\bat \S+ \(|transportManager|faultTolerance/)

    // --detach: the same line first (the background daemon's own reason), then where its log is.
    const detached = await runCli(
      [
        'start',
        '--detach',
        '--data-dir',
        d.dataDir,
        '--socket',
        d.socket,
        '--port',
        String(port),
        '--no-mdns',
      ],
      { env: d.env(), cwd: d.home, timeoutMs: 60_000 },
    )
    expect(detached.code).toBe(1)
    const detachedLines = detached.stderr.trim().split('\n')
    expect(detachedLines[0]).toBe(
      `error: port ${port} is in use: choose another with --port (0 = any) [P2P_LISTEN_FAILED]`,
    )
    expect(detached.stderr).not.toMatch(/\bat \S+ \(|transportManager|faultTolerance/)
  }, 90_000)
})
