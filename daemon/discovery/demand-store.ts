// Unmet demand: capabilities that were searched for and not found, with how often and when last.
// Persisted, so an operator can see over time what agents on the network ask for and nobody offers.

import type { Store } from '../store/store.ts'

export interface DemandEntry {
  capability: string
  count: number
  lastAskedAtMs: number
}

export function createDemandStore(store: Store) {
  const db = store.sublevel<DemandEntry>('demand')
  // Serialised per capability so concurrent misses are all counted.
  let chain: Promise<unknown> = Promise.resolve()
  return {
    record(capability: string, now = Date.now()): Promise<void> {
      const next = chain.then(async () => {
        const prev = await db.get(capability)
        await db.put(capability, { capability, count: (prev?.count ?? 0) + 1, lastAskedAtMs: now })
      })
      chain = next.catch(() => undefined)
      return next
    },
    /** Most asked first, then most recent. */
    async list(): Promise<DemandEntry[]> {
      const out: DemandEntry[] = []
      for await (const e of db.values()) out.push(e)
      return out.sort((a, b) => b.count - a.count || b.lastAskedAtMs - a.lastAskedAtMs)
    },
  }
}

export type DemandStore = ReturnType<typeof createDemandStore>
