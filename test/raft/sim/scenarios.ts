// Run shapes: many short runs catch most bugs cheaply; fewer long runs reach deeper states (several
// leader changes, compaction, membership changes under load). Each shape derives its details from the
// seed, so a seed alone replays a run.

import { Prng } from './prng.ts'
import { type EngineFactory, runSimulation, type SimConfig, type SimResult } from './simulation.ts'

export type RunShape = 'short' | 'long'

export function scenario(shape: RunShape, seed: number, engine?: EngineFactory): SimConfig {
  const r = new Prng(seed ^ 0x5eed)
  const voters = r.chance(0.6) ? 3 : 5
  const base = {
    seed,
    voters,
    faults: true,
    membershipChanges: r.chance(0.5),
    ...(engine == null ? {} : { engine }),
  }
  if (shape === 'short') {
    return {
      ...base,
      spares: 1,
      clients: 2,
      opsPerClient: r.int(4, 10),
      chaosMs: r.int(400, 900),
      settleMs: 3000,
      compactEvery: r.int(6, 20),
    }
  }
  return {
    ...base,
    spares: 2,
    clients: 4,
    opsPerClient: r.int(30, 60),
    chaosMs: r.int(3000, 6000),
    settleMs: 5000,
    compactEvery: r.int(10, 40),
  }
}

export function runSeed(
  shape: RunShape,
  seed: number,
  engine?: EngineFactory,
  overrides: Partial<SimConfig> = {},
): SimResult {
  return runSimulation({ ...scenario(shape, seed, engine), ...overrides })
}

export function replayCommand(shape: RunShape, seed: number): string {
  return `npm run sim -- --${shape} --seed ${seed}`
}

/** One line per failed seed: what broke and how to replay it. */
export function describeFailure(shape: RunShape, result: SimResult): string {
  const problems = [
    ...result.violations.map((v) => `${v.rule}: ${v.detail}`),
    ...result.liveness.map((l) => `liveness: ${l}`),
  ]
  return `seed ${result.seed} (${shape}) failed: ${problems.slice(0, 5).join('; ')}${
    problems.length > 5 ? ` (+${problems.length - 5} more)` : ''
  }\n  replay: ${replayCommand(shape, result.seed)}`
}
