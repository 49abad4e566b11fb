// The track record of each provider as this agent experienced it as a requester: tasks completed,
// tasks failed, and a moving average of the time from creation to COMPLETED. Together with the
// balance it feeds FindAgents ranking (providers that serve reliably and quickly rank higher).
//
// Kept in the bucket ledger.track-records (store/buckets.ts), updated from the event bus after each
// task change is committed. A crash between the commit and this write loses one task's worth of statistics; the
// record only ranks search results, so that is accepted rather than widening the task commit.

import type { EventBus } from '../events/event-bus.ts'
import type { Logger } from '../log/logger.ts'
import { json, single, text } from '../store/codecs.ts'
import { num, object } from '../store/shape.ts'
import type { Store } from '../store/store.ts'
import type { TaskRecord } from '../tasks/records.ts'

export interface TrackRecord {
  completed: number
  failed: number
  /** Exponentially weighted mean of creation -> COMPLETED, in ms (0 before the first completion). */
  latencyMs: number
}

export interface TrackRecordComponents {
  store: Store
  events: EventBus
  logger: Logger
}

// Weight of the newest completion in the latency average: recent behaviour counts most.
const LATENCY_WEIGHT = 0.2
const trackRecordShape = object<TrackRecord>({ completed: num, failed: num, latencyMs: num })

export async function createTrackRecords(c: TrackRecordComponents) {
  const db = c.store.repository('ledger.track-records', single(text), json(trackRecordShape))
  const records = new Map<string, TrackRecord>()
  for await (const [did, value] of db.entries()) records.set(did, value)

  // Writes of one provider are chained so they land in order.
  let writes = Promise.resolve()
  function record(task: TaskRecord, ok: boolean) {
    if (task.role !== 'requester' || task.assignee === '') return
    const r = records.get(task.assignee) ?? { completed: 0, failed: 0, latencyMs: 0 }
    if (ok) {
      const took = Math.max(0, task.updatedAtMs - task.createdAtMs)
      r.latencyMs = r.completed === 0 ? took : Math.round(r.latencyMs + LATENCY_WEIGHT * (took - r.latencyMs))
      r.completed++
    } else r.failed++
    records.set(task.assignee, r)
    const snapshot = { ...r }
    writes = writes
      .then(() => db.put(task.assignee, snapshot))
      .catch((err: Error) => c.logger.warn({ err: err.message }, 'track record not saved'))
  }

  const off = [
    c.events.on('task.completed', ({ task }) => record(task, true)),
    // A failure decided by the provider or its absence (timeout, worker error); a cancel by the
    // requester or a rejection before work started says nothing about how the provider serves.
    c.events.on('task.failed', ({ task }) => record(task, false)),
  ]

  return {
    get: (did: string): TrackRecord | undefined => records.get(did),
    /** Waits for pending writes and stops listening. */
    async close(): Promise<void> {
      for (const f of off) f()
      await writes
    },
  }
}

export type TrackRecords = Awaited<ReturnType<typeof createTrackRecords>>
