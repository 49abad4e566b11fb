// Converting between task/message parts and plain values, so handlers can take and return strings
// and objects instead of building Part messages.

import type { DeepPartial } from '../deep-partial.ts'
import type { Part } from '../gen/moltmesh/v1/types.ts'

/** What a handler may return or a caller may pass as content. */
export type Content =
  | string
  | Uint8Array
  | DeepPartial<Part>[]
  | Record<string, unknown>
  | unknown[]
  | number
  | boolean
  | null

const isPartList = (v: unknown): v is DeepPartial<Part>[] =>
  Array.isArray(v) &&
  v.length > 0 &&
  v.every(
    (p) =>
      p != null && typeof p === 'object' && ('text' in p || 'dataJson' in p || 'raw' in p || 'artifact' in p),
  )

/**
 * A string becomes one text part, bytes one raw part, a list of parts stays as it is, and anything
 * else becomes one JSON part. `undefined` and an empty list are no parts (as in the Python SDK).
 */
export function toParts(content: Content | undefined): DeepPartial<Part>[] {
  if (content === undefined || (Array.isArray(content) && content.length === 0)) return []
  if (typeof content === 'string') return [{ text: content }]
  if (content instanceof Uint8Array) return [{ raw: Buffer.from(content) }]
  if (isPartList(content)) return content
  return [{ dataJson: JSON.stringify(content), mediaType: 'application/json' }]
}

/** The text parts joined by newlines ('' when there are none). */
export function textOf(parts: readonly Part[] | undefined): string {
  return (parts ?? [])
    .map((p) => p.text)
    .filter((t): t is string => t != null)
    .join('\n')
}

/** The first JSON part, parsed (undefined when there is none). */
export function dataOf<T = unknown>(parts: readonly Part[] | undefined): T | undefined {
  const json = (parts ?? []).find((p) => p.dataJson != null)?.dataJson
  return json == null ? undefined : (JSON.parse(json) as T)
}
