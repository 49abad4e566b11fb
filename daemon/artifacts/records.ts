// What the artifacts subsystem stores about a blob. Content lives in files under <dataDir>/blobs/;
// these records live in the `blobs` sublevel (see blob-index.ts for the keys).

/** Blobs up to this size travel inline in an Artifact (`inline_data`); larger ones by reference. */
export const INLINE_ARTIFACT_MAX_BYTES = 65_536

/** A blob held in the local store. */
export interface BlobRecord {
  /** Canonical CIDv1 (raw, sha2-256), base32. */
  cid: string
  size: number
  mediaType: string
  name: string
  createdAtMs: number
  /**
   * Garbage collection leaves the blob alone until then, even with no reference: an upload (or a
   * fetch) is pinned for the grace period so the agent has time to reference it. Storing the same
   * content again extends it.
   */
  pinnedUntilMs: number
  /** How the content arrived: PutBlob, or fetched from `fetchedFrom`. */
  origin: 'upload' | 'fetch'
  fetchedFrom: string
}

/** Metadata given with an upload. */
export interface PutMetadata {
  name: string
  mediaType: string
  /** Expected size in bytes; 0 = not given (then not checked). */
  size: number
}

export interface CollectResult {
  removed: number
  bytesFreed: number
  /** CIDs removed (or that would be, on a dry run). */
  cids: string[]
}
