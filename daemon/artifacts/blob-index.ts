// Blob metadata in the `blobs` sublevel. Buckets (store/buckets.ts):
//   blobs.records     <cid> -> BlobRecord of a blob held in the local store
//   blobs.references  <cid>!<ref>: a reference ("task:<id>", "message:<id>", …) that keeps the blob from
//                     garbage collection; value: when it was added. A reference may name a blob not held
//                     yet (a task result fetched on demand later).
//   blobs.holders     <cid>!<did>: an agent known to hold the blob (learned from fetches and artifact
//                     references); value: when we learned it. Used to fetch without an explicit `from`.
// Records are written with sync: the acknowledgement of an upload or a fetch follows the write.

import { json, pair, single, text } from '../store/codecs.ts'
import { num, object, oneOf, type Shape, str } from '../store/shape.ts'
import type { Store } from '../store/store.ts'
import type { BlobRecord } from './records.ts'

/** Holders remembered per blob; the oldest are forgotten beyond this. */
const MAX_HOLDERS = 16
const SYNC = { sync: true }

const blobRecordShape: Shape<BlobRecord> = object<BlobRecord>({
  cid: str,
  size: num,
  mediaType: str,
  name: str,
  createdAtMs: num,
  pinnedUntilMs: num,
  origin: oneOf('upload', 'fetch'),
  fetchedFrom: str,
})

export async function openBlobIndex(store: Store) {
  const records = store.repository('blobs.records', single(text), json(blobRecordShape), SYNC)
  const references = store.repository('blobs.references', pair(text, text), json(num), SYNC)
  const holders = store.repository('blobs.holders', pair(text, text), json(num))

  return {
    get: (cid: string): Promise<BlobRecord | undefined> => records.get(cid),

    put: (record: BlobRecord): Promise<void> => records.put(record.cid, record),

    delete: (cid: string): Promise<void> => records.del(cid),

    records: (): AsyncGenerator<BlobRecord> => records.values(),

    addReference: (cid: string, ref: string): Promise<void> => references.put([cid, ref], Date.now()),

    /** Returns whether the reference existed. */
    async removeReference(cid: string, ref: string): Promise<boolean> {
      if (!(await references.has([cid, ref]))) return false
      await references.del([cid, ref])
      return true
    },

    async references(cid: string): Promise<string[]> {
      const out: string[] = []
      for await (const [, ref] of references.keys({ group: cid })) out.push(ref)
      return out
    },

    async noteHolder(cid: string, did: string): Promise<void> {
      const known: Array<{ did: string; at: number }> = []
      for await (const [[, holder], at] of holders.entries({ group: cid })) known.push({ did: holder, at })
      const stale = known
        .filter((h) => h.did !== did)
        .sort((x, y) => y.at - x.at)
        .slice(MAX_HOLDERS - 1)
      await store.commit([
        holders.putOp([cid, did], Date.now()),
        ...stale.map((h) => holders.delOp([cid, h.did])),
      ])
    },

    /** Known holders of a blob, most recently learned first. */
    async holders(cid: string): Promise<string[]> {
      const known: Array<{ did: string; at: number }> = []
      for await (const [[, did], at] of holders.entries({ group: cid })) known.push({ did, at })
      return known.sort((x, y) => y.at - x.at).map((h) => h.did)
    },

    /** Forgets holders learned before `beforeMs`; returns how many. */
    async pruneHolders(beforeMs: number): Promise<number> {
      const stale: Array<[string, string]> = []
      for await (const [key, at] of holders.entries()) if (at < beforeMs) stale.push(key)
      if (stale.length > 0) await store.commit(stale.map((key) => holders.delOp(key)))
      return stale.length
    },
  }
}

export type BlobIndex = Awaited<ReturnType<typeof openBlobIndex>>
