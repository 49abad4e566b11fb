// Artifacts in message and task content. Small blobs (<= INLINE_ARTIFACT_MAX_BYTES) travel inline so
// the recipient needs no second round trip; larger ones travel as a reference with the holder's DID,
// and the recipient fetches them on demand (GetBlob with `from`, or fetchFrom in the daemon).

import type { Artifact, Part } from '../wire/gen/moltmesh/wire/v1/parts.ts'
import { type BlobRecord, INLINE_ARTIFACT_MAX_BYTES } from './records.ts'

export { INLINE_ARTIFACT_MAX_BYTES }

/** The Artifact describing a stored blob; `inlineData` only when given (the caller read it). */
export function artifactOf(record: BlobRecord, holderDid: string, inlineData?: Uint8Array): Artifact {
  return {
    cid: record.cid,
    size: record.size,
    mediaType: record.mediaType,
    name: record.name,
    inlineData: Buffer.from(inlineData ?? new Uint8Array(0)),
    holderDid,
  }
}

/**
 * A content part referencing a stored blob, with the content inline when it is small enough.
 * `readAll` reads the blob (only called for small blobs).
 */
export async function artifactPart(
  record: BlobRecord,
  holderDid: string,
  readAll: (cid: string) => Promise<Uint8Array>,
): Promise<Part> {
  const inline = record.size <= INLINE_ARTIFACT_MAX_BYTES ? await readAll(record.cid) : undefined
  return {
    artifact: artifactOf(record, holderDid, inline),
    mediaType: record.mediaType,
    metadata: {},
  }
}
