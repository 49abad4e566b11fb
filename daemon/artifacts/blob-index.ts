// Blob metadata in the `blobs` sublevel. Keys:
//   b!<cid>          BlobRecord of a blob held in the local store
//   r!<cid>!<ref>    a reference ("task:<id>", "message:<id>", …) that keeps the blob from garbage
//                    collection; value: when it was added. A reference may name a blob not held yet
//                    (a task result fetched on demand later).
//   h!<cid>!<did>    an agent known to hold the blob (learned from fetches and artifact references);
//                    value: when we learned it. Used to fetch without an explicit `from`.
// Records are written with sync: the acknowledgement of an upload or a fetch follows the write.

import type { JsonSublevel, Store } from '../store/store.ts'
import type { BlobRecord } from './records.ts'

type Value = BlobRecord | number

/** Holders remembered per blob; the oldest are forgotten beyond this. */
const MAX_HOLDERS = 16
// classic-level honours `sync` (fsync of the write-ahead log); abstract-level's option types omit it.
const SYNC = { sync: true } as object

/** Upper bound of a key range with this prefix (the character after "!" sorts after every key). */
const rangeOf = (prefix: string) => ({ gt: prefix, lt: `${prefix}\uffff` })

export async function openBlobIndex(store: Store) {
  const db: JsonSublevel<Value> = store.sublevel<Value>('blobs')

  async function keysOf(prefix: string): Promise<string[]> {
    const keys: string[] = []
    for await (const key of db.keys(rangeOf(prefix))) keys.push(key)
    return keys
  }

  return {
    async get(cid: string): Promise<BlobRecord | undefined> {
      return (await db.get(`b!${cid}`)) as BlobRecord | undefined
    },

    async put(record: BlobRecord): Promise<void> {
      await db.put(`b!${record.cid}`, record, SYNC)
    },

    async delete(cid: string): Promise<void> {
      await db.del(`b!${cid}`, SYNC)
    },

    async *records(): AsyncGenerator<BlobRecord> {
      for await (const value of db.values(rangeOf('b!'))) yield value as BlobRecord
    },

    async addReference(cid: string, ref: string): Promise<void> {
      await db.put(`r!${cid}!${ref}`, Date.now(), SYNC)
    },

    /** Returns whether the reference existed. */
    async removeReference(cid: string, ref: string): Promise<boolean> {
      const key = `r!${cid}!${ref}`
      if ((await db.get(key)) === undefined) return false
      await db.del(key, SYNC)
      return true
    },

    async references(cid: string): Promise<string[]> {
      return (await keysOf(`r!${cid}!`)).map((k) => k.slice(`r!${cid}!`.length))
    },

    async noteHolder(cid: string, did: string): Promise<void> {
      const prefix = `h!${cid}!`
      const known: Array<{ key: string; at: number }> = []
      for await (const [key, at] of db.iterator(rangeOf(prefix))) known.push({ key, at: at as number })
      const stale = known
        .filter((h) => h.key !== prefix + did)
        .sort((x, y) => y.at - x.at)
        .slice(MAX_HOLDERS - 1)
      await db.batch([
        { type: 'put', key: prefix + did, value: Date.now() },
        ...stale.map((h) => ({ type: 'del' as const, key: h.key })),
      ])
    },

    /** Known holders of a blob, most recently learned first. */
    async holders(cid: string): Promise<string[]> {
      const prefix = `h!${cid}!`
      const known: Array<{ did: string; at: number }> = []
      for await (const [key, at] of db.iterator(rangeOf(prefix)))
        known.push({ did: key.slice(prefix.length), at: at as number })
      return known.sort((x, y) => y.at - x.at).map((h) => h.did)
    },

    /** Forgets holders learned before `beforeMs`; returns how many. */
    async pruneHolders(beforeMs: number): Promise<number> {
      const stale: string[] = []
      for await (const [key, at] of db.iterator(rangeOf('h!'))) if ((at as number) < beforeMs) stale.push(key)
      if (stale.length > 0) await db.batch(stale.map((key) => ({ type: 'del' as const, key })))
      return stale.length
    },
  }
}

export type BlobIndex = Awaited<ReturnType<typeof openBlobIndex>>
