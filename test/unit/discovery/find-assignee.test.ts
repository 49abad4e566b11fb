// Delegation by capability with a stubbed search: the best-scored of the agents found within the
// choice window wins, the search is stopped after it, and no agent at all is NO_AGENT_FOUND.
import { describe, expect, it } from 'vitest'
import type { FindQuery, FoundAgent } from '../../../daemon/discovery/find-agents.ts'
import { createFindAssignee } from '../../../daemon/discovery/find-assignee.ts'

const found = (did: string, score: number) => ({ card: { did }, score }) as unknown as FoundAgent

describe('find assignee', () => {
  it('takes the best score among the first answers and stops the search', async () => {
    let query: FindQuery | undefined
    let aborted: AbortSignal | undefined
    const pick = createFindAssignee(async function* (q, signal) {
      query = q
      aborted = signal
      yield found('did:key:a', 0.4)
      yield found('did:key:b', 0.9)
      yield found('did:key:c', 0.7)
    })
    expect(await pick('summarize', 1_000)).toBe('did:key:b')
    expect(query).toEqual({ capability: 'summarize', tags: [], limit: 5, timeoutMs: 1_000 })
    expect(aborted?.aborted).toBe(true)
  })

  it('does not wait past the choice window for slow candidates', async () => {
    const pick = createFindAssignee(async function* (_q, signal) {
      yield found('did:key:first', 0.1)
      // A later candidate that never comes: only the window's abort ends the wait.
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()))
    })
    expect(await pick('summarize', 60_000)).toBe('did:key:first')
  })

  it('refuses with NO_AGENT_FOUND when nobody offers the capability', async () => {
    const pick = createFindAssignee(async function* () {})
    await expect(pick('nothing', 100)).rejects.toMatchObject({ reason: 'NO_AGENT_FOUND' })
  })
})
