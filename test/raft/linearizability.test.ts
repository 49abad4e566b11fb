// The checker must be able to fail: each test feeds it a history that breaks one rule and expects
// exactly that rule to be reported, next to the valid history it is derived from.

import { describe, expect, it } from 'vitest'
import type { LogEntry, MemberLog, Op } from './sim/history.ts'
import { checkHistory } from './sim/linearizability.ts'

const entry = (index: number, key: string): LogEntry => ({ index, key, hash: `h${index}-${key}` })
const log = (member: string, keys: string[]): MemberLog => ({
  member,
  entries: keys.map((k, i) => entry(i + 1, k)),
})

// Valid: a:1 at 1 (acked at 10), a:2 at 2 (acked at 30), b:1 at 3 (invoked 25, acked 40),
// read after a:1's ack sees 1..2; a later read sees 1..3.
const goodLogs = (): MemberLog[] => [
  log('n1', ['a:1', 'a:2', 'b:1']),
  log('n2', ['a:1', 'a:2']),
  log('n3', ['a:1']),
]
const goodHistory = (): Op[] => [
  { kind: 'append', key: 'a:1', invoke: 0, complete: 10, index: 1 },
  { kind: 'append', key: 'a:2', invoke: 11, complete: 30, index: 2 },
  { kind: 'append', key: 'b:1', invoke: 25, complete: 40, index: 3 },
  { kind: 'read', client: 'r', invoke: 12, complete: 35, length: 2, hash: 'h2-a:2' },
  { kind: 'read', client: 'r', invoke: 41, complete: 50, length: 3, hash: 'h3-b:1' },
  { kind: 'append', key: 'c:1', invoke: 45 }, // never acknowledged, never committed: allowed
]

const rules = (history: Op[], logs: MemberLog[]) => checkHistory(history, logs).map((v) => v.rule)

describe('linearizability checker', () => {
  it('accepts a valid history', () => {
    expect(checkHistory(goodHistory(), goodLogs())).toEqual([])
  })

  it('reports members that disagree at an index', () => {
    const logs = goodLogs()
    logs[1] = log('n2', ['a:1', 'x:9'])
    expect(rules(goodHistory(), logs)).toContain('agreement')
  })

  it('reports a gap in a member log', () => {
    const logs = goodLogs()
    logs.push({ member: 'n4', entries: [entry(1, 'a:1'), entry(3, 'b:1')] })
    expect(rules(goodHistory(), logs)).toEqual(['agreement'])
  })

  it('reports an entry committed twice', () => {
    const logs = [log('n1', ['a:1', 'a:2', 'b:1', 'a:2'])]
    expect(rules(goodHistory(), logs)).toEqual(['exactly-once'])
  })

  it('reports an acknowledged append that is missing or at another index', () => {
    const missing = [log('n1', ['a:1', 'a:2'])]
    expect(rules(goodHistory(), missing)).toContain('durability')
    const history = goodHistory()
    history[0] = { kind: 'append', key: 'a:1', invoke: 0, complete: 10, index: 2 }
    expect(rules(history, goodLogs())).toContain('durability')
  })

  it('reports appends ordered against real time', () => {
    // b:1 invoked after a:2 was acknowledged, yet committed before it.
    const logs = [log('n1', ['a:1', 'b:1', 'a:2'])]
    const history: Op[] = [
      { kind: 'append', key: 'a:1', invoke: 0, complete: 10, index: 1 },
      { kind: 'append', key: 'a:2', invoke: 11, complete: 20, index: 3 },
      { kind: 'append', key: 'b:1', invoke: 21, complete: 30, index: 2 },
    ]
    expect(rules(history, logs)).toEqual(['append-order'])
  })

  it('reports a read that misses an append acknowledged before it began (stale read)', () => {
    const history = goodHistory()
    history[4] = { kind: 'read', client: 'r', invoke: 41, complete: 50, length: 2, hash: 'h2-a:2' }
    expect(rules(history, goodLogs())).toContain('read-prefix')
  })

  it('reports a read of a prefix that was never committed', () => {
    const history = goodHistory()
    history[3] = { kind: 'read', client: 'r', invoke: 12, complete: 35, length: 2, hash: 'h2-other' }
    expect(rules(history, goodLogs())).toEqual(['read-prefix'])
  })

  it('reports a read that saw an append invoked after the read returned', () => {
    const history = goodHistory()
    history[2] = { kind: 'append', key: 'b:1', invoke: 60, complete: 70, index: 3 }
    expect(rules(history, goodLogs())).toContain('read-prefix')
  })

  it('reports reads that go backwards', () => {
    const history: Op[] = [
      ...goodHistory(),
      { kind: 'read', client: 's', invoke: 51, complete: 60, length: 2, hash: 'h2-a:2' },
    ]
    expect(rules(history, goodLogs())).toContain('read-order')
  })
})
