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
