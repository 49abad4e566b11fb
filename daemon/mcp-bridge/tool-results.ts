// An MCP tools/call result as task output parts: text -> text, structuredContent -> one JSON part,
// images, audio and embedded binary resources -> artifacts in the blob store, embedded text
// resources -> text (with their URI in metadata), resource links -> text carrying the URI.

import type { DeepPartial } from '../../clients/ts/deep-partial.ts'
import type { Artifact, Part } from '../../clients/ts/gen/moltmesh/v1/types.ts'

export type UploadBytes = (bytes: Buffer, name: string, mediaType: string) => Promise<Artifact>

interface ContentItem {
  type: string
  text?: string
  data?: string
  mimeType?: string
  uri?: string
  name?: string
  resource?: { uri?: string; text?: string; blob?: string; mimeType?: string }
}

/** The text of every text item (what a tool error says). */
export function resultText(content: readonly unknown[] | undefined): string {
  return (content ?? [])
    .map((c) => (c as ContentItem).text)
    .filter((t): t is string => typeof t === 'string')
    .join('\n')
}

export async function toOutputParts(
  result: { content?: unknown[]; structuredContent?: unknown },
  upload: UploadBytes,
): Promise<DeepPartial<Part>[]> {
  const parts: DeepPartial<Part>[] = []
  for (const [i, raw] of (result.content ?? []).entries()) {
    const item = raw as ContentItem
    if (item.type === 'text' && typeof item.text === 'string') parts.push({ text: item.text })
    else if ((item.type === 'image' || item.type === 'audio') && typeof item.data === 'string') {
      const mediaType = item.mimeType ?? 'application/octet-stream'
      const artifact = await upload(Buffer.from(item.data, 'base64'), `${item.type}-${i}`, mediaType)
      parts.push({ artifact, mediaType })
    } else if (item.type === 'resource' && item.resource != null) {
      const r = item.resource
      const metadata = r.uri != null ? { 'mcp.uri': r.uri } : {}
      if (typeof r.text === 'string') parts.push({ text: r.text, mediaType: r.mimeType ?? '', metadata })
      else if (typeof r.blob === 'string') {
        const artifact = await upload(
          Buffer.from(r.blob, 'base64'),
          r.uri ?? `resource-${i}`,
          r.mimeType ?? '',
        )
        parts.push({ artifact, mediaType: artifact.mediaType, metadata })
      }
    } else if (item.type === 'resource_link' && typeof item.uri === 'string')
      parts.push({ text: item.uri, mediaType: 'text/uri-list', metadata: { 'mcp.uri': item.uri } })
  }
  if (result.structuredContent != null)
    parts.push({ dataJson: JSON.stringify(result.structuredContent), mediaType: 'application/json' })
  return parts
}
