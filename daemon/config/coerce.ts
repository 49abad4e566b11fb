// Checks and converts one config value against its schema type. TOML values arrive typed; env and flag
// values arrive as strings and are parsed first. Every error names the key and where the value came
// from, so a user can find the line to fix.

import { invalidArgument } from '../errors/moltmesh-error.ts'
import type { ConfigValue, KeySpec, KeyType } from './schema.ts'

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
      } else if (
        items.some((x) => !x.startsWith('/') || (t.item === 'peer-multiaddr' && !PEER_ID_SUFFIX.test(x)))
      ) {
        return fail(expectedOf(t))
      }
      return [...items]
    }
  }
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
      return 'a list of multiaddrs (each starting with "/")'
  }
}

function show(raw: unknown): string {
  if (typeof raw === 'bigint') return String(raw)
  // TOML dates are objects; JSON.stringify(undefined) would print nothing at all.
  return JSON.stringify(raw) ?? String(raw)
}
