import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultConfig, type LoadConfigInput, loadConfig } from '../../../daemon/config/load-config.ts'
import type { DaemonConfig } from '../../../daemon/config/options.ts'
import { PUBLIC_BOOTSTRAP_PEERS } from '../../../daemon/config/schema.ts'

const PEER = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWSoZeKsRNiu6eaTCvmE6JrCmxXqz6kyJ8uLosm54Qw96E'

/** A fresh root with an empty home and working directory; `load` never sees the real env or home. */
function setup() {
  const root = mkdtempSync(join(tmpdir(), 'mm-cfg-'))
  const home = join(root, 'home')
  const cwd = join(root, 'work')
  mkdirSync(home, { recursive: true })
  mkdirSync(cwd, { recursive: true })
  const load = (input: Partial<LoadConfigInput> = {}) =>
    loadConfig({ env: {}, cwd, homeDir: home, flags: {}, ...input })
  /** Writes ./moltbook.toml in the working directory and returns its path. */
  const writeLocal = (toml: string) => {
    const file = join(cwd, 'moltbook.toml')
    writeFileSync(file, toml)
    return file
  }
  return { root, home, cwd, load, writeLocal }
}

function errorOf(fn: () => unknown): { reason?: string; kind?: string; message: string } {
  try {
    fn()
  } catch (err) {
    return err as { reason?: string; kind?: string; message: string }
  }
  throw new Error('expected an error')
}

describe('defaults', () => {
  it('runs on defaults with no file, and they have exactly the shape of DaemonConfig', () => {
    const { home, load } = setup()
    const { config, configFile } = load()
    expect(configFile).toBeUndefined()
    // Typed literal: tsc fails if options.ts and this disagree; toEqual fails if the schema does.
    const expected: DaemonConfig = {
      dataDir: join(home, '.moltmesh'),
      socket: join(home, '.moltmesh', 'moltmesh.sock'),
      logLevel: 'info',
      p2p: {
        port: 4001,
        host: '0.0.0.0',
        listen: [],
        announce: [],
        transports: ['tcp', 'quic'],
        bootstrap: [],
        mdns: true,
        dhtMode: 'auto',
        dhtQueryPaths: 3,
        dhtQueryConcurrency: 3,
        relay: true,
        autonat: true,
        dcutr: true,
        connections: {
          maxConnections: 300,
          maxKnownPeers: 5000,
          maxIncomingPendingConnections: 10,
          maxParallelDials: 50,
          dialTimeoutMs: 10_000,
          inboundConnectionThreshold: 5,
          keepaliveIntervalMs: 60_000,
        },
      },
      network: {
        // Off: a default daemon never touches the public list (test/integration/dials-only-given.test.ts).
        joinPublic: false,
        publicBootstrapPeers: [...PUBLIC_BOOTSTRAP_PEERS],
        rendezvousFindIntervalMs: 10 * 60 * 1000,
        rendezvousReprovideIntervalMs: 3 * 3600 * 1000,
        relayReservations: 2,
        relayService: 'auto',
        relayMaxReservations: 128,
        relayDurationLimitMs: 3600 * 1000,
        relayDataLimitBytes: 1024 ** 3,
      },
      rpc: { tcpListen: '', tcpToken: '', reflection: true },
      ui: { listen: '', tokens: [] },
      messaging: {
        maxPayloadBytes: 1024 * 1024,
        defaultTtlMs: 72 * 3600 * 1000,
        inboxMaxMessages: 1_000_000,
        peerMaxUnackedMessages: 5000,
        peerMaxUnackedBytes: 64 * 1024 * 1024,
        knownPeerQuotaMultiplier: 10,
        strangersInboxSharePercent: 50,
        receiveRatePerSecond: 2000,
        receiveBurst: 4000,
        retryMaxDelayMs: 5 * 60 * 1000,
      },
      names: { claimTtlMs: 24 * 3600 * 1000, lookupTimeoutMs: 10_000, maxNames: 100 },
      agent: { name: '', description: '', skills: [] },
      cards: { ttlMs: 24 * 3600 * 1000 },
      discovery: { findTimeoutMs: 10_000, reprovideIntervalMs: 12 * 3600 * 1000, maxDemandEntries: 1000 },
      tasks: {
        defaultTimeoutMs: 3600 * 1000,
        defaultLeaseMs: 60_000,
        maxAttempts: 3,
        maxOpenPerRequester: 1000,
      },
      ledger: { defaultCreditLimit: '100', quoteTtlMs: 600_000 },
      artifacts: { maxBlobBytes: 1024 ** 3, gcGraceMs: 24 * 3600 * 1000, maxStreamsPerPeer: 4 },
      webhooks: {
        timeoutMs: 15_000,
        retryScheduleMs: '0,5000,300000,1800000,7200000,18000000,36000000,36000000',
        maxInFlightPerWebhook: 16,
        deliveryRetentionMs: 7 * 86_400_000,
        allowedHosts: '',
        endpoints: [],
      },
      pubsub: { maxPayloadBytes: 1024 * 1024, maxTopics: 100 },
      networks: {
        historyMaxMessages: 1000,
        historyMaxAgeMs: 24 * 3600 * 1000,
        syncIntervalMs: 60_000,
        maxNetworks: 100,
      },
      threads: {
        tickMs: 50,
        electionTicks: 10,
        heartbeatTicks: 2,
        maxFrameBytes: 4 * 1024 * 1024,
        ratePerSecond: 5_000,
        burst: 10_000,
        maxMembers: 15,
        verifyWorkers: 0,
      },
      a2a: { listen: '', tokens: '', maxBodyBytes: 4 * 1024 * 1024, remote: [] },
      mcp: { servers: [] },
    }
    expect(config).toEqual(expected)
    expect(defaultConfig(home)).toEqual(expected)
  })

  it('defaultConfig reads no file, even one in the home directory', () => {
    const { home } = setup()
    mkdirSync(join(home, '.moltmesh'))
    writeFileSync(join(home, '.moltmesh', 'moltbook.toml'), '[p2p]\nport = 1111\n')
    writeFileSync(join(home, 'moltbook.toml'), '[p2p]\nport = 2222\n')
    expect(defaultConfig(home).p2p.port).toBe(4001)
  })

  it('hands out fresh lists, so one caller cannot change the defaults of the next', () => {
    const { home } = setup()
    defaultConfig(home).p2p.transports.pop()
    expect(defaultConfig(home).p2p.transports).toEqual(['tcp', 'quic'])
  })
})

