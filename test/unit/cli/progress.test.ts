// Progress lines: drawn on a terminal only (never with --json or to a pipe), redrawn in place at most
// every 100 ms, erased at the end; transfer text shows bytes, total, percent and rate.
import { describe, expect, it } from 'vitest'
import {
  createStatusLine,
  createWaitProgress,
  progressWanted,
  transferText,
} from '../../../cli/output/progress.ts'

function fakeStream(isTTY: boolean) {
  const writes: string[] = []
  return {
    writes,
    stream: {
      isTTY,
      write: (s: string) => {
        writes.push(s)
        return true
      },
    },
  }
}

describe('progress', () => {
  it('is wanted on a terminal without --json only', () => {
    expect(progressWanted(false, { isTTY: true, write: () => true })).toBe(true)
    expect(progressWanted(true, { isTTY: true, write: () => true })).toBe(false)
    expect(progressWanted(false, { isTTY: false, write: () => true })).toBe(false)
    expect(progressWanted(false, { write: () => true })).toBe(false)
  })

  it('formats transfers', () => {
    expect(transferText(12 * 1024 * 1024, 40 * 1024 * 1024, 2000)).toBe('12.0 MiB / 40.0 MiB  30%  6.0 MiB/s')
    expect(transferText(512, undefined, 1000)).toBe('0.5 KiB  0.5 KiB/s')
    expect(transferText(10, 0, 0)).toBe('0.0 KiB')
  })

  it('redraws in place, throttled, and erases; a disabled line writes nothing', () => {
    const on = fakeStream(true)
    const line = createStatusLine(true, on.stream)
    line.draw('one')
    line.draw('two') // within 100 ms: skipped
    line.draw('three', true)
    line.clear()
    line.clear() // nothing shown: nothing to erase
    expect(on.writes).toEqual(['\r\u001b[Kone', '\r\u001b[Kthree', '\r\u001b[K'])
    const off = fakeStream(true)
    const quiet = createStatusLine(false, off.stream)
    quiet.draw('x', true)
    quiet.clear()
    expect(off.writes).toEqual([])
  })

  it('a wait line shows state and elapsed time and is erased at the end', () => {
    const writes: string[] = []
    const original = process.stderr.write
    process.stderr.write = ((s: string) => writes.push(s) > 0) as typeof process.stderr.write
    try {
      const wait = createWaitProgress('task_1', () => 'WORKING', true)
      wait.end()
      const skipped = createWaitProgress('task_2', () => undefined, true)
      skipped.end()
    } finally {
      process.stderr.write = original
    }
    expect(writes).toEqual(['\r\u001b[Ktask_1 WORKING  0s', '\r\u001b[K'])
  })
})
