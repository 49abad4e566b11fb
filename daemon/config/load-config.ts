// Loads the daemon configuration: defaults < moltbook.toml < MOLTMESH_* environment < flags.
// Unknown keys, wrong types and a missing explicit config file are startup errors naming the key.

import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { invalidArgument, MoltmeshError } from '../errors/moltmesh-error.ts'
import { type ConfigValue, coerceString, coerceTyped } from './coerce.ts'
import type { DaemonConfig, DhtMode, LogLevel, TransportName } from './options.ts'
import { CONFIG_SCHEMA, envVarName, type KeySpec, SECTIONS } from './schema.ts'

export const CONFIG_FILE_NAME = 'moltbook.toml'
const MIN_TOKEN_LENGTH = 16

/** Command-line flags of `moltmesh start` that override configuration. */
export interface ConfigFlags {
  config?: string
  dataDir?: string
  socket?: string
  port?: number
  bootstrap?: string[]
  mdns?: boolean
  logLevel?: string
}

export interface LoadConfigInput {
  flags?: ConfigFlags
  env?: Record<string, string | undefined>
  cwd?: string
  homeDir?: string
}

export interface LoadedConfig {
  config: DaemonConfig
  /** The config file used, if any. */
  configFile: string | undefined
}

/** Env vars that are not config keys but belong to moltmesh tools. */
const RESERVED_ENV = new Set(['MOLTMESH_CONFIG', 'MOLTMESH_JSON'])

const FLAG_KEYS: Record<Exclude<keyof ConfigFlags, 'config'>, { key: string; flag: string }> = {
  dataDir: { key: 'data_dir', flag: '--data-dir' },
  socket: { key: 'socket', flag: '--socket' },
  port: { key: 'p2p.port', flag: '--port' },
  bootstrap: { key: 'p2p.bootstrap', flag: '--bootstrap' },
  mdns: { key: 'p2p.mdns', flag: '--mdns/--no-mdns' },
  logLevel: { key: 'log_level', flag: '--log-level' },
}

const SPEC_BY_KEY = new Map(CONFIG_SCHEMA.map((s) => [s.key, s]))
/** Every table path that may appear in the TOML ("p2p", "p2p.connections", "rpc"). */
const TABLES = new Set(
  CONFIG_SCHEMA.flatMap((s) => {
    const parts = s.key.split('.')
    return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('.'))
  }),
)

interface Entry {
  value: ConfigValue
  /** Relative paths resolve against this directory. */
  baseDir: string
}

export function defaultConfig(homeDir: string = homedir()): DaemonConfig {
  return loadConfig({ env: {}, cwd: homeDir, homeDir, flags: {} }).config
}

export function loadConfig(input: LoadConfigInput = {}): LoadedConfig {
  const flags = input.flags ?? {}
  const env = input.env ?? process.env
  const cwd = input.cwd ?? process.cwd()
  const home = input.homeDir ?? homedir()

  const values = new Map<string, Entry>()
  for (const spec of CONFIG_SCHEMA) values.set(spec.key, { value: spec.default, baseDir: cwd })

  const configFile = findConfigFile(flags, env, cwd, home)
  if (configFile != null) {
    for (const [key, value] of readConfigFile(configFile))
      values.set(key, { value, baseDir: dirname(configFile) })
  }

  for (const [name, raw] of Object.entries(env)) {
    if (raw == null || !name.startsWith('MOLTMESH_') || RESERVED_ENV.has(name)) continue
    const spec = CONFIG_SCHEMA.find((s) => envVarName(s.key) === name)
    if (spec == null) {
      if (SECTIONS.some((section) => name.startsWith(`${envVarName(section)}_`))) {
        throw invalidArgument('CONFIG_INVALID', `unknown environment variable ${name} (no such config key)`)
      }
      continue // other MOLTMESH_* variables belong to clients (e.g. MOLTMESH_SOCKET is a key; others are ignored)
    }
    values.set(spec.key, { value: coerceString(spec, raw, `environment variable ${name}`), baseDir: cwd })
  }

  for (const [field, { key, flag }] of Object.entries(FLAG_KEYS)) {
    const raw = flags[field as keyof typeof FLAG_KEYS]
    if (raw === undefined) continue
    const spec = SPEC_BY_KEY.get(key) as KeySpec
    // commander hands over strings (and booleans for --no-mdns); strings parse like env values.
    const value = typeof raw === 'string' ? coerceString(spec, raw, flag) : coerceTyped(spec, raw, flag)
    values.set(key, { value, baseDir: cwd })
  }

  return { config: build(values, home), configFile }
}

