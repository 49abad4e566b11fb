// Shapes: small run-time checks of stored JSON that also carry the TypeScript type they check.
//
// Values read back from the database are `unknown` until a shape says what they are. A shape's `is()`
// is a type guard, so a record that passed it needs no cast; `object<T>()` takes one shape per field
// of T, so adding a field to a stored record type fails to compile until its shape says how to check
// it. Checks are about structure (types, required fields, enum members), not the subsystem's rules:
// those were applied before the record was written.

export interface Shape<T> {
  /** Whether `v` has type T. */
  is(v: unknown): v is T
  /** Why `v` is not a T: the first mismatch, as "field: expected x" (call after `is` returned false). */
  why(v: unknown): string
}

function leaf<T>(expected: string, is: (v: unknown) => v is T): Shape<T> {
  return { is, why: (v) => `expected ${expected}, got ${describe(v)}` }
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'string') return v.length > 40 ? 'a string' : JSON.stringify(v)
  return typeof v
}

export const str: Shape<string> = leaf('a string', (v): v is string => typeof v === 'string')
export const num: Shape<number> = leaf(
  'a number',
  (v): v is number => typeof v === 'number' && Number.isFinite(v),
)
export const bool: Shape<boolean> = leaf('a boolean', (v): v is boolean => typeof v === 'boolean')

/** Any JSON value: for data whose structure belongs to someone else (checked where it is used). */
export const anything: Shape<unknown> = {
  is: (v): v is unknown => v !== undefined,
  why: () => 'expected a value',
}

/** One of a fixed set of strings or numbers (an enum, a string union, a literal). */
export function oneOf<const T extends string | number>(...values: readonly T[]): Shape<T> {
  const allowed = new Set<unknown>(values)
  return leaf(`one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, (v): v is T => allowed.has(v))
}

/** A field that may be absent (or undefined). */
export function optional<T>(shape: Shape<T>): Shape<T | undefined> {
  return { is: (v): v is T | undefined => v === undefined || shape.is(v), why: (v) => shape.why(v) }
}

/** A field that may be null. */
export function nullable<T>(shape: Shape<T>): Shape<T | null> {
  return { is: (v): v is T | null => v === null || shape.is(v), why: (v) => shape.why(v) }
}

export function array<T>(item: Shape<T>): Shape<T[]> {
  return {
    is(v): v is T[] {
      if (!Array.isArray(v)) return false
      for (const x of v) if (!item.is(x)) return false
      return true
    },
    why(v) {
      if (!Array.isArray(v)) return `expected an array, got ${describe(v)}`
      const i = v.findIndex((x) => !item.is(x))
      return `[${i}]: ${item.why(v[i])}`
    },
  }
}

/** A string-keyed map with values of one shape. */
export function dict<T>(value: Shape<T>): Shape<Record<string, T>> {
  return {
    is: (v): v is Record<string, T> => isPlainObject(v) && Object.values(v).every((x) => value.is(x)),
    why(v) {
      if (!isPlainObject(v)) return `expected an object, got ${describe(v)}`
      const bad = Object.entries(v).find(([, x]) => !value.is(x))
      return bad == null ? 'unexpected' : `${bad[0]}: ${value.why(bad[1])}`
    },
  }
}

/** Either of two shapes. */
export function either<A, B>(a: Shape<A>, b: Shape<B>): Shape<A | B> {
  return { is: (v): v is A | B => a.is(v) || b.is(v), why: (v) => `${a.why(v)}; or ${b.why(v)}` }
}

/**
 * An object with one shape per field of T (every field, optional ones included, must be listed).
 * Fields not listed are allowed and kept: a record written by a newer daemon still reads.
 */
export function object<T extends object>(fields: { [K in keyof Required<T>]: Shape<T[K]> }): Shape<T> {
  const entries: Array<[string, Shape<unknown>]> = Object.entries(fields)
  const fieldOk = (o: Record<string, unknown>, [k, s]: [string, Shape<unknown>]) => s.is(o[k])
  return {
    // A plain loop: this runs for every record read, so it is kept cheap.
    is(v): v is T {
      if (!isPlainObject(v)) return false
      for (const [k, s] of entries) if (!s.is(v[k])) return false
      return true
    },
    why(v) {
      if (!isPlainObject(v)) return `expected an object, got ${describe(v)}`
      const bad = entries.find((e) => !fieldOk(v, e))
      return bad == null ? 'unexpected' : `${bad[0]}: ${bad[1].why(v[bad[0]])}`
    },
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
