// Progress on long work, for a person at a terminal only: one line on stderr, redrawn in place and
// erased when done, so stdout (content, --json) is never touched and pipes and logs see nothing extra.
//   put report.pdf  12.0 MiB / 40.0 MiB  30%  5.2 MiB/s
//   task_01m8… WORKING  12s
import { formatDuration } from './format.ts'

export interface ProgressStream {
  isTTY?: boolean
  write(chunk: string): boolean
}

const REDRAW_MS = 100
const ERASE = '\r\u001b[K'

function mib(n: number): string {
  return n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`
}

/** "12.0 MiB / 40.0 MiB  30%  5.2 MiB/s" (without total: "12.0 MiB  5.2 MiB/s"). */
export function transferText(bytes: number, total: number | undefined, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? `${mib((bytes * 1000) / elapsedMs)}/s` : ''
  if (total == null || total <= 0) return `${mib(bytes)}  ${rate}`.trimEnd()
  const pct = Math.min(100, Math.floor((bytes * 100) / total))
  return `${mib(bytes)} / ${mib(total)}  ${pct}%  ${rate}`.trimEnd()
}

/** Whether progress should be shown: a terminal on stderr, and not --json. */
export function progressWanted(json: boolean | undefined, stream: ProgressStream = process.stderr): boolean {
  return json !== true && stream.isTTY === true
}

/** A line that is redrawn (at most every 100 ms) and erased; does nothing when disabled. */
export function createStatusLine(enabled: boolean, stream: ProgressStream = process.stderr) {
  let shown = false
  let last = 0
  return {
    /** Draws `text` unless it was drawn less than 100 ms ago (`force` draws anyway). */
    draw(text: string, force = false): void {
      if (!enabled) return
      const now = Date.now()
      if (!force && now - last < REDRAW_MS) return
      last = now
      stream.write(`${ERASE}${text}`)
      shown = true
    },
    /** Erases the line (before other output, and at the end). */
    clear(): void {
      if (!enabled || !shown) return
      stream.write(ERASE)
      shown = false
    },
  }
}

/** Byte progress of one transfer: call add() per chunk, end() when done. */
export function createTransferProgress(label: string, total: number | undefined, enabled: boolean) {
  const line = createStatusLine(enabled)
  const started = Date.now()
  let bytes = 0
  return {
    add(n: number): void {
      bytes += n
      line.draw(`${label}  ${transferText(bytes, total, Date.now() - started)}`)
    },
    end(): void {
      line.clear()
    },
  }
}

/**
 * A ticking "state, elapsed" line for a wait; `state()` is read on every tick (each second), and
 * undefined skips the tick (e.g. while other output is mid-line).
 */
export function createWaitProgress(label: string, state: () => string | undefined, enabled: boolean) {
  const line = createStatusLine(enabled)
  const started = Date.now()
  const draw = () => {
    const now = state()
    if (now != null) line.draw(`${label} ${now}  ${formatDuration(Date.now() - started)}`, true)
  }
  const timer = enabled ? setInterval(draw, 1000) : undefined
  timer?.unref()
  if (enabled) draw()
  return {
    /** Erases the line before other output; the next tick draws it again. */
    clear: () => line.clear(),
    end(): void {
      if (timer != null) clearInterval(timer)
      line.clear()
    },
  }
}
