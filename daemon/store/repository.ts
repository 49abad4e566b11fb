// A typed repository: the records of one bucket (buckets.ts), with a key codec and a value codec
// (codecs.ts). Reads decode and check each value, so callers get typed records without casts; writes
// can be made at once or returned as ops for an atomic commit with other buckets' writes.

import type { AbstractSublevel } from 'abstract-level'
import type { BucketSpec } from './buckets.ts'
import { type KeyCodec, MalformedRecordError, malformed, type ValueCodec } from './codecs.ts'
import type { Db } from './store.ts'

/** One write of an atomic batch (store.commit); repositories make them, nothing else needs their inside. */
export type StoreOp =
  | { type: 'put'; key: string; value: string; sublevel: TextSublevel }
  | { type: 'del'; key: string; sublevel: TextSublevel }

/** A sublevel with text values: the value codec encodes, the sublevel only adds its prefix. */
export type TextSublevel = AbstractSublevel<Db, string | Buffer | Uint8Array, string, string>

/** Options of the writes a repository makes itself (put, del). */
export interface WriteOptions {
  /** fsync the write-ahead log before the write resolves. */
  sync?: boolean
}

/**
 * A key range inside the bucket. Bounds are keys of the bucket (of `group` when it is given); without
 * bounds the range is the whole bucket, or the whole group.
 */
export interface Range<K, G = never> {
  group?: G
  gt?: K
  gte?: K
  lt?: K
  lte?: K
  reverse?: boolean
  limit?: number
}

export interface Repository<K, V, G = never> {
  get(key: K): Promise<V | undefined>
  /** Values for the keys, in their order (undefined where there is none). */
  getMany(keys: readonly K[]): Promise<Array<V | undefined>>
  has(key: K): Promise<boolean>
  put(key: K, value: V): Promise<void>
  del(key: K): Promise<void>
  putOp(key: K, value: V): StoreOp
  delOp(key: K): StoreOp
  keys(range?: Range<K, G>): AsyncGenerator<K>
  values(range?: Range<K, G>): AsyncGenerator<V>
  entries(range?: Range<K, G>): AsyncGenerator<[K, V]>
}

/** The first string after every string that starts with `prefix` (prefixes are ASCII). */
function afterPrefix(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)
}

export function createRepository<K, V, G>(
  name: string,
  sublevel: TextSublevel,
  spec: BucketSpec,
  keys: KeyCodec<K, G>,
  values: ValueCodec<V>,
  commit: (ops: StoreOp[], options?: WriteOptions) => Promise<void>,
  writeOptions: WriteOptions = {},
): Repository<K, V, G> {
  const { prefix } = spec
  const encodeKey = (key: K) => prefix + keys.encode(key)
  /** Decodes, naming the bucket and key when the stored data is not what the bucket holds. */
  function named<T>(key: string, decode: () => T): T {
    try {
      return decode()
    } catch (err) {
      if (!(err instanceof MalformedRecordError)) throw err
      throw malformed(`bucket ${name}, key "${key}": ${err.detail}`)
    }
  }
  const decodeKey = (raw: string) => named(raw, () => keys.decode(raw.slice(prefix.length)))
  const decodeRaw = (key: string, raw: string) => named(key, () => values.decode(raw))
  const decodeValue = (key: string, raw: string | undefined) =>
    raw === undefined ? undefined : decodeRaw(key, raw)

  function bounds(range: Range<K, G>) {
    const start = range.group !== undefined && keys.group != null ? prefix + keys.group(range.group) : prefix
    const out: { gt?: string; gte?: string; lt?: string; lte?: string; reverse?: boolean; limit?: number } =
      {}
    if (range.gt !== undefined) out.gt = encodeKey(range.gt)
    else if (range.gte !== undefined) out.gte = encodeKey(range.gte)
    else if (start !== '') out.gte = start
    if (range.lt !== undefined) out.lt = encodeKey(range.lt)
    else if (range.lte !== undefined) out.lte = encodeKey(range.lte)
    else if (start !== '') out.lt = afterPrefix(start)
    if (range.reverse === true) out.reverse = true
    if (range.limit !== undefined) out.limit = range.limit
    return out
  }

  const putOp = (key: K, value: V): StoreOp => ({
    type: 'put',
    key: encodeKey(key),
    value: values.encode(value),
    sublevel,
  })
  const delOp = (key: K): StoreOp => ({ type: 'del', key: encodeKey(key), sublevel })

  return {
    async get(key) {
      const k = encodeKey(key)
      return decodeValue(k, await sublevel.get(k))
    },
    async getMany(list) {
      const ks = list.map(encodeKey)
      return (await sublevel.getMany(ks)).map((raw, i) => decodeValue(ks[i] ?? '', raw))
    },
    has: async (key) => (await sublevel.get(encodeKey(key))) !== undefined,
    put: (key, value) => commit([putOp(key, value)], writeOptions),
    del: (key) => commit([delOp(key)], writeOptions),
    putOp,
    delOp,
    async *keys(range = {}) {
      for await (const raw of sublevel.keys(bounds(range))) yield decodeKey(raw)
    },
    async *values(range = {}) {
      // Without the keys (a scan reads less): a malformed record is named by its bucket only.
      for await (const v of sublevel.values(bounds(range))) yield decodeRaw('(in a scan)', v)
    },
    async *entries(range = {}) {
      for await (const [k, v] of sublevel.iterator(bounds(range))) yield [decodeKey(k), decodeRaw(k, v)]
    },
  }
}