describe('config file search', () => {
  it('--config, then MOLTMESH_CONFIG, then ./moltbook.toml, then ~/.moltmesh/moltbook.toml', () => {
    const { home, root, load, writeLocal } = setup()
    mkdirSync(join(home, '.moltmesh'))
    const inHome = join(home, '.moltmesh', 'moltbook.toml')
    writeFileSync(inHome, '[p2p]\nport = 1111\n')
    expect(load()).toMatchObject({ configFile: inHome, config: { p2p: { port: 1111 } } })

    const local = writeLocal('[p2p]\nport = 2222\n')
    expect(load()).toMatchObject({ configFile: local, config: { p2p: { port: 2222 } } })

    const viaEnv = join(root, 'env.toml')
    writeFileSync(viaEnv, '[p2p]\nport = 3333\n')
    const env = { MOLTMESH_CONFIG: viaEnv }
    expect(load({ env })).toMatchObject({ configFile: viaEnv, config: { p2p: { port: 3333 } } })

    const viaFlag = join(root, 'flag.toml')
    writeFileSync(viaFlag, '[p2p]\nport = 4444\n')
    const both = load({ env, flags: { config: viaFlag } })
    expect(both).toMatchObject({ configFile: viaFlag, config: { p2p: { port: 4444 } } })
  })

  it('resolves a relative or ~ --config against the working and home directories', () => {
    const { home, cwd, load } = setup()
    mkdirSync(join(cwd, 'conf'))
    writeFileSync(join(cwd, 'conf', 'a.toml'), '[p2p]\nport = 5\n')
    writeFileSync(join(home, 'b.toml'), '[p2p]\nport = 6\n')
    expect(load({ flags: { config: 'conf/a.toml' } }).configFile).toBe(join(cwd, 'conf', 'a.toml'))
    expect(load({ flags: { config: '~/b.toml' } }).config.p2p.port).toBe(6)
  })

  it('a missing explicit file is CONFIG_NOT_FOUND, from --config or MOLTMESH_CONFIG', () => {
    const { root, load, writeLocal } = setup()
    writeLocal('') // an implicit file does not stand in for a missing explicit one
    const missing = join(root, 'nope.toml')
    const fromFlag = errorOf(() => load({ flags: { config: missing } }))
    expect(fromFlag).toMatchObject({ reason: 'CONFIG_NOT_FOUND', kind: 'invalid_argument' })
    expect(fromFlag.message).toContain(missing)
    expect(fromFlag.message).toContain('--config')
    const fromEnv = errorOf(() => load({ env: { MOLTMESH_CONFIG: missing } }))
    expect(fromEnv.reason).toBe('CONFIG_NOT_FOUND')
    expect(fromEnv.message).toContain('MOLTMESH_CONFIG')
  })

  it('an empty file is valid and changes nothing', () => {
    const { home, load, writeLocal } = setup()
    writeLocal('')
    expect(load().config).toEqual(defaultConfig(home))
  })
})