function findConfigFile(
  flags: ConfigFlags,
  env: Record<string, string | undefined>,
  cwd: string,
  home: string,
): string | undefined {
  const explicit = flags.config ?? (env.MOLTMESH_CONFIG !== '' ? env.MOLTMESH_CONFIG : undefined)
  if (explicit != null) {
    const path = resolve(cwd, expandHome(explicit, home))
    if (!existsSync(path)) {
      const via = flags.config != null ? '--config' : 'MOLTMESH_CONFIG'
      throw new MoltmeshError(
        'invalid_argument',
        'CONFIG_NOT_FOUND',
        `config file ${path} (from ${via}) does not exist`,
      )
    }
    return path
  }
  for (const candidate of [join(cwd, CONFIG_FILE_NAME), join(home, '.moltmesh', CONFIG_FILE_NAME)]) {
    if (existsSync(candidate)) return candidate
  }
  return undefined
}

function readConfigFile(path: string): Map<string, ConfigValue> {
  let doc: Record<string, unknown>
  try {
    doc = parseToml(readFileSync(path, 'utf8')) as Record<string, unknown>
  } catch (err) {
    throw invalidArgument('CONFIG_INVALID', `cannot parse ${path}: ${(err as Error).message}`)
  }
  const out = new Map<string, ConfigValue>()
  const walk = (table: Record<string, unknown>, prefix: string) => {
    for (const [name, value] of Object.entries(table)) {
      const key = prefix === '' ? name : `${prefix}.${name}`
      const spec = SPEC_BY_KEY.get(key)
      if (spec != null) {
        out.set(key, coerceTyped(spec, value, `config key "${key}" (in ${path})`))
      } else if (TABLES.has(key) && value != null && typeof value === 'object' && !Array.isArray(value)) {
        walk(value as Record<string, unknown>, key)
      } else if (TABLES.has(key)) {
        throw invalidArgument('CONFIG_INVALID', `config key "${key}" (in ${path}) must be a table ([${key}])`)
      } else {
        throw invalidArgument('CONFIG_INVALID', `unknown config key "${key}" in ${path}`)
      }
    }
  }
  walk(doc, '')
  return out
}

function expandHome(path: string, home: string): string {
  if (path === '~') return home
  if (path.startsWith('~/')) return join(home, path.slice(2))
  return path
}

function resolvePath(entry: Entry, home: string): string {
  const expanded = expandHome(entry.value as string, home)
  return isAbsolute(expanded) ? expanded : resolve(entry.baseDir, expanded)
}

function build(values: Map<string, Entry>, home: string): DaemonConfig {
  const get = <T extends ConfigValue>(key: string): T => (values.get(key) as Entry).value as T
  const dataDir = resolvePath(values.get('data_dir') as Entry, home)
  const socketEntry = values.get('socket') as Entry
  const socket = socketEntry.value === '' ? join(dataDir, 'moltmesh.sock') : resolvePath(socketEntry, home)

  const tcpListen = get<string>('rpc.tcp_listen')
  const tcpToken = get<string>('rpc.tcp_token')
  if (tcpListen !== '' && tcpToken.length < MIN_TOKEN_LENGTH) {
    throw invalidArgument(
      'CONFIG_INVALID',
      `config key "rpc.tcp_token" must be at least ${MIN_TOKEN_LENGTH} characters when rpc.tcp_listen is set`,
    )
  }

  return {
    dataDir,
    socket,
    logLevel: get<LogLevel>('log_level'),
    p2p: {
      port: get<number>('p2p.port'),
      host: get<string>('p2p.host'),
      listen: get<string[]>('p2p.listen'),
      announce: get<string[]>('p2p.announce'),
      transports: get<TransportName[]>('p2p.transports'),
      bootstrap: get<string[]>('p2p.bootstrap'),
      mdns: get<boolean>('p2p.mdns'),
      dhtMode: get<DhtMode>('p2p.dht_mode'),
      relay: get<boolean>('p2p.relay'),
      autonat: get<boolean>('p2p.autonat'),
      dcutr: get<boolean>('p2p.dcutr'),
      connections: {
        maxConnections: get<number>('p2p.connections.max_connections'),
        maxIncomingPendingConnections: get<number>('p2p.connections.max_incoming_pending_connections'),
        maxParallelDials: get<number>('p2p.connections.max_parallel_dials'),
        dialTimeoutMs: get<number>('p2p.connections.dial_timeout_ms'),
        inboundConnectionThreshold: get<number>('p2p.connections.inbound_connection_threshold'),
      },
    },
    rpc: { tcpListen, tcpToken },
    messaging: {
      maxPayloadBytes: get<number>('messaging.max_payload_bytes'),
      defaultTtlMs: get<number>('messaging.default_ttl_ms'),
      inboxMaxMessages: get<number>('messaging.inbox_max_messages'),
      receiveRatePerSecond: get<number>('messaging.receive_rate_per_second'),
      receiveBurst: get<number>('messaging.receive_burst'),
      retryMaxDelayMs: get<number>('messaging.retry_max_delay_ms'),
    },
  }
}
