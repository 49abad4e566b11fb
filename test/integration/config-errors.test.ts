// Startup errors from configuration name the offending key, through the real `moltmesh start`.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useMesh } from '../harness/mesh.ts'
import { runCli } from '../harness/run-cli.ts'

describe('bad configuration fails at startup with the key named', () => {
  const mesh = useMesh()

  const start = async (
    name: string,
    toml: string | undefined,
    extra: string[] = [],
    env: Record<string, string> = {},
  ) => {
    const d = mesh.create(name)
    const args = ['start', '--data-dir', d.dataDir, '--socket', d.socket, '--no-mdns', ...extra]
    if (toml != null) {
      const file = join(d.home, 'moltbook.toml')
      writeFileSync(file, toml)
      args.push('--config', file)
    }
    return runCli(args, { env: { ...d.env(), ...env }, cwd: d.home, timeoutMs: 30_000 })
  }

  it('unknown key', async () => {
    const res = await start('unknown', '[p2p]\nprot = 4001\n')
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('p2p.prot')
  })

  it('wrong type', async () => {
    const res = await start('wrongtype', '[p2p]\nport = "many"\n')
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('p2p.port')
  })

  it('explicit --config that does not exist', async () => {
    const d = mesh.create('missing')
    const res = await runCli(['start', '--config', join(d.home, 'nope.toml'), '--data-dir', d.dataDir], {
      env: d.env(),
      cwd: d.home,
      timeoutMs: 30_000,
    })
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('nope.toml')
  })

  it('wrong type in an environment variable names the variable', async () => {
    const res = await start('badenv', undefined, ['--port', '0'], { MOLTMESH_P2P_MDNS: 'perhaps' })
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('MOLTMESH_P2P_MDNS')
  })

  it('a valid config file is used (port and log level from the file)', async () => {
    const d = mesh.create('good')
    writeFileSync(
      join(d.home, 'moltbook.toml'),
      'log_level = "info"\n[p2p]\nport = 0\ntransports = ["tcp"]\n',
    )
    // ./moltbook.toml in the working directory is found without --config.
    await d.start()
    const info = await d.client.diag.getInfo({})
    expect(info.configFile).toBe(join(d.home, 'moltbook.toml'))
    expect(info.listenAddresses.every((a) => a.includes('/tcp/'))).toBe(true)
  })
})
