// Checks and converts one config value against its schema type. TOML values arrive typed; env and flag
// values arrive as strings and are parsed first. Every error names the key and where the value came
// from, so a user can find the line to fix.

import { invalidArgument } from '../errors/moltmesh-error.ts'
import { isDid } from '../identity/did.ts'
import {
  type ConfigTable,
  type ConfigValue,
  isCapabilityName,
  type KeySpec,
  type KeyType,
  tsPath,
} from './schema.ts'

const TRANSPORTS = ['tcp', 'quic']
const TRUE = ['true', '1', 'yes', 'on']
const FALSE = ['false', '0', 'no', 'off']
// Base58btc alphabet: a PeerId after /p2p/ (CIDv1 peer ids in base32 are lowercase, also covered).
const PEER_ID_SUFFIX = /\/p2p\/[1-9A-HJ-NP-Za-km-z]+$/

/**
 * `source` says where the value came from: a file path, "environment variable MOLTMESH_P2P_PORT" or
 * "flag --port". Errors read `config key "p2p.port" must be ..., got "abc" (from <source>)`.
 */
export function coerceTyped(spec: KeySpec, raw: unknown, source: string): ConfigValue {
  const t = spec.type
  const fail = (expected: string): never => {
    throw invalidArgument(
      'CONFIG_INVALID',
      `config key "${spec.key}" must be ${expected}, got ${show(raw)} (from ${source})`,
    )
  }
  switch (t.kind) {
    case 'string':
      if (typeof raw !== 'string') return fail(t.expected ?? 'a string')
      if (t.valid != null && !t.valid(raw)) return fail(t.expected ?? 'a valid value')
      return raw
    case 'path':
      if (typeof raw !== 'string' || (raw === '' && t.emptyMeans == null)) return fail(expectedOf(t))
      return raw
    case 'int': {
      const n = typeof raw === 'bigint' ? Number(raw) : raw
      if (typeof n !== 'number' || !Number.isInteger(n) || n < t.min || n > t.max) return fail(expectedOf(t))
      return n
    }
    case 'bool':
      if (typeof raw !== 'boolean') return fail(expectedOf(t))
      return raw
    case 'enum':
      if (typeof raw !== 'string' || !t.values.includes(raw)) return fail(expectedOf(t))
      return raw
    case 'list': {
      if (!Array.isArray(raw) || raw.some((x) => typeof x !== 'string')) return fail(expectedOf(t))
      const items = raw as string[]
      if (t.item === 'transport') {
        const distinct = new Set(items).size === items.length
        if (items.length === 0 || !distinct || items.some((x) => !TRANSPORTS.includes(x))) {
          return fail(expectedOf(t))
        }
      } else if (t.item === 'capability') {
        if (items.some((x) => !isCapabilityName(x))) return fail(expectedOf(t))
      } else if (t.item === 'did') {
        if (items.some((x) => !isDid(x))) return fail(expectedOf(t))
      } else if (t.item === 'token') {
        if (items.some((x) => x.length < 16 || /\s/.test(x))) return fail(expectedOf(t))
      } else if (t.item === 'string') {
        // any strings
      } else if (
        items.some((x) => !x.startsWith('/') || (t.item === 'peer-multiaddr' && !PEER_ID_SUFFIX.test(x)))
      ) {
        return fail(expectedOf(t))
      }
      return [...items]
    }
    case 'table-list':
      if (!Array.isArray(raw) || raw.some((x) => !isPlainTable(x))) return fail(expectedOf(t))
      return coerceTables(spec.key, t.fields, t.unique, raw as Array<Record<string, unknown>>, source)
  }
}

function isPlainTable(value: unknown): value is Record<string, unknown> {
  return value != null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
}

/** Checks each table of a `[[key]]` list against its fields; errors name `key[i].field`. */
function coerceTables(
  key: string,
  fields: readonly KeySpec[],
  unique: string,
  tables: Array<Record<string, unknown>>,
  source: string,
): ConfigTable[] {
  const seen = new Map<ConfigValue, number>()
  return tables.map((table, i) => {
    const at = `${key}[${i}]`
    for (const name of Object.keys(table)) {
      if (!fields.some((f) => f.key === name))
        throw invalidArgument('CONFIG_INVALID', `unknown config key "${at}.${name}" in ${source}`)
    }
    const out: ConfigTable = {}
    for (const field of fields) {
      const value = table[field.key]
      if (value === undefined && field.required)
        throw invalidArgument(
          'CONFIG_INVALID',
          `config key "${at}.${field.key}" is required (from ${source})`,
        )
      out[tsPath(field.key)] =
        value === undefined
          ? structuredClone(field.default)
          : coerceTyped({ ...field, key: `${at}.${field.key}` }, value, source)
    }
    const id = out[tsPath(unique)] as ConfigValue
    const first = seen.get(id)
    if (first != null) {
      throw invalidArgument(
        'CONFIG_INVALID',
        `config key "${at}.${unique}" repeats ${JSON.stringify(id)} of ${key}[${first}] (from ${source})`,
      )
    }
    seen.set(id, i)
    return out
  })
}

/** Parses an env var or flag string into the key's type, then checks it like a TOML value. */
export function coerceString(spec: KeySpec, raw: string, source: string): ConfigValue {
  const t = spec.type
  switch (t.kind) {
    case 'int': {
      const v = raw.trim()
      // Number('') is 0 and Number('0x10') is 16: only plain decimal digits count as an integer here.
      return coerceTyped(spec, /^-?\d+$/.test(v) ? Number(v) : raw, source)
    }
    case 'bool': {
      const v = raw.trim().toLowerCase()
      if (TRUE.includes(v)) return true
      if (FALSE.includes(v)) return false
      return coerceTyped(spec, raw, source)
    }
    case 'list':
      return coerceTyped(
        spec,
        raw
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
        source,
      )
    case 'table-list':
      throw invalidArgument(
        'CONFIG_INVALID',
        `config key "${spec.key}" can only be set in moltbook.toml ([[${spec.key}]] tables), not from ${source}`,
      )
    default:
      return coerceTyped(spec, raw, source)
  }
}

/** The rule a key's values must follow, in words (errors and docs share it). */
export function expectedOf(t: KeyType): string {
  switch (t.kind) {
    case 'string':
      return t.expected ?? 'a string'
    case 'path':
      return t.emptyMeans == null ? 'a non-empty path' : 'a path (or empty)'
    case 'int':
      return `an integer between ${t.min} and ${t.max}`
    case 'bool':
      return 'true or false'
    case 'enum':
      return `one of ${t.values.map((v) => `"${v}"`).join(', ')}`
    case 'list':
      if (t.item === 'transport') return 'a non-empty list of distinct transports from "tcp", "quic"'
      if (t.item === 'peer-multiaddr') return 'a list of multiaddrs ending in /p2p/<peer id>'
      if (t.item === 'capability') return 'a list of capabilities (lowercase words joined by hyphens)'
      if (t.item === 'did') return 'a list of Ed25519 DIDs (did:key:z6Mk...)'
      if (t.item === 'token') return 'a list of tokens of at least 16 characters without spaces'
      if (t.item === 'string') return 'a list of strings'
      return 'a list of multiaddrs (each starting with "/")'
    case 'table-list':
      return `a list of tables ([[...]])`
  }
}

function show(raw: unknown): string {
  if (typeof raw === 'bigint') return String(raw)
  // TOML dates are objects; JSON.stringify(undefined) would print nothing at all.
  return JSON.stringify(raw) ?? String(raw)
}
