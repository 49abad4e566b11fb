import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultConfig, type LoadConfigInput, loadConfig } from '../../../daemon/config/load-config.ts'
import { renderConfigDoc, renderExampleToml } from '../../../daemon/config/render-docs.ts'
import { CONFIG_SCHEMA } from '../../../daemon/config/schema.ts'
import { REPO_ROOT } from '../../harness/paths.ts'

function setup() {
  const root = mkdtempSync(join(tmpdir(), 'mm-cfg-'))
  const home = join(root, 'home')
  const cwd = join(root, 'work')
  mkdirSync(home, { recursive: true })
  mkdirSync(cwd, { recursive: true })
  const load = (input: Partial<LoadConfigInput> = {}) =>
    loadConfig({ env: {}, cwd, homeDir: home, flags: {}, ...input })
  return { root, home, cwd, load }
}

function errorOf(fn: () => unknown): { reason?: string; message: string } {
  try {
    fn()
  } catch (err) {
    return err as { reason?: string; message: string }
  }
  throw new Error('expected an error')
}

describe('loadConfig', () => {
  it('runs on defaults with no file', () => {
    const { home, load } = setup()
    const { config, configFile } = load()
    expect(configFile).toBeUndefined()
    expect(config.dataDir).toBe(join(home, '.moltmesh'))
    expect(config.socket).toBe(join(home, '.moltmesh', 'moltmesh.sock'))
    expect(config.p2p).toMatchObject({ port: 4001, mdns: true, dhtMode: 'auto', transports: ['tcp', 'quic'] })
    expect(config.logLevel).toBe('info')
  })

  it('finds ./moltbook.toml before ~/.moltmesh/moltbook.toml, and an explicit --config first of all', () => {
    const { home, cwd, root, load } = setup()
    mkdirSync(join(home, '.moltmesh'))
    writeFileSync(join(home, '.moltmesh', 'moltbook.toml'), '[p2p]\nport = 1111\n')
    expect(load().config.p2p.port).toBe(1111)
    writeFileSync(join(cwd, 'moltbook.toml'), '[p2p]\nport = 2222\n')
    expect(load().config.p2p.port).toBe(2222)
    writeFileSync(join(root, 'explicit.toml'), '[p2p]\nport = 3333\n')
    const explicit = load({ flags: { config: join(root, 'explicit.toml') } })
    expect(explicit.config.p2p.port).toBe(3333)
    expect(explicit.configFile).toBe(join(root, 'explicit.toml'))
    expect(load({ env: { MOLTMESH_CONFIG: join(root, 'explicit.toml') } }).config.p2p.port).toBe(3333)
  })

  it('precedence: flags > env > file > defaults', () => {
    const { cwd, load } = setup()
    writeFileSync(join(cwd, 'moltbook.toml'), 'log_level = "warn"\n[p2p]\nport = 1\nmdns = false\n')
    expect(load().config).toMatchObject({ logLevel: 'warn', p2p: { port: 1, mdns: false } })
    const env = { MOLTMESH_P2P_PORT: '2', MOLTMESH_LOG_LEVEL: 'error' }
    expect(load({ env }).config).toMatchObject({ logLevel: 'error', p2p: { port: 2, mdns: false } })
    expect(load({ env, flags: { port: 3, mdns: true } }).config).toMatchObject({
      logLevel: 'error',
      p2p: { port: 3, mdns: true },
    })
  })

  it('parses lists and booleans from env and flags', () => {
    const { load } = setup()
    const addr = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWSoZeKsRNiu6eaTCvmE6JrCmxXqz6kyJ8uLosm54Qw96E'
    const { config } = load({
      env: {
        MOLTMESH_P2P_TRANSPORTS: 'quic',
        MOLTMESH_P2P_MDNS: 'no',
        MOLTMESH_P2P_BOOTSTRAP: `${addr}, ${addr}`,
      },
    })
    expect(config.p2p.transports).toEqual(['quic'])
    expect(config.p2p.mdns).toBe(false)
    expect(config.p2p.bootstrap).toEqual([addr, addr])
    expect(load({ flags: { port: '0' as unknown as number } }).config.p2p.port).toBe(0)
  })

  it.each([
    ['top-level unknown key', 'colour = "blue"\n', 'colour'],
    ['nested unknown key', '[p2p]\nprot = 4001\n', 'p2p.prot'],
    ['deeply nested unknown key', '[p2p.connections]\nmax = 1\n', 'p2p.connections.max'],
    ['unknown table', '[agents]\nname = "x"\n', 'agents'],
  ])('rejects a %s, naming it', (_label, toml, key) => {
    const { cwd, load } = setup()
    writeFileSync(join(cwd, 'moltbook.toml'), toml)
    const err = errorOf(() => load())
    expect(err.reason).toBe('CONFIG_INVALID')
    expect(err.message).toContain(`"${key}"`)
    expect(err.message).toContain(join(cwd, 'moltbook.toml'))
  })

  it.each([
    ['[p2p]\nport = "many"\n', 'p2p.port'],
    ['[p2p]\nport = 70000\n', 'p2p.port'],
    ['[p2p]\nmdns = "yes"\n', 'p2p.mdns'],
    ['[p2p]\ndht_mode = "sometimes"\n', 'p2p.dht_mode'],
    ['[p2p]\ntransports = ["tcp", "udp"]\n', 'p2p.transports'],
    ['[p2p]\nbootstrap = ["/ip4/1.2.3.4/tcp/1"]\n', 'p2p.bootstrap'],
    ['p2p = 5\n', 'p2p'],
    ['log_level = "loud"\n', 'log_level'],
  ])('rejects a wrong type, naming the key: %s', (toml, key) => {
    const { cwd, load } = setup()
    writeFileSync(join(cwd, 'moltbook.toml'), toml)
    const err = errorOf(() => load())
    expect(err.reason).toBe('CONFIG_INVALID')
    expect(err.message).toContain(`"${key}"`)
  })

  it('reports TOML syntax errors with the file', () => {
    const { cwd, load } = setup()
    writeFileSync(join(cwd, 'moltbook.toml'), '[p2p\nport = 1\n')
    const err = errorOf(() => load())
    expect(err.reason).toBe('CONFIG_INVALID')
    expect(err.message).toContain('moltbook.toml')
  })

  it('names the environment variable or flag that is wrong', () => {
    const { load } = setup()
    expect(errorOf(() => load({ env: { MOLTMESH_P2P_PORT: 'x' } })).message).toContain('MOLTMESH_P2P_PORT')
    expect(errorOf(() => load({ env: { MOLTMESH_P2P_PROT: '1' } })).message).toContain('MOLTMESH_P2P_PROT')
    expect(errorOf(() => load({ flags: { port: 'abc' as unknown as number } })).message).toContain('--port')
    expect(errorOf(() => load({ flags: { logLevel: 'loud' } })).message).toContain('--log-level')
    // Unrelated MOLTMESH_* variables (client settings) are ignored.
    expect(load({ env: { MOLTMESH_JSON: '1', MOLTMESH_SOMETHING: 'x' } }).config.p2p.port).toBe(4001)
  })

  it('fails on a missing explicit config file', () => {
    const { root, load } = setup()
    const err = errorOf(() => load({ flags: { config: join(root, 'nope.toml') } }))
    expect(err.reason).toBe('CONFIG_NOT_FOUND')
    expect(err.message).toContain('nope.toml')
    expect(errorOf(() => load({ env: { MOLTMESH_CONFIG: join(root, 'nope.toml') } })).reason).toBe(
      'CONFIG_NOT_FOUND',
    )
  })

  it('resolves ~ and relative paths; the socket follows the data dir', () => {
    const { home, cwd, root, load } = setup()
    expect(load({ flags: { dataDir: 'rel' } }).config).toMatchObject({
      dataDir: join(cwd, 'rel'),
      socket: join(cwd, 'rel', 'moltmesh.sock'),
    })
    expect(load({ flags: { dataDir: '~/x' } }).config.dataDir).toBe(join(home, 'x'))
    mkdirSync(join(root, 'conf'))
    writeFileSync(join(root, 'conf', 'm.toml'), 'data_dir = "d"\nsocket = "s/sock"\n')
    const fromFile = load({ flags: { config: join(root, 'conf', 'm.toml') } }).config
    expect(fromFile.dataDir).toBe(join(root, 'conf', 'd'))
    expect(fromFile.socket).toBe(join(root, 'conf', 's', 'sock'))
  })

  it('requires a long enough token for the TCP listener', () => {
    const { load } = setup()
    const err = errorOf(() =>
      load({ env: { MOLTMESH_RPC_TCP_LISTEN: '127.0.0.1:50051', MOLTMESH_RPC_TCP_TOKEN: 'short' } }),
    )
    expect(err.message).toContain('rpc.tcp_token')
    const ok = load({
      env: { MOLTMESH_RPC_TCP_LISTEN: '127.0.0.1:50051', MOLTMESH_RPC_TCP_TOKEN: 'x'.repeat(16) },
    })
    expect(ok.config.rpc.tcpListen).toBe('127.0.0.1:50051')
    expect(errorOf(() => load({ env: { MOLTMESH_RPC_TCP_LISTEN: 'no port' } })).message).toContain(
      'MOLTMESH_RPC_TCP_LISTEN',
    )
  })
})

describe('moltbook.toml and docs/config.md', () => {
  it('the repository example sets every key to its default', () => {
    const { home } = setup()
    const loaded = loadConfig({
      env: {},
      cwd: REPO_ROOT,
      homeDir: home,
      flags: { config: join(REPO_ROOT, 'moltbook.toml') },
    })
    expect(loaded.config).toEqual(defaultConfig(home))
  })

  it('are generated from the schema and up to date (npm run gen)', () => {
    expect(readFileSync(join(REPO_ROOT, 'moltbook.toml'), 'utf8')).toBe(renderExampleToml())
    expect(readFileSync(join(REPO_ROOT, 'docs', 'config.md'), 'utf8')).toBe(renderConfigDoc())
    const doc = renderConfigDoc()
    for (const spec of CONFIG_SCHEMA) expect(doc).toContain(`\`${spec.key}\``)
  })
})
