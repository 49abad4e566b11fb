// A2A parts <-> moltmesh parts. text <-> text, data <-> JSON part, file by URL <-> a text-free part
// carrying the URL in metadata, file bytes (`raw`) -> an artifact in the blob store (uploaded by the
// caller, see gateway-methods.ts) and back to `raw` when the artifact is small enough to be inline.

import type { DeepPartial } from '../../clients/ts/deep-partial.ts'
import type { Artifact, Part } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import type { A2aPart } from './a2a-types.ts'
import { invalidParams } from './json-rpc-errors.ts'

/** Part metadata key carrying a file URL (our parts have no URL content). */
export const URL_METADATA = 'a2a.url'
const FILENAME_METADATA = 'a2a.filename'
/** Where blobs that are not inline can be read: the gateway serves nothing else, so name the CID. */
export const ARTIFACT_URL_PREFIX = 'moltmesh:artifact:'

export type UploadBytes = (bytes: Buffer, name: string, mediaType: string) => Promise<Artifact>

function stringMetadata(metadata: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(metadata ?? {})) out[k] = typeof v === 'string' ? v : JSON.stringify(v)
  return out
}

export async function fromA2aParts(parts: unknown, upload: UploadBytes): Promise<DeepPartial<Part>[]> {
  if (!Array.isArray(parts) || parts.length === 0)
    throw invalidParams('message.parts must be a non-empty list')
  const out: DeepPartial<Part>[] = []
  for (const [i, raw] of parts.entries()) {
    if (raw == null || typeof raw !== 'object') throw invalidParams(`message.parts[${i}] is not an object`)
    const p = raw as A2aPart
    const mediaType = typeof p.mediaType === 'string' ? p.mediaType : ''
    const metadata = stringMetadata(p.metadata)
    if (typeof p.text === 'string') out.push({ text: p.text, mediaType, metadata })
    else if (p.data !== undefined)
      out.push({ dataJson: JSON.stringify(p.data), mediaType: mediaType || 'application/json', metadata })
    else if (typeof p.raw === 'string') {
      const bytes = Buffer.from(p.raw, 'base64')
      const name = typeof p.filename === 'string' ? p.filename : ''
      const artifact = await upload(bytes, name, mediaType || 'application/octet-stream')
      out.push({ artifact, mediaType: artifact.mediaType, metadata })
    } else if (typeof p.url === 'string') {
      if (p.url.length > 4096) throw invalidParams(`message.parts[${i}].url is longer than 4096 characters`)
      const name = typeof p.filename === 'string' ? p.filename : ''
      out.push({
        text: p.url,
        mediaType: 'text/uri-list',
        metadata: {
          ...metadata,
          [URL_METADATA]: p.url,
          ...(name !== '' ? { [FILENAME_METADATA]: name } : {}),
        },
      })
    } else throw invalidParams(`message.parts[${i}] has no text, data, raw or url`)
  }
  return out
}

export function toA2aParts(parts: readonly Part[]): A2aPart[] {
  return parts.map((p): A2aPart => {
    const metadata = Object.keys(p.metadata ?? {}).length > 0 ? { ...p.metadata } : undefined
    const mediaType = p.mediaType !== '' ? p.mediaType : undefined
    if (p.text != null) {
      const url = p.metadata?.[URL_METADATA]
      if (url != null)
        return { url, mediaType: undefined, filename: p.metadata?.[FILENAME_METADATA], metadata }
      return { text: p.text, mediaType, metadata }
    }
    if (p.dataJson != null) return { data: JSON.parse(p.dataJson) as unknown, mediaType, metadata }
    if (p.raw != null) return { raw: Buffer.from(p.raw).toString('base64'), mediaType, metadata }
    const a = p.artifact
    if (a != null) {
      const filename = a.name !== '' ? a.name : undefined
      const type = a.mediaType !== '' ? a.mediaType : mediaType
      if (a.inlineData.length > 0 || a.size === 0)
        return { raw: Buffer.from(a.inlineData).toString('base64'), mediaType: type, filename, metadata }
      return { url: `${ARTIFACT_URL_PREFIX}${a.cid}`, mediaType: type, filename, metadata }
    }
    return { text: '', metadata }
  })
}
