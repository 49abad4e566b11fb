// Readable log lines from the daemon's JSON (pino) records, for a person at a terminal: a foreground
// daemon on a TTY prints these, and `moltmesh logs` turns a log file into them. The JSON stays what is
// written to files and pipes.
//   2026-12-02 08:03:51.671Z INFO  cards: agent card published sequence=1796197635319 skills=1

export const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
}

/** Level numbers by name, for filtering (`--level warn`). */
export const LEVEL_VALUES: Record<string, number> = Object.fromEntries(
  Object.entries(LEVEL_NAMES).map(([n, name]) => [name.toLowerCase(), Number(n)]),
)

// Log values can come from peers (DIDs, reasons, names): control characters never reach the terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this matches
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
const escapeControls = (s: string) =>
  s.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

const PLAIN = /^[\w.:/@+,-]+$/

function value(v: unknown): string {
  if (typeof v === 'string') return PLAIN.test(v) ? v : escapeControls(JSON.stringify(v))
  if (v != null && typeof v === 'object' && 'message' in v && typeof v.message === 'string')
    return escapeControls(JSON.stringify(v.message)) // a serialized error: its message, not its stack
  return escapeControls(JSON.stringify(v) ?? String(v))
}

const OMIT = new Set(['level', 'time', 'pid', 'msg', 'component', 'hostname', 'v'])

/** One readable line for a parsed log record. */
export function prettyRecord(record: Record<string, unknown>): string {
  const time = typeof record.time === 'string' ? record.time.replace('T', ' ') : String(record.time ?? '')
  const level = (LEVEL_NAMES[record.level as number] ?? String(record.level)).padEnd(5)
  const component = typeof record.component === 'string' ? `${record.component}: ` : ''
  const fields = Object.entries(record)
    .filter(([k]) => !OMIT.has(k))
    .map(([k, v]) => `${k}=${value(v)}`)
  const msg = escapeControls(String(record.msg ?? ''))
  return `${time} ${level} ${component}${msg}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}`
}

/** A line of a log file: JSON records become readable, anything else is shown (escaped) as it is. */
export function prettyLine(line: string): { text: string; level?: number } {
  if (line.startsWith('{')) {
    try {
      const record = JSON.parse(line) as Record<string, unknown>
      return {
        text: prettyRecord(record),
        level: typeof record.level === 'number' ? record.level : undefined,
      }
    } catch {
      // not a JSON record
    }
  }
  return { text: escapeControls(line) }
}
