// Key and value codecs of the typed repositories (repository.ts).
//
// A key codec turns a record's id (a string, a sequence number, or a pair such as (peer, seq)) into
// the part of the LevelDB key after its bucket's prefix, and back. A value codec turns a record into
// the stored text and back; `json(shape)` checks what it reads, so a malformed or foreign value is
// an error at the read instead of a wrongly typed object deep inside a subsystem.
//
// The encodings are the ones the stores used before repositories existed (JSON values as written by
// level's 'json' encoding, "!"-separated key parts, sequence numbers as 16-digit zero-padded
// decimals), so data dirs written by earlier versions read unchanged; see the store fixture test.

import { seqKey } from '../common/ids.ts'
import { MoltmeshError } from '../errors/moltmesh-error.ts'
import type { Shape } from './shape.ts'

export interface KeyCodec<K, G = never> {
  encode(key: K): string
  decode(raw: string): K
  /** The key text shared by every key of a group (a pair's first part): scans stay inside it. */
  group?(group: G): string
}

export interface ValueCodec<V> {
  encode(value: V): string
  decode(raw: string): V
}

/** One part of a key: its text must sort like the value (numbers are padded) and contain no "!". */
export interface PartCodec<T> {
  encode(value: T): string
  decode(raw: string): T
}

export const text: PartCodec<string> = { encode: (s) => s, decode: (s) => s }

/** A sequence number, zero-padded (seqKey) so that key order is numeric order. */
export const seq: PartCodec<number> = {
  encode: seqKey,
  decode(raw) {
    const n = Number(raw)
    if (raw === '' || !Number.isSafeInteger(n)) throw malformed(`sequence key "${raw}"`)
    return n
  },
}

/** A key of one part. */
export function single<T>(part: PartCodec<T>): KeyCodec<T> {
  return { encode: part.encode, decode: part.decode }
}

/**
 * A key of two parts, "<a>!<b>", grouped by the first: every key of one `a` sorts together, in the
 * order of `b`. The first part must not contain "!" (ids, DIDs and hashes never do); the second may.
 */
export function pair<A, B>(a: PartCodec<A>, b: PartCodec<B>): KeyCodec<[A, B], A> {
  return {
    encode: ([x, y]) => `${a.encode(x)}!${b.encode(y)}`,
    decode(raw) {
      const cut = raw.indexOf('!')
      if (cut < 0) throw malformed(`key "${raw}" has no "!" between its parts`)
      return [a.decode(raw.slice(0, cut)), b.decode(raw.slice(cut + 1))]
    },
    group: (x) => `${a.encode(x)}!`,
  }
}

/** The key of a bucket that holds a single record (its prefix is the whole key). */
export const unit: KeyCodec<null> = {
  encode: () => '',
  decode(raw) {
    if (raw !== '') throw malformed(`unexpected key suffix "${raw}"`)
    return null
  },
}

/** JSON text (what level's 'json' value encoding wrote), checked against `shape` when read. */
export function json<V>(shape: Shape<V>): ValueCodec<V> {
  return {
    encode: (value) => JSON.stringify(value),
    decode(raw) {
      let value: unknown
      try {
        value = JSON.parse(raw)
      } catch {
        throw malformed('value is not JSON')
      }
      if (!shape.is(value)) throw malformed(`value ${shape.why(value)}`)
      return value
    },
  }
}

/** A stored record that does not decode: data written by something else, or damaged. */
export class MalformedRecordError extends MoltmeshError {
  /** What is wrong, without the common prefix of the message. */
  readonly detail: string
  constructor(detail: string) {
    super('internal', 'STORE_RECORD_MALFORMED', `stored record is malformed: ${detail}`)
    this.detail = detail
  }
}

export const malformed = (detail: string): MalformedRecordError => new MalformedRecordError(detail)