describe('precedence: flags > env > file > defaults', () => {
  it('applies each layer over the one below', () => {
    const { load, writeLocal } = setup()
    writeLocal('log_level = "warn"\n[p2p]\nport = 1\nmdns = false\ndht_mode = "server"\n')
    expect(load().config).toMatchObject({
      logLevel: 'warn',
      p2p: { port: 1, mdns: false, dhtMode: 'server', relay: true },
    })
    const env = { MOLTMESH_P2P_PORT: '2', MOLTMESH_LOG_LEVEL: 'error', MOLTMESH_P2P_MDNS: 'true' }
    expect(load({ env }).config).toMatchObject({
      logLevel: 'error',
      p2p: { port: 2, mdns: true, dhtMode: 'server' },
    })
    const flags = { port: 3, mdns: false, logLevel: 'debug' }
    expect(load({ env, flags }).config).toMatchObject({
      logLevel: 'debug',
      p2p: { port: 3, mdns: false, dhtMode: 'server' },
    })
  })

  it('start --public turns network.join_public on over a file that has it off; the env can too', () => {
    const { load, writeLocal } = setup()
    writeLocal(
      '[network]\njoin_public = false\npublic_bootstrap_peers = ["/ip4/7.17.0.1/tcp/4001/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp"]\n',
    )
    expect(load().config.network.joinPublic).toBe(false)
    expect(load({ flags: { public: true } }).config.network).toMatchObject({
      joinPublic: true,
      publicBootstrapPeers: [
        '/ip4/7.17.0.1/tcp/4001/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp',
      ],
    })
    expect(load({ env: { MOLTMESH_NETWORK_JOIN_PUBLIC: 'true' } }).config.network.joinPublic).toBe(true)
    // A public bootstrap entry must name its peer: the rendezvous only trusts peers it can verify.
    const bad = errorOf(() =>
      load({ env: { MOLTMESH_NETWORK_PUBLIC_BOOTSTRAP_PEERS: '/ip4/7.17.0.1/tcp/4001' } }),
    )
    expect(bad.message).toContain('network.public_bootstrap_peers')
  })

  it('flags set bootstrap, data dir and socket over env and file', () => {
    const { cwd, load, writeLocal } = setup()
    writeLocal('data_dir = "/file/data"\nsocket = "/file/s.sock"\n')
    const env = {
      MOLTMESH_DATA_DIR: '/env/data',
      MOLTMESH_SOCKET: '/env/s.sock',
      MOLTMESH_P2P_BOOTSTRAP: PEER,
    }
    expect(load({ env }).config).toMatchObject({
      dataDir: '/env/data',
      socket: '/env/s.sock',
      p2p: { bootstrap: [PEER] },
    })
    const flags = { dataDir: 'd', socket: 's.sock', bootstrap: [] }
    expect(load({ env, flags }).config).toMatchObject({
      dataDir: join(cwd, 'd'),
      socket: join(cwd, 's.sock'),
      p2p: { bootstrap: [] },
    })
  })
})

