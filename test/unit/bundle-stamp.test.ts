// The bundle's stamp decides whether a command may run the bundle (cli/bundle/bundle-stamp.ts): any
// change to a file it was built from, or another Node, sends it back to the sources.
import { describe, expect, it } from 'vitest'
import { type BundleStamp, fileState, STAMP_FORMAT, staleness } from '../../cli/bundle/bundle-stamp.ts'

function stampOf(paths: string[]): BundleStamp {
  const files = paths.map((p) => [p, ...(fileState(p) as [number, number])] as [string, number, number])
  return { format: STAMP_FORMAT, builtAtMs: Date.now(), node: process.version, files }
}

describe('bundle stamp', () => {
  const paths = ['cli/program.ts', 'daemon/daemon.ts', 'package-lock.json']

  it('is fresh while every file it lists is unchanged', () => {
    expect(staleness(stampOf(paths))).toBeUndefined()
  })

  it('is stale when a listed file changed size or time, or is gone', () => {
    const sized = stampOf(paths)
    sized.files[1]![1] += 1
    expect(staleness(sized)).toBe('daemon/daemon.ts changed')
    const timed = stampOf(paths)
    timed.files[0]![2] -= 1000
    expect(staleness(timed)).toBe('cli/program.ts changed')
    const gone = stampOf(paths)
    gone.files.push(['daemon/no-such-file.ts', 1, 1])
    expect(staleness(gone)).toBe('daemon/no-such-file.ts is gone')
  })

  it('is stale for another Node or another stamp format', () => {
    expect(staleness(stampOf(paths), 'v0.0.1')).toMatch(/built by Node .* running v0\.0\.1/)
    expect(staleness({ ...stampOf(paths), format: STAMP_FORMAT + 1 })).toMatch(/bundle format/)
  })

  it('knows a missing file from a present one', () => {
    expect(fileState('package.json')?.[0]).toBeGreaterThan(0)
    expect(fileState('no/such/file')).toBeUndefined()
  })
})
