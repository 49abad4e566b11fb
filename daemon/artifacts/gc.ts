// Garbage collection of the blob store. A blob is removed when all of these hold:
//   - no reference names it (tasks and messages add references to the artifacts they carry);
//   - its pin has run out: an upload or a fetch is pinned for artifacts.gc_grace_ms from when it was
//     stored (storing the same content again extends the pin), so a blob just uploaded survives a
//     collection until the agent has had time to reference it.
// Partial downloads not touched for the grace period are removed too (counted in bytes freed only),
// and holder hints older than a week are forgotten. A dry run reports without removing anything.

import type { Logger } from '../log/logger.ts'
import type { BlobFiles } from './blob-files.ts'
import type { BlobIndex } from './blob-index.ts'
import type { BlobStore } from './blob-store.ts'
import type { KeyedLock } from './keyed-lock.ts'
import type { BlobRecord, CollectResult } from './records.ts'

export interface CollectorComponents {
  store: BlobStore
  index: BlobIndex
  files: BlobFiles
  lock: KeyedLock
  logger: Logger
  /** CIDs being downloaded right now: their partial files are in use. */
  fetching: () => ReadonlySet<string>
}

const HOLDER_TTL_MS = 7 * 24 * 3600 * 1000

export function createCollector(c: CollectorComponents) {
  async function collectable(record: BlobRecord, now: number): Promise<boolean> {
    return record.pinnedUntilMs <= now && (await c.index.references(record.cid)).length === 0
  }

  return async function collect(options: { dryRun: boolean }): Promise<CollectResult> {
    const now = Date.now()
    const candidates: BlobRecord[] = []
    for await (const record of c.index.records()) if (await collectable(record, now)) candidates.push(record)
    const partials = (await c.files.stalePartials(c.store.gcGraceMs)).filter((p) => !c.fetching().has(p.cid))
    const partialBytes = partials.reduce((n, p) => n + p.size, 0)
    if (options.dryRun) {
      return {
        removed: candidates.length,
        bytesFreed: candidates.reduce((n, r) => n + r.size, 0) + partialBytes,
        cids: candidates.map((r) => r.cid),
      }
    }
    const removed: string[] = []
    let bytesFreed = 0
    for (const candidate of candidates) {
      await c.lock(candidate.cid, async () => {
        // Checked again under the lock: a reference or a new upload may have arrived meanwhile.
        const record = await c.index.get(candidate.cid)
        if (record == null || !(await collectable(record, now))) return
        bytesFreed += await c.store.removeLocked(record)
        removed.push(record.cid)
      })
    }
    for (const p of partials) {
      if (c.fetching().has(p.cid)) continue
      await c.files.removePartial(p.cid)
      bytesFreed += p.size
    }
    await c.index.pruneHolders(now - HOLDER_TTL_MS)
    if (removed.length > 0 || partials.length > 0)
      c.logger.info({ removed: removed.length, partials: partials.length, bytesFreed }, 'collected blobs')
    return { removed: removed.length, bytesFreed, cids: removed }
  }
}
