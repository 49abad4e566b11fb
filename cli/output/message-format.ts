// One-line rendering of messages and their parts, like the product examples:
//   msg_01ja... from did:key:z6MkAbc... "Sure, send it over"
import type { types } from '../../clients/ts/index.ts'
import { safeText } from './terminal-safe.ts'

/** One part on one line, safe for a terminal (parts come from peers). */
export function partText(p: types.Part): string {
  // JSON.stringify escapes C0 controls but not DEL or C1 ones; safeText takes those.
  if (p.text !== undefined) return safeText(JSON.stringify(p.text))
  if (p.dataJson !== undefined) return safeText(p.dataJson)
  if (p.raw !== undefined) return `<${p.raw.length} bytes>`
  if (p.artifact !== undefined)
    return safeText(`<artifact ${p.artifact.cid}${p.artifact.name ? ` ${p.artifact.name}` : ''}>`)
  return '<empty part>'
}

/** Longest message content shown in a one-line listing unless --full. */
export const LIST_CONTENT_CHARS = 200

/** The content of a message on one line; cut at `max` characters (0 = whole) with a marker. */
export function contentText(m: types.Message, max = 0): string {
  const text = m.parts.map(partText).join(' ')
  if (max <= 0 || text.length <= max) return text
  return `${text.slice(0, max)}… (${text.length - max} more characters, --full shows all)`
}

export function messageLine(m: types.Message, direction: 'in' | 'out', max = LIST_CONTENT_CHARS): string {
  const peer = direction === 'in' ? `from ${m.from}` : `to ${m.to}`
  return `${safeText(m.id)} ${safeText(peer)} ${contentText(m, max)}`
}

export const OUTBOX_STATUS_NAMES = ['queued', 'delivered', 'expired', 'failed'] as const
