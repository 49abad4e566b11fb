// Loads the daemon configuration: defaults < moltbook.toml < MOLTMESH_* environment < flags.
// Unknown keys, wrong types and a missing explicit config file are startup errors naming the key.
// Which keys exist, their types and defaults all come from CONFIG_SCHEMA (schema.ts).

import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { parse as parseToml, TomlError } from 'smol-toml'
import { invalidArgument, MoltmeshError } from '../errors/moltmesh-error.ts'
import { coerceString, coerceTyped } from './coerce.ts'
import type { DaemonConfig } from './options.ts'
import {
  CONFIG_SCHEMA,
  type ConfigValue,
  envVarName,
  type KeySpec,
  SECTIONS,
  TABLES,
  tsPath,
} from './schema.ts'

export const CONFIG_FILE_NAME = 'moltbook.toml'
export const SOCKET_FILE_NAME = 'moltmesh.sock'
const MIN_TOKEN_LENGTH = 16

/** Command-line flags of `moltmesh start` that override configuration. */
export interface ConfigFlags {
  config?: string
  dataDir?: string
  socket?: string
  port?: number
  bootstrap?: string[]
  mdns?: boolean
  /** `start --public`: network.join_public on. */
  public?: boolean
  logLevel?: string
  uiListen?: string
  a2aListen?: string
}

export interface LoadConfigInput {
  flags?: ConfigFlags
  /** Default: process.env. */
  env?: Record<string, string | undefined>
  /** Default: process.cwd(). Relative paths from flags and env resolve against it. */
  cwd?: string
  /** Default: os.homedir(). "~" expands to it; ~/.moltmesh/moltbook.toml is searched under it. */
  homeDir?: string
}

export interface LoadedConfig {
  config: DaemonConfig
  /** The config file used, if any (absolute). */
  configFile: string | undefined
}

/**
 * MOLTMESH_* variables of moltmesh tools that are not config keys (MOLTMESH_SOCKET is one: the
 * `socket` key). None starts with a section prefix, so they would be ignored anyway; the list says so.
 */
const RESERVED_ENV = new Set(['MOLTMESH_CONFIG', 'MOLTMESH_JSON'])

/** Flags of `moltmesh start` and the key each sets; the flag name is what errors show. */
const FLAG_KEYS: Record<Exclude<keyof ConfigFlags, 'config'>, { key: string; flag: string }> = {
  dataDir: { key: 'data_dir', flag: '--data-dir' },
  socket: { key: 'socket', flag: '--socket' },
  port: { key: 'p2p.port', flag: '--port' },
  bootstrap: { key: 'p2p.bootstrap', flag: '--bootstrap' },
  mdns: { key: 'p2p.mdns', flag: '--mdns/--no-mdns' },
  public: { key: 'network.join_public', flag: '--public' },
  logLevel: { key: 'log_level', flag: '--log-level' },
  uiListen: { key: 'ui.listen', flag: '--ui-listen' },
  a2aListen: { key: 'a2a.listen', flag: '--a2a-listen' },
}

const SPEC_BY_KEY = new Map(CONFIG_SCHEMA.map((s) => [s.key, s]))
const SPEC_BY_ENV = new Map(CONFIG_SCHEMA.map((s) => [envVarName(s.key), s]))

/** One key's winning value so far, and what relative paths in it are relative to. */
interface Entry {
  value: ConfigValue
  baseDir: string
  /** Where the value came from, for errors: a file path, an env var or a flag. */
  source: string
}

/** The configuration with nothing set: schema defaults, "~" expanded. Reads no file and no env. */
export function defaultConfig(homeDir: string = homedir()): DaemonConfig {
  return build(defaultEntries(homeDir), homeDir)
}

export function loadConfig(input: LoadConfigInput = {}): LoadedConfig {
  const flags = input.flags ?? {}
  const env = input.env ?? process.env
  const cwd = input.cwd ?? process.cwd()
  const home = input.homeDir ?? homedir()

  const values = defaultEntries(cwd)

  const configFile = findConfigFile(flags, env, cwd, home)
  if (configFile != null) {
    const baseDir = dirname(configFile)
    for (const [key, value] of readConfigFile(configFile)) {
      values.set(key, { value, baseDir, source: configFile })
    }
  }

  for (const [name, raw] of Object.entries(env)) {
    if (raw == null || !name.startsWith('MOLTMESH_') || RESERVED_ENV.has(name)) continue
    const spec = SPEC_BY_ENV.get(name)
    const source = `environment variable ${name}`
    if (spec != null) {
      values.set(spec.key, { value: coerceString(spec, raw, source), baseDir: cwd, source })
    } else if (SECTIONS.some((section) => name.startsWith(`${envVarName(section)}_`))) {
      // Under a config section, a name that matches no key is a typo, not someone else's variable.
      throw invalidArgument('CONFIG_INVALID', `unknown ${source}: it matches no config key`)
    }
    // Any other MOLTMESH_* variable belongs to a client tool and is none of the daemon's business.
  }

  for (const [field, { key, flag }] of Object.entries(FLAG_KEYS)) {
    const raw = flags[field as keyof typeof FLAG_KEYS]
    if (raw === undefined) continue
    const spec = SPEC_BY_KEY.get(key) as KeySpec
    const source = `flag ${flag}`
    // Strings (commander's raw option values) parse like env values; typed values are checked as is.
    const value = typeof raw === 'string' ? coerceString(spec, raw, source) : coerceTyped(spec, raw, source)
    values.set(key, { value, baseDir: cwd, source })
  }

  return { config: build(values, home), configFile }
}

function defaultEntries(baseDir: string): Map<string, Entry> {
  return new Map(CONFIG_SCHEMA.map((s) => [s.key, { value: s.default, baseDir, source: 'default' }]))
}

