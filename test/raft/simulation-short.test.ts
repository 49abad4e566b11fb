// 2000 short seeded runs of the Raft simulation, each checked for linearizability and liveness.
// A failure prints the seed and `npm run sim -- --short --seed N` to replay it.

import { describe, expect, it } from 'vitest'
import { runMany } from './sim/run-many.ts'

describe('Raft simulation, short runs', () => {
  for (const from of [1, 1001]) {
    it(`seeds ${from}..${from + 999}: linearizable and live under faults`, () => {
      const { failures, totals } = runMany('short', from, 1000)
      expect(failures, failures.join('\n')).toEqual([])
      // The runs really went through the faults they are meant to survive.
      expect(totals.elections).toBeGreaterThan(1000)
      expect(totals.crashes).toBeGreaterThan(1000)
      expect(totals.partitions).toBeGreaterThan(1000)
      expect(totals.duplicatesDelivered).toBeGreaterThan(1000)
      expect(totals.forwarded).toBeGreaterThan(1000)
      expect(totals.followerReads).toBeGreaterThan(500)
      expect(totals.configCommitted).toBeGreaterThan(500)
      expect(totals.snapshotsInstalled).toBeGreaterThan(20)
      expect(totals.stepDowns).toBeGreaterThan(100)
      expect(totals.dedupedRetries).toBeGreaterThan(30)
      expect(totals.committed).toBeGreaterThan(10_000)
    }, 120_000) // CPU-bound: generous for a loaded machine; about 2-3 s each when idle
  }
})
