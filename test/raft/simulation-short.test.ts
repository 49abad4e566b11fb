// 2000 short seeded runs of the Raft simulation, each checked for linearizability and liveness.
// A failure prints the seed and `npm run sim -- --short --seed N` to replay it.

import { describe, it } from 'vitest'
import { seededRunSuite } from './sim/run-many.ts'

describe('Raft simulation, short runs', () => {
  seededRunSuite(
    'short',
    { starts: [1, 1001], count: 1000 },
    {
      elections: 1000,
      crashes: 1000,
      partitions: 1000,
      duplicatesDelivered: 1000,
      forwarded: 1000,
      followerReads: 500,
      configCommitted: 500,
      snapshotsInstalled: 20,
      stepDowns: 100,
      // Client retries answered "duplicate" (20-21 per 1000 seeds; answers to duplicated forwards do not count).
      dedupedRetries: 12,
      committed: 10_000,
    },
    (name, run) => it(name, run, 120_000), // CPU-bound: generous for a loaded machine; 2-3 s each idle
  )
})