describe('environment variables', () => {
  it('parses lists (comma-separated) and booleans (true/false/1/0/yes/no)', () => {
    const { load } = setup()
    const { config } = load({
      env: {
        MOLTMESH_P2P_TRANSPORTS: 'quic',
        MOLTMESH_P2P_MDNS: 'no',
        MOLTMESH_P2P_BOOTSTRAP: `${PEER}, ${PEER}`,
      },
    })
    expect(config.p2p).toMatchObject({ transports: ['quic'], mdns: false, bootstrap: [PEER, PEER] })
    for (const [raw, value] of [
      ['true', true],
      ['1', true],
      ['YES', true],
      ['false', false],
      ['0', false],
      ['no', false],
    ] as const) {
      expect(load({ env: { MOLTMESH_P2P_RELAY: raw } }).config.p2p.relay).toBe(value)
    }
    expect(load({ env: { MOLTMESH_P2P_LISTEN: '' } }).config.p2p.listen).toEqual([])
  })

  it('reaches nested tables: MOLTMESH_P2P_CONNECTIONS_MAX_CONNECTIONS', () => {
    const { load } = setup()
    const env = { MOLTMESH_P2P_CONNECTIONS_MAX_CONNECTIONS: '7', MOLTMESH_P2P_DHT_MODE: 'client' }
    expect(load({ env }).config.p2p).toMatchObject({ dhtMode: 'client', connections: { maxConnections: 7 } })
  })

  it('a wrong value names the variable and the key', () => {
    const { load } = setup()
    const err = errorOf(() => load({ env: { MOLTMESH_P2P_PORT: 'abc' } }))
    expect(err.reason).toBe('CONFIG_INVALID')
    expect(err.message).toBe(
      'config key "p2p.port" must be an integer between 0 and 65535, got "abc" (from environment variable MOLTMESH_P2P_PORT)',
    )
    for (const [name, value] of [
      ['MOLTMESH_P2P_PORT', ''],
      ['MOLTMESH_P2P_PORT', '0x10'],
      ['MOLTMESH_P2P_MDNS', 'perhaps'],
      ['MOLTMESH_P2P_TRANSPORTS', 'tcp,udp'],
      ['MOLTMESH_P2P_TRANSPORTS', ''],
      ['MOLTMESH_P2P_BOOTSTRAP', '/ip4/1.2.3.4/tcp/1'],
      ['MOLTMESH_LOG_LEVEL', 'loud'],
      ['MOLTMESH_P2P_CONNECTIONS_MAX_CONNECTIONS', '0'],
      ['MOLTMESH_DATA_DIR', ''],
    ]) {
      const e = errorOf(() => load({ env: { [name as string]: value } }))
      expect(e.reason).toBe('CONFIG_INVALID')
      expect(e.message).toContain(name)
    }
  })

  it('an unknown variable under a config section is an error; other MOLTMESH_* are ignored', () => {
    const { load } = setup()
    for (const name of ['MOLTMESH_P2P_PROT', 'MOLTMESH_P2P_CONNECTIONS_MAX', 'MOLTMESH_RPC_TOKEN']) {
      const err = errorOf(() => load({ env: { [name]: '1' } }))
      expect(err.reason).toBe('CONFIG_INVALID')
      expect(err.message).toContain(name)
    }
    const env = { MOLTMESH_JSON: '1', MOLTMESH_CONFIG: '', MOLTMESH_SOMETHING: 'x', OTHER_P2P_PORT: 'x' }
    expect(load({ env }).config.p2p.port).toBe(4001)
  })

  it('MOLTMESH_SOCKET is the socket key (relative to the working directory)', () => {
    const { cwd, load } = setup()
    expect(load({ env: { MOLTMESH_SOCKET: 'here.sock' } }).config.socket).toBe(join(cwd, 'here.sock'))
  })
})

