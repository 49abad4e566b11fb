// 200 long seeded runs: several thousand virtual milliseconds of faults each, four clients, membership
// changes and frequent compaction. A failure prints `npm run sim -- --long --seed N` to replay it.

import { describe, expect, it } from 'vitest'
import { runMany } from './sim/run-many.ts'

describe('Raft simulation, long runs', () => {
  for (const from of [1, 101]) {
    it(`seeds ${from}..${from + 99}: linearizable and live under faults`, () => {
      const { failures, totals } = runMany('long', from, 100)
      expect(failures, failures.join('\n')).toEqual([])
      expect(totals.elections).toBeGreaterThan(200)
      expect(totals.crashes).toBeGreaterThan(500)
      expect(totals.snapshotsInstalled).toBeGreaterThan(200)
      expect(totals.configCommitted).toBeGreaterThan(300)
      expect(totals.stepDowns).toBeGreaterThan(100)
      expect(totals.dedupedRetries).toBeGreaterThan(50)
      expect(totals.committed).toBeGreaterThan(20_000)
    }, 120_000) // CPU-bound: generous for a loaded machine; about 2-3 s each when idle
  }
})
