// Ranking inputs from the ledger: a provider's track record and our balance move its FindAgents
// score; requesters deep in debt go to the back of the provider's queue.
import { describe, expect, it } from 'vitest'
import type { SignedCard } from '../../../daemon/cards/card-record.ts'
import { scoreOf } from '../../../daemon/discovery/find-agents.ts'
import { debtTier } from '../../../daemon/ledger/debt-tier.ts'

const now = 1_800_000_000_000
const card = {
  did: 'did:key:z6Mkx',
  published_at_ms: now - 1000,
  expires_at_ms: now + 3_600_000,
} as SignedCard

describe('scoreOf with the ledger standing', () => {
  const score = (standing?: Parameters<typeof scoreOf>[3]) => scoreOf(card, true, now, standing)

  it('ranks a provider that served reliably above a newcomer, and a failing one below', () => {
    const newcomer = score()
    const reliable = score({ completed: 20, failed: 0, latencyMs: 200, balance: 0 })
    const failing = score({ completed: 1, failed: 9, latencyMs: 200, balance: 0 })
    expect(score({ completed: 0, failed: 0, latencyMs: 0, balance: 0 })).toBe(newcomer)
    expect(reliable).toBeGreaterThan(newcomer)
    expect(failing).toBeLessThan(newcomer)
    expect(reliable).toBeLessThanOrEqual(1)
    expect(failing).toBeGreaterThanOrEqual(0)
  })

  it('prefers the faster of two equally reliable providers', () => {
    const fast = score({ completed: 10, failed: 0, latencyMs: 100, balance: 0 })
    const slow = score({ completed: 10, failed: 0, latencyMs: 60_000, balance: 0 })
    expect(fast).toBeGreaterThan(slow)
  })

  it('ranks a provider we owe credits below one we do not', () => {
    const owed = score({ completed: 5, failed: 0, latencyMs: 100, balance: -3 })
    const square = score({ completed: 5, failed: 0, latencyMs: 100, balance: 0 })
    const owesUs = score({ completed: 5, failed: 0, latencyMs: 100, balance: 2 })
    expect(owed).toBeLessThan(square)
    expect(owesUs).toBe(square)
  })

  it('reachability still outweighs history', () => {
    const connectedNewcomer = scoreOf(card, true, now)
    const distantVeteran = scoreOf(card, false, now, { completed: 100, failed: 0, latencyMs: 50, balance: 0 })
    expect(connectedNewcomer).toBeGreaterThan(distantVeteran)
  })
})

describe('debtTier', () => {
  it('puts requesters owing more than half their limit last', () => {
    expect(debtTier({ balance: '0', creditLimit: '100' })).toBe(0)
    expect(debtTier({ balance: '-20', creditLimit: '100' })).toBe(0) // we owe them
    expect(debtTier({ balance: '50', creditLimit: '100' })).toBe(0)
    expect(debtTier({ balance: '50.000001', creditLimit: '100' })).toBe(1)
    expect(debtTier({ balance: '1', creditLimit: '0' })).toBe(1)
  })
})