describe('flags', () => {
  it('are validated like env values, naming the flag', () => {
    const { load } = setup()
    // commander may hand over raw strings; they parse like env values.
    expect(load({ flags: { port: '0' as unknown as number } }).config.p2p.port).toBe(0)
    expect(
      load({ flags: { bootstrap: `${PEER},${PEER}` as unknown as string[] } }).config.p2p.bootstrap,
    ).toEqual([PEER, PEER])
    const cases: [Partial<LoadConfigInput>['flags'], string, string][] = [
      [{ port: 'abc' as unknown as number }, '--port', 'p2p.port'],
      [{ port: 70_000 }, '--port', 'p2p.port'],
      [{ logLevel: 'loud' }, '--log-level', 'log_level'],
      [{ bootstrap: ['not-a-multiaddr'] }, '--bootstrap', 'p2p.bootstrap'],
      [{ dataDir: '' }, '--data-dir', 'data_dir'],
    ]
    for (const [flags, flag, key] of cases) {
      const err = errorOf(() => load({ flags }))
      expect(err.reason).toBe('CONFIG_INVALID')
      expect(err.message).toContain(flag)
      expect(err.message).toContain(`"${key}"`)
    }
  })
})

describe('file errors name the key and the file', () => {
  it.each([
    ['top-level unknown key', 'colour = "blue"\n', 'colour'],
    ['nested unknown key', '[p2p]\nprot = 4001\n', 'p2p.prot'],
    ['deeply nested unknown key', '[p2p.connections]\nmax = 1\n', 'p2p.connections.max'],
    ['unknown table', '[agents]\nname = "x"\n', 'agents'],
    ['unknown table array', '[[p2p.peers]]\nname = "x"\n', 'p2p.peers'],
    ['dotted unknown key', 'p2p.connections.maximum = 1\n', 'p2p.connections.maximum'],
  ])('rejects a %s', (_label, toml, key) => {
    const { load, writeLocal } = setup()
    const file = writeLocal(toml)
    const err = errorOf(() => load())
    expect(err.reason).toBe('CONFIG_INVALID')
    expect(err.message).toBe(`unknown config key "${key}" in ${file}`)
  })

  it('rejects a wrong type with the exact rule, value and file', () => {
    const { load, writeLocal } = setup()
    const file = writeLocal('[p2p]\nport = "abc"\n')
    expect(errorOf(() => load()).message).toBe(
      `config key "p2p.port" must be an integer between 0 and 65535, got "abc" (from ${file})`,
    )
  })

  it.each([
    ['[p2p]\nport = 70000\n', 'p2p.port'],
    ['[p2p]\nport = 1.5\n', 'p2p.port'],
    ['[p2p]\nmdns = "yes"\n', 'p2p.mdns'],
    ['[p2p]\ndht_mode = "sometimes"\n', 'p2p.dht_mode'],
    ['[p2p]\ntransports = ["tcp", "udp"]\n', 'p2p.transports'],
    ['[p2p]\ntransports = ["tcp", "tcp"]\n', 'p2p.transports'],
    ['[p2p]\ntransports = []\n', 'p2p.transports'],
    ['[p2p]\nbootstrap = ["/ip4/1.2.3.4/tcp/1"]\n', 'p2p.bootstrap'],
    ['[p2p]\nlisten = "/ip4/0.0.0.0/tcp/1"\n', 'p2p.listen'],
    ['[p2p]\nannounce = ["1.2.3.4:5"]\n', 'p2p.announce'],
    ['[p2p]\nhost = "localhost"\n', 'p2p.host'],
    ['[p2p]\nhost = "300.1.1.1"\n', 'p2p.host'],
    ['[p2p.connections]\nmax_connections = 0\n', 'p2p.connections.max_connections'],
    ['[rpc]\ntcp_listen = "no port"\n', 'rpc.tcp_listen'],
    ['[rpc]\ntcp_listen = "127.0.0.1:99999"\n', 'rpc.tcp_listen'],
    ['p2p = 5\n', 'p2p'],
    ['log_level = "loud"\n', 'log_level'],
    ['data_dir = 7\n', 'data_dir'],
    ['data_dir = ""\n', 'data_dir'],
    ['socket = 1979-05-27\n', 'socket'],
  ])('rejects %j naming the key', (toml, key) => {
    const { load, writeLocal } = setup()
    const file = writeLocal(toml)
    const err = errorOf(() => load())
    expect(err.reason).toBe('CONFIG_INVALID')
    expect(err.message).toContain(`"${key}"`)
    expect(err.message).toContain(file)
  })

  it('reports a TOML syntax error with the file and line', () => {
    const { load, writeLocal } = setup()
    const file = writeLocal('log_level = "info"\n[p2p\nport = 1\n')
    const err = errorOf(() => load())
    expect(err.reason).toBe('CONFIG_INVALID')
    expect(err.message).toMatch(new RegExp(`^cannot parse ${file}:2:\\d+: `))
  })
})

