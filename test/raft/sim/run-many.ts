// Runs a range of seeds and gathers what a test needs: failures (with replay commands) and totals
// that show the faults really happened.

import type { RunShape } from './scenarios.ts'
import { describeFailure, runSeed } from './scenarios.ts'
import type { EngineFactory, SimConfig, SimStats } from './simulation.ts'

export interface ManyResult {
  failures: string[]
  totals: SimStats
}

export function runMany(
  shape: RunShape,
  from: number,
  count: number,
  engine?: EngineFactory,
  overrides: Partial<SimConfig> = {},
): ManyResult {
  const failures: string[] = []
  const totals: Record<string, number> = {}
  for (let seed = from; seed < from + count; seed++) {
    const result = runSeed(shape, seed, engine, overrides)
    for (const [k, v] of Object.entries(result.stats)) totals[k] = (totals[k] ?? 0) + v
    if (result.violations.length > 0 || result.liveness.length > 0)
      failures.push(describeFailure(shape, result))
  }
  return { failures, totals: totals as unknown as SimStats }
}

/**
 * The seeded-run suites (simulation-short/long.test.ts): one test per batch of `count` seeds from
 * each of `starts`, each asserting no failure and that every counter in `atLeast` passed its floor,
 * so the runs really went through the faults they are meant to survive.
 */
export function seededRunSuite(
  shape: RunShape,
  batch: { starts: number[]; count: number },
  atLeast: Partial<Record<keyof SimStats, number>>,
  check: (name: string, run: () => void) => void,
): void {
  for (const from of batch.starts) {
    check(`seeds ${from}..${from + batch.count - 1}: linearizable and live under faults`, () => {
      const { failures, totals } = runMany(shape, from, batch.count)
      if (failures.length > 0) throw new Error(failures.join('\n'))
      const short = Object.entries(atLeast)
        .filter(([k, floor]) => !((totals[k as keyof SimStats] ?? 0) > (floor as number)))
        .map(([k, floor]) => `${k}: ${totals[k as keyof SimStats]} (needs > ${floor})`)
      if (short.length > 0) throw new Error(`the runs went through too few faults: ${short.join(', ')}`)
    })
  }
}
