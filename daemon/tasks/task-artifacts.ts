// Artifacts in task content. Outgoing: an artifact part that names a blob this daemon holds is
// completed from the store — inline when <= 64 KiB, else a reference naming this daemon as holder —
// and the blob is referenced by the task (kept from garbage collection). Incoming: inline content is
// verified against its CID and stored, a reference's holder is remembered so GetBlob finds it on
// demand, and the blob is referenced by the task.

import { notFound } from '../errors/moltmesh-error.ts'
import type { Logger } from '../log/logger.ts'
import type { Part } from './parts-codec.ts'

/** The part of the artifacts service tasks use (daemon/artifacts/artifacts-service.ts). */
export interface ArtifactStore {
  artifactPart(cid: string): Promise<Part>
  addReference(cid: string, ref: string): Promise<void>
  noteHolder(cid: string, did: string): Promise<void>
  put(
    meta: { name: string; mediaType: string; size: number },
    chunks: AsyncIterable<Uint8Array>,
  ): Promise<{ cid: string }>
}

export interface TaskArtifacts {
  outgoing(parts: Part[], ref: string): Promise<Part[]>
  incoming(parts: Part[], from: string, ref: string): Promise<void>
}

async function* once(data: Uint8Array): AsyncGenerator<Uint8Array> {
  yield data
}

export function createTaskArtifacts(store: ArtifactStore, logger: Logger): TaskArtifacts {
  return {
    async outgoing(parts, ref) {
      const out: Part[] = []
      for (const p of parts) {
        const a = p.artifact
        if (a == null || a.inlineData.length > 0 || a.holderDid !== '') {
          out.push(p)
          continue
        }
        const full = await store.artifactPart(a.cid).catch((err: unknown) => {
          throw notFound(
            'BLOB_NOT_FOUND',
            `artifact ${a.cid} is not stored here: upload it with PutBlob first (${(err as Error).message})`,
          )
        })
        await store.addReference(a.cid, ref)
        out.push({
          ...full,
          metadata: { ...full.metadata, ...p.metadata },
          mediaType: p.mediaType || full.mediaType,
        })
      }
      return out
    },

    async incoming(parts, from, ref) {
      for (const p of parts) {
        const a = p.artifact
        if (a == null || a.cid === '') continue
        try {
          if (a.inlineData.length > 0) {
            const stored = await store.put(
              { name: a.name, mediaType: a.mediaType, size: a.inlineData.length },
              once(a.inlineData),
            )
            if (stored.cid !== a.cid) {
              logger.warn(
                { from, cid: a.cid, actual: stored.cid },
                'inline artifact does not match its CID: not referenced',
              )
              continue
            }
          } else {
            await store.noteHolder(a.cid, a.holderDid !== '' ? a.holderDid : from)
          }
          await store.addReference(a.cid, ref)
        } catch (err) {
          logger.warn({ from, cid: a.cid, err: (err as Error).message }, 'cannot record an incoming artifact')
        }
      }
    },
  }
}
