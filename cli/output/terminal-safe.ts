// Peer-supplied text (card names, skill ids, message and task content, error messages from workers) is
// printed to a terminal, and a terminal obeys control characters in it: ESC starts sequences that clear
// the screen, recolour or retitle it, CR overwrites the line, BEL beeps, a newline forges output lines.
// Text output shows them as visible escapes instead; --json output is never altered (JSON.stringify
// already escapes C0 characters, and scripts need the exact value).

import { format } from 'node:util'

// C0 controls, DEL, C1 controls (U+0080-U+009F: 8-bit CSI/OSC), and the bidi overrides and isolates
// that reorder what follows them on the line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this matches
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
// The same, except tab and newline: for multi-line text such as streamed task output.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this matches
const CONTROL_KEEP_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

const NAMED: Record<string, string> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\u0000': '\\0',
  '\u001b': '\\e',
}

function visible(ch: string): string {
  const named = NAMED[ch]
  if (named != null) return named
  const code = ch.charCodeAt(0)
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`
}

/** One-line text: every control character (newlines too) becomes a visible escape such as `\e` or `\x07`. */
export function safeText(text: string): string {
  return text.replace(CONTROL, visible)
}

/** Multi-line text: like safeText, but newlines and tabs stay. */
export function safeBlock(text: string): string {
  return text.replace(CONTROL_KEEP_LINES, visible)
}

const guarded = new WeakSet<object>()

/**
 * The last line of defence for text output: console.log/info/warn/error escape control characters
 * other than newline and tab in whatever they print, so a peer string that a formatter missed still
 * cannot drive the terminal. Installed for text output only (never with --json, never for `mcp`, whose
 * stdout is a protocol); raw bytes written to process.stdout (`blob get`) are not touched.
 */
export function guardConsole(target: Pick<Console, 'log' | 'info' | 'warn' | 'error'> = console): void {
  if (guarded.has(target)) return
  guarded.add(target)
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    const original = target[method].bind(target)
    target[method] = (...args: unknown[]) => original(safeBlock(format(...args)))
  }
}
