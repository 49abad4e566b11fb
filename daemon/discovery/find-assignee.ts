// Delegation by capability (CreateTask with `capability` instead of `to`): the best-ranked of the
// first few agents found — those that answer within a short window after the first — so ranking
// (track record, balance) counts without waiting for the whole search.

import { MoltmeshError } from '../errors/moltmesh-error.ts'
import type { FindQuery, FoundAgent } from './find-agents.ts'

/** How many candidates to compare, and how long to wait for more after the first. */
const ASSIGNEE_CANDIDATES = 5
const ASSIGNEE_CHOICE_WINDOW_MS = 250

type FindAgents = (query: FindQuery, signal: AbortSignal) => AsyncIterable<FoundAgent>

export function createFindAssignee(findAgents: FindAgents) {
  return async (capability: string, timeoutMs: number): Promise<string> => {
    const search = new AbortController()
    let best: { did: string; score: number } | undefined
    let window: NodeJS.Timeout | undefined
    try {
      for await (const found of findAgents(
        { capability, tags: [], limit: ASSIGNEE_CANDIDATES, timeoutMs },
        search.signal,
      )) {
        if (best == null || found.score > best.score) best = { did: found.card.did, score: found.score }
        window ??= setTimeout(() => search.abort(), ASSIGNEE_CHOICE_WINDOW_MS)
      }
    } finally {
      clearTimeout(window)
      search.abort()
    }
    if (best != null) return best.did
    throw new MoltmeshError('not_found', 'NO_AGENT_FOUND', `no agent offering "${capability}" was found`)
  }
}