function findConfigFile(
  flags: ConfigFlags,
  env: Record<string, string | undefined>,
  cwd: string,
  home: string,
): string | undefined {
  const fromEnv = env.MOLTMESH_CONFIG !== '' ? env.MOLTMESH_CONFIG : undefined
  const explicit = flags.config ?? fromEnv
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
    if (existsSync(candidate)) return resolve(candidate)
  }
  return undefined
}

/** Parses the file and checks every key in it, at any depth, against the schema. */
function readConfigFile(path: string): Map<string, ConfigValue> {
  let doc: Record<string, unknown>
  try {
    doc = parseToml(readFileSync(path, 'utf8'))
  } catch (err) {
    if (err instanceof TomlError) {
      // smol-toml's message continues with a code frame; the position is enough to find the line.
      const first = err.message.split('\n')[0]
      throw invalidArgument('CONFIG_INVALID', `cannot parse ${path}:${err.line}:${err.column}: ${first}`)
    }
    throw invalidArgument('CONFIG_INVALID', `cannot read ${path}: ${(err as Error).message}`)
  }
  const out = new Map<string, ConfigValue>()
  const walk = (table: Record<string, unknown>, prefix: string) => {
    for (const [name, value] of Object.entries(table)) {
      const key = prefix === '' ? name : `${prefix}.${name}`
      const spec = SPEC_BY_KEY.get(key)
      if (spec != null) {
        out.set(key, coerceTyped(spec, value, path))
      } else if (!TABLES.has(key)) {
        throw invalidArgument('CONFIG_INVALID', `unknown config key "${key}" in ${path}`)
      } else if (isTable(value)) {
        walk(value, key)
      } else {
        throw invalidArgument(
          'CONFIG_INVALID',
          `config key "${key}" must be a table ([${key}]), got ${JSON.stringify(value)} (from ${path})`,
        )
      }
    }
  }
  walk(doc, '')
  return out
}

function isTable(value: unknown): value is Record<string, unknown> {
  // TOML dates are objects too; tables come out of smol-toml as plain (null-prototype) objects.
  return value != null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
}

function expandHome(path: string, home: string): string {
  if (path === '~') return home
  if (path.startsWith('~/')) return join(home, path.slice(2))
  return path
}

function resolvePath(entry: Entry, home: string): string {
  const expanded = expandHome(entry.value as string, home)
  return isAbsolute(expanded) ? resolve(expanded) : resolve(entry.baseDir, expanded)
}

/** Turns the winning values into DaemonConfig: paths made absolute, cross-key rules checked. */
function build(values: Map<string, Entry>, home: string): DaemonConfig {
  const entry = (key: string) => values.get(key) as Entry

  const dataDir = resolvePath(entry('data_dir'), home)
  const resolved = new Map<string, ConfigValue>()
  for (const spec of CONFIG_SCHEMA) {
    const e = entry(spec.key)
    resolved.set(spec.key, spec.type.kind === 'path' && e.value !== '' ? resolvePath(e, home) : e.value)
  }
  // The one derived default: the socket lives in the data dir, wherever that ended up.
  if (resolved.get('socket') === '') resolved.set('socket', join(dataDir, SOCKET_FILE_NAME))

  const tcpListen = resolved.get('rpc.tcp_listen') as string
  const tcpToken = resolved.get('rpc.tcp_token') as string
  if (tcpListen !== '' && tcpToken.length < MIN_TOKEN_LENGTH) {
    const tokenSource = entry('rpc.tcp_token').source
    throw invalidArgument(
      'CONFIG_INVALID',
      `config key "rpc.tcp_token" must be at least ${MIN_TOKEN_LENGTH} characters when rpc.tcp_listen is set ` +
        `(rpc.tcp_listen from ${entry('rpc.tcp_listen').source}, rpc.tcp_token from ${tokenSource})`,
    )
  }

  const uiListen = resolved.get('ui.listen') as string
  if (
    uiListen !== '' &&
    !isLoopbackHostPort(uiListen) &&
    (resolved.get('ui.tokens') as string[]).length === 0
  ) {
    throw invalidArgument(
      'CONFIG_INVALID',
      `config key "ui.listen" (${uiListen}, from ${entry('ui.listen').source}) is not a loopback address: ` +
        'set ui.tokens to serve the web workspace beyond this host',
    )
  }
  checkA2aTokens(resolved.get('a2a.listen') as string, resolved.get('a2a.tokens') as string)

  const config: Record<string, unknown> = {}
  for (const [key, value] of resolved) setPath(config, tsPath(key), Array.isArray(value) ? [...value] : value)
  return config as unknown as DaemonConfig
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.')
  const last = parts.pop() as string
  let node = target
  for (const part of parts) {
    node[part] ??= {}
    node = node[part] as Record<string, unknown>
  }
  node[last] = value
}

/** "127.0.0.1:7421", "[::1]:7421", "localhost:7421": reachable from this host only. */
export function isLoopbackHostPort(hostPort: string): boolean {
  const host = hostPort.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/** A gateway reachable from other hosts must ask for a token: refuse to start otherwise. */
function checkA2aTokens(listen: string, tokens: string): void {
  if (listen === '') return
  const list = tokens
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
  if (list.some((t) => t.length < MIN_TOKEN_LENGTH))
    throw invalidArgument(
      'CONFIG_INVALID',
      `every a2a.tokens entry must be at least ${MIN_TOKEN_LENGTH} characters`,
    )
  if (!isLoopbackHostPort(listen) && list.length === 0)
    throw invalidArgument(
      'CONFIG_INVALID',
      `a2a.listen "${listen}" is not a loopback address: set a2a.tokens (bearer tokens) or listen on 127.0.0.1`,
    )
}
