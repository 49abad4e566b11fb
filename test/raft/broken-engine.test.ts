// The simulation must be able to fail: an engine that commits without a majority, a shell that
// answers reads from local state instead of read-index, and a shell that sends before persisting have
// to be caught, with a replay command.

import { describe, expect, it } from 'vitest'
import type { RaftOptions, RaftRestart } from '../../daemon/raft/raft-node.ts'
import { CommitWithoutMajority } from './broken/commit-without-majority.ts'
import { runMany } from './sim/run-many.ts'
import { runSeed } from './sim/scenarios.ts'

const brokenEngine = (o: RaftOptions, r?: RaftRestart) => new CommitWithoutMajority(o, r)

describe('the simulation catches a broken engine', { timeout: 120_000 }, () => {
  let cached: string[] | undefined
  const brokenFailures = (): string[] => {
    cached ??= runMany('short', 1, 200, brokenEngine).failures
    return cached
  }

  it('commit without a majority loses or forks acknowledged appends', () => {
    const failures = brokenFailures()
    expect(failures.length).toBeGreaterThan(0)
    expect(failures[0]).toMatch(/^seed \d+ \(short\) failed: (agreement|durability|append-order|read-prefix)/)
    expect(failures[0]).toMatch(/replay: npm run sim -- --short --seed \d+/)
  })

  it('a failing seed fails again on replay, and passes with the real engine', () => {
    const seed = Number(/seed (\d+)/.exec(brokenFailures()[0] ?? '')?.[1])
    const broken = runSeed('short', seed, brokenEngine)
    expect(broken.violations.length).toBeGreaterThan(0)
    const correct = runSeed('short', seed)
    expect(correct.violations).toEqual([])
    expect(correct.liveness).toEqual([])
  })

  it('reads answered from local state, without read-index, are caught as stale', () => {
    const { failures: stale } = runMany('short', 1, 200, undefined, { localReads: true })
    expect(stale.length).toBeGreaterThan(0)
    expect(stale.join('\n')).toMatch(/read-(prefix|order)/)
  })

  it('a shell that sends before persisting is caught (members that lost acknowledged state get stuck)', () => {
    // A follower that acknowledged entries it then lost in a crash leaves the leader believing it
    // holds them; replication to it never recovers. Losing data outright needs a second crash at
    // the wrong moment, rarer than these runs reach, so this is caught by the liveness check.
    const { failures: lost } = runMany('short', 1, 200, undefined, { sendBeforePersist: true })
    expect(lost.length).toBeGreaterThan(0)
    expect(lost.join('\n')).toMatch(/liveness: members did not converge/)
  })

  it('a leader that announces commits resting on its unwritten entries is caught (durability)', () => {
    // leader-sends.ts lets a leader's appends leave before its own write; if they carried a commit
    // index counting the leader's unwritten entries, a follower would apply an entry that fewer than
    // a majority have on disk. The simulation checks that at every apply.
    const { failures } = runMany('short', 1, 800, undefined, { leaderCommitUnchecked: true })
    expect(failures.length).toBeGreaterThan(0)
    expect(failures.join('\n')).toMatch(
      /durability: n\d applied entry \d+ .* while 1 member\(s\) had it on disk/,
    )
  })
})
