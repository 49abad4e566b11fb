// How broadcast and topic payloads look in text output: UTF-8 text quoted, anything else by size.

import { safeText } from './terminal-safe.ts'

const utf8 = new TextDecoder('utf-8', { fatal: true })

export function payloadText(payload: Uint8Array, max = 200): string {
  let text: string
  try {
    text = utf8.decode(payload)
  } catch {
    return `(${payload.length} bytes of binary)`
  }
  // Control characters other than tab and newline mean it is not meant to be read as text.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is exactly what this looks for
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) return `(${payload.length} bytes of binary)`
  return safeText(JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text))
}