describe('paths', () => {
  it('expands ~ and resolves relative paths against the file or the working directory', () => {
    const { home, cwd, root, load } = setup()
    expect(load({ flags: { dataDir: '~/x' } }).config.dataDir).toBe(join(home, 'x'))
    expect(load({ flags: { dataDir: '~' } }).config.dataDir).toBe(home)
    expect(load({ env: { MOLTMESH_DATA_DIR: 'rel' } }).config.dataDir).toBe(join(cwd, 'rel'))
    mkdirSync(join(root, 'conf'))
    const file = join(root, 'conf', 'm.toml')
    writeFileSync(file, 'data_dir = "d/../d"\nsocket = "s/sock"\n')
    expect(load({ flags: { config: file } }).config).toMatchObject({
      dataDir: join(root, 'conf', 'd'),
      socket: join(root, 'conf', 's', 'sock'),
    })
    writeFileSync(file, 'data_dir = "~/from-file"\n')
    expect(load({ flags: { config: file } }).config.dataDir).toBe(join(home, 'from-file'))
  })

  it('the default socket follows the data dir, wherever that came from', () => {
    const { cwd, root, load, writeLocal } = setup()
    expect(load({ flags: { dataDir: 'rel' } }).config).toMatchObject({
      dataDir: join(cwd, 'rel'),
      socket: join(cwd, 'rel', 'moltmesh.sock'),
    })
    writeLocal(`data_dir = "${join(root, 'file-data')}"\n`)
    expect(load().config.socket).toBe(join(root, 'file-data', 'moltmesh.sock'))
    // A flag's data dir wins over the file's, and the derived socket goes with it.
    expect(load({ flags: { dataDir: '/flag/data' } }).config.socket).toBe('/flag/data/moltmesh.sock')
    // An explicit socket in the file is kept even when the data dir comes from a flag.
    writeLocal('socket = "/file/explicit.sock"\n')
    expect(load({ flags: { dataDir: '/flag/data' } }).config.socket).toBe('/file/explicit.sock')
  })
})

describe('rpc.tcp_token', () => {
  it('is required (16+ characters) when rpc.tcp_listen is set', () => {
    const { load, writeLocal } = setup()
    const listen = { MOLTMESH_RPC_TCP_LISTEN: '127.0.0.1:50051' }
    for (const env of [listen, { ...listen, MOLTMESH_RPC_TCP_TOKEN: 'short' }]) {
      const err = errorOf(() => load({ env }))
      expect(err.reason).toBe('CONFIG_INVALID')
      expect(err.message).toContain('"rpc.tcp_token"')
    }
    const token = 'x'.repeat(16)
    expect(load({ env: { ...listen, MOLTMESH_RPC_TCP_TOKEN: token } }).config.rpc).toEqual({
      tcpListen: '127.0.0.1:50051',
      tcpToken: token,
      reflection: true,
    })
    expect(
      load({ env: { MOLTMESH_RPC_TCP_LISTEN: '[::1]:50051', MOLTMESH_RPC_TCP_TOKEN: token } }).config.rpc,
    ).toMatchObject({ tcpListen: '[::1]:50051' })
    // Without a listener a token is not needed, and a short one does no harm.
    expect(load({ env: { MOLTMESH_RPC_TCP_TOKEN: 'short' } }).config.rpc.tcpListen).toBe('')
    // The error says where each value came from.
    const file = writeLocal('[rpc]\ntcp_listen = "127.0.0.1:50051"\n')
    expect(errorOf(() => load()).message).toContain(file)
  })
})

