// Checks and converts one config value against its schema type. TOML values arrive typed; env and flag
// values arrive as strings and are parsed first. Errors name where the value came from.

import { invalidArgument } from '../errors/moltmesh-error.ts'
import type { KeySpec } from './schema.ts'

export type ConfigValue = string | number | boolean | string[]

const TRANSPORTS = ['tcp', 'quic']
const TRUE = ['true', '1', 'yes', 'on']
const FALSE = ['false', '0', 'no', 'off']

/** `what` names the source in errors, e.g. `config key "p2p.port" (in /x/moltbook.toml)`. */
export function coerceTyped(spec: KeySpec, raw: unknown, what: string): ConfigValue {
  const t = spec.type
  const fail = (expected: string): never => {
    throw invalidArgument('CONFIG_INVALID', `${what} must be ${expected}, got ${JSON.stringify(raw)}`)
  }
  switch (t.kind) {
    case 'string':
    case 'path': {
      if (typeof raw !== 'string') return fail('a string')
      if (t.kind === 'string' && t.pattern != null && !t.pattern.test(raw))
        return fail(t.patternText ?? String(t.pattern))
      return raw
    }
    case 'int': {
      const n = typeof raw === 'bigint' ? Number(raw) : raw
      if (typeof n !== 'number' || !Number.isInteger(n) || n < t.min || n > t.max) {
        return fail(`an integer between ${t.min} and ${t.max}`)
      }
      return n
    }
    case 'bool':
      if (typeof raw !== 'boolean') return fail('true or false')
      return raw
    case 'enum':
      if (typeof raw !== 'string' || !t.values.includes(raw)) return fail(`one of ${t.values.join(', ')}`)
      return raw
    case 'list': {
      if (!Array.isArray(raw) || raw.some((x) => typeof x !== 'string')) return fail('a list of strings')
      const items = raw as string[]
      if (t.item === 'transport') {
        if (
          items.length === 0 ||
          items.some((x) => !TRANSPORTS.includes(x)) ||
          new Set(items).size !== items.length
        ) {
          return fail('a non-empty list of distinct transports from "tcp", "quic"')
        }
      } else {
        for (const item of items) {
          if (!item.startsWith('/')) return fail('a list of multiaddrs (each starting with "/")')
          if (t.item === 'peer-multiaddr' && !/\/p2p\/[1-9A-HJ-NP-Za-km-z]+$/.test(item)) {
            return fail('a list of multiaddrs ending in /p2p/<peer id>')
          }
        }
      }
      return [...items]
    }
  }
}

/** Parses an env var or flag string into the key's type, then checks it. */
export function coerceString(spec: KeySpec, raw: string, what: string): ConfigValue {
  const t = spec.type
  const fail = (expected: string): never => {
    throw invalidArgument('CONFIG_INVALID', `${what} must be ${expected}, got ${JSON.stringify(raw)}`)
  }
  switch (t.kind) {
    case 'int':
      if (!/^-?\d+$/.test(raw.trim())) return fail(`an integer between ${t.min} and ${t.max}`)
      return coerceTyped(spec, Number(raw.trim()), what)
    case 'bool': {
      const v = raw.trim().toLowerCase()
      if (TRUE.includes(v)) return true
      if (FALSE.includes(v)) return false
      return fail('true or false')
    }
    case 'list':
      return coerceTyped(
        spec,
        raw
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
        what,
      )
    default:
      return coerceTyped(spec, raw, what)
  }
}
