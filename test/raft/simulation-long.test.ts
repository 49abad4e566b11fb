// 200 long seeded runs: several thousand virtual milliseconds of faults each, four clients, membership
// changes and frequent compaction. A failure prints `npm run sim -- --long --seed N` to replay it.

import { describe, it } from 'vitest'
import { seededRunSuite } from './sim/run-many.ts'

describe('Raft simulation, long runs', () => {
  seededRunSuite(
    'long',
    { starts: [1, 101], count: 100 },
    {
      elections: 200,
      crashes: 500,
      snapshotsInstalled: 200,
      configCommitted: 300,
      stepDowns: 100,
      // Client retries answered "duplicate" (32-34 per 100 seeds; answers to duplicated forwards do not count).
      dedupedRetries: 20,
      committed: 20_000,
    },
    (name, run) => it(name, run, 120_000), // CPU-bound: generous for a loaded machine; 2-3 s each idle
  )
})
