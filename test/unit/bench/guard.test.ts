// The regression guard's arithmetic (bench/guard.ts): which numbers are figures, which way is
// better, and when a change is beyond the noise of the runs.
import { describe, expect, it } from 'vitest'
import { betterWhen, flattenFigures, judge, median, spread } from '../../../bench/guard.ts'

describe('bench regression guard', () => {
  it('takes every result number of a line by its path, leaving out inputs and text', () => {
    const line = {
      bench: 'messaging',
      path: 'A -> B',
      latencyMs: { n: 200, p50: 3.1, p99: 10.2, mean: 3.5 },
      throughputMsgPerSec: { concurrency1: 300, concurrency16: 650 },
      messages: 2000,
      ok: true,
    }
    expect(flattenFigures(line)).toEqual({
      'latencyMs.p50': 3.1,
      'latencyMs.p99': 10.2,
      'latencyMs.mean': 3.5,
      'throughputMsgPerSec.concurrency1': 300,
      'throughputMsgPerSec.concurrency16': 650,
    })
  })

  it('tells the better direction from the name', () => {
    expect(betterWhen('latencyMs.p50')).toBe('lower')
    expect(betterWhen('restartMs.p50')).toBe('lower')
    expect(betterWhen('idleRssMb')).toBe('lower')
    expect(betterWhen('throughputMsgPerSec.concurrency16')).toBe('higher')
    expect(betterWhen('tasksPerSecond16')).toBe('higher')
    expect(betterWhen('transferMiBPerSec')).toBe('higher')
    expect(betterWhen('throughputRatio')).toBe('higher')
    expect(betterWhen('answers')).toBe('unknown')
  })

  it('computes medians and spreads', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 2, 3])).toBe(2.5)
    expect(spread([90, 100, 110])).toBeCloseTo(0.2)
    expect(spread([100])).toBe(0)
  })

  it('flags a change beyond the floor and the spread of either side, with its direction', () => {
    expect(judge('latencyMs.p50', [10], [11], 0.2).verdict).toBe('same')
    expect(judge('latencyMs.p50', [10], [15], 0.2)).toMatchObject({ change: 0.5, verdict: 'WORSE' })
    expect(judge('latencyMs.p50', [10], [5], 0.2).verdict).toBe('better')
    expect(judge('throughputMsgPerSec.concurrency16', [600], [300], 0.2).verdict).toBe('WORSE')
    expect(judge('answers', [10], [20], 0.2).verdict).toBe('changed')
    // Runs that spread by 100% make a 50% change noise.
    expect(judge('latencyMs.p50', [5, 10, 15], [15], 0.2)).toMatchObject({ noise: 1, verdict: 'same' })
  })
})
