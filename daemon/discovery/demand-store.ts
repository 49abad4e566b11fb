// Unmet demand: capabilities that were searched for and not found, with how often and when last.
// Persisted, so an operator can see over time what agents on the network ask for and nobody offers.

import { json, single, text } from '../store/codecs.ts'
import { num, object, str } from '../store/shape.ts'
import type { Store } from '../store/store.ts'

export interface DemandEntry {
  capability: string
  count: number
  lastAskedAtMs: number
}

const demandShape = object<DemandEntry>({ capability: str, count: num, lastAskedAtMs: num })

/**
 * At most `maxEntries` capabilities are kept: a new one past that replaces the one asked for least
 * recently, so searches for ever-new capability names cannot grow the list (and the database) freely.
 */
export function createDemandStore(store: Store, maxEntries = 1000) {
  const db = store.repository('discovery.demand', single(text), json(demandShape))
  // Serialised per capability so concurrent misses are all counted.
  let chain: Promise<unknown> = Promise.resolve()
  let lastAsked: Map<string, number> | undefined
  return {
    record(capability: string, now = Date.now()): Promise<void> {
      const next = chain.then(async () => {
        if (lastAsked == null) {
          lastAsked = new Map()
          for await (const e of db.values()) lastAsked.set(e.capability, e.lastAskedAtMs)
        }
        const prev = await db.get(capability)
        if (prev == null && lastAsked.size >= maxEntries) {
          let oldest: [string, number] | undefined
          for (const entry of lastAsked) if (oldest == null || entry[1] < oldest[1]) oldest = entry
          if (oldest != null) {
            lastAsked.delete(oldest[0])
            await db.del(oldest[0])
          }
        }
        lastAsked.set(capability, now)
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