describe('[agent] and [[agent.skills]]', () => {
  const DID = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'

  it('loads skill tables with every unset field at its default', () => {
    const { load, writeLocal } = setup()
    writeLocal(
      [
        '[agent]',
        'name = "writer"',
        '[[agent.skills]]',
        'id = "text-generation"',
        'tags = ["writing", "a2a:v1:cap:english"]',
        'price = "0.5"',
        'input_schema = \'{"type":"object"}\'',
        '[[agent.skills]]',
        'id = "a2a:v1:cap:members-only"',
        'visibility = "whitelist"',
        `allowed_dids = ["${DID}"]`,
      ].join('\n'),
    )
    const { agent } = load().config
    expect(agent.name).toBe('writer')
    expect(agent.skills).toEqual([
      {
        id: 'text-generation',
        name: '',
        description: '',
        tags: ['writing', 'a2a:v1:cap:english'],
        inputSchema: '{"type":"object"}',
        outputSchema: '',
        price: '0.5',
        visibility: 'public',
        allowedDids: [],
        handler: '',
        concurrency: 1,
        timeout: '0',
      },
      expect.objectContaining({ id: 'a2a:v1:cap:members-only', visibility: 'whitelist', allowedDids: [DID] }),
    ])
  })

  it.each([
    ['id = "Bad Id"', 'agent.skills[0].id'],
    ['id = "ok-id"\ntags = ["fine", "NOT fine"]', 'agent.skills[0].tags'],
    ['id = "ok-id"\nprice = "-1"', 'agent.skills[0].price'],
    ['id = "ok-id"\nprice = "1.1234567"', 'agent.skills[0].price'],
    ['id = "ok-id"\nprice = 3', 'agent.skills[0].price'],
    ['id = "ok-id"\nhandler = "cat"\ntimeout = "soon"', 'agent.skills[0].timeout'],
    ['id = "ok-id"\nhandler = "cat"\nconcurrency = 0', 'agent.skills[0].concurrency'],
    ['id = "ok-id"\ninput_schema = "{not json"', 'agent.skills[0].input_schema'],
    ['id = "ok-id"\noutput_schema = "[1, 2]"', 'agent.skills[0].output_schema'],
    ['id = "ok-id"\nallowed_dids = ["did:key:nope"]', 'agent.skills[0].allowed_dids'],
    ['id = "ok-id"\nvisibility = "secret"', 'agent.skills[0].visibility'],
    ['id = "ok-id"\ncolour = "blue"', 'agent.skills[0].colour'],
    ['name = "no id"', 'agent.skills[0].id'],
    ['id = "same"\n[[agent.skills]]\nid = "same"', 'agent.skills[1].id'],
  ])('refuses %j naming %s', (body, key) => {
    const { load, writeLocal } = setup()
    writeLocal(`[[agent.skills]]\n${body}\n`)
    const err = errorOf(() => load())
    expect(err.reason).toBe('CONFIG_INVALID')
    expect(err.message).toContain(`"${key}"`)
  })

  it('refuses skills that are not tables, and skills from the environment', () => {
    const { load, writeLocal } = setup()
    writeLocal('[agent]\nskills = "text-generation"\n')
    expect(errorOf(() => load()).message).toContain('"agent.skills" must be a list of tables')
    writeLocal('[agent]\nskills = [1, 2]\n')
    expect(errorOf(() => load()).message).toContain('"agent.skills" must be a list of tables')
    writeLocal('')
    const env = errorOf(() => load({ env: { MOLTMESH_AGENT_SKILLS: 'x' } }))
    expect(env.message).toContain('can only be set in moltbook.toml')
    expect(load({ env: { MOLTMESH_AGENT_NAME: 'from-env' } }).config.agent.name).toBe('from-env')
  })
})

describe('a2a gateway', () => {
  it('refuses a non-loopback listen address without tokens, and short tokens', () => {
    const { load } = setup()
    expect(errorOf(() => load({ env: { MOLTMESH_A2A_LISTEN: '0.0.0.0:7420' } })).message).toMatch(
      /a2a\.tokens/,
    )
    expect(
      errorOf(() => load({ env: { MOLTMESH_A2A_LISTEN: '127.0.0.1:7420', MOLTMESH_A2A_TOKENS: 'short' } }))
        .message,
    ).toMatch(/at least 16/)
    expect(load({ env: { MOLTMESH_A2A_LISTEN: '127.0.0.1:7420' } }).config.a2a.listen).toBe('127.0.0.1:7420')
    const open = load({
      env: { MOLTMESH_A2A_LISTEN: '0.0.0.0:7420', MOLTMESH_A2A_TOKENS: 'a-long-enough-token-1' },
    })
    expect(open.config.a2a.tokens).toBe('a-long-enough-token-1')
  })
})
