// Group commit: the commits of many callers written as one LevelDB batch.
//
// Every commit() made while no batch is being written, up to the end of the current event-loop turn,
// and every commit() made while one is being written, joins the next batch. Each caller's promise
// settles when the batch holding its ops is written, so "written before acknowledged" still holds per
// caller; the daemon just pays one write (one thread-pool hop, one log append) per burst instead of
// one per caller. Ops keep call order inside the batch (a later put of a key wins, as it would one
// write after the other), and each caller's ops stay atomic: a batch is all or nothing.
//
// A batch is written with `sync` if any caller in it asked for sync: everything before a sync write in
// the log is made durable by its fsync anyway, and keeping one queue keeps call order across sync and
// plain writes. If a grouped batch fails, each caller's ops are written again alone, in order, so only
// a caller whose own ops cannot be written sees an error.

import type { StoreOp, WriteOptions } from './repository.ts'

export type BatchWriter = (ops: StoreOp[], options: WriteOptions) => Promise<void>

export interface GroupCommitOptions {
  /** A batch takes callers until it holds this many ops (a single bigger caller still goes alone). */
  maxBatchOps?: number
}

export interface GroupCommit {
  commit(ops: StoreOp[], options?: WriteOptions): Promise<void>
  /** Resolves when every commit made so far is written (or failed): before closing the database. */
  drain(): Promise<void>
}

interface Caller {
  /** Where this caller's ops start and end in the pending batch. */
  start: number
  end: number
  sync: boolean
  resolve: () => void
  reject: (err: unknown) => void
}

interface Pending {
  ops: StoreOp[]
  callers: Caller[]
  sync: boolean
}

export const defaultGroupCommitOptions = { maxBatchOps: 10_000 }

export function createGroupCommit(write: BatchWriter, options: GroupCommitOptions = {}): GroupCommit {
  const maxBatchOps = options.maxBatchOps ?? defaultGroupCommitOptions.maxBatchOps
  /** Batches waiting to be written, oldest first; only the last one takes new callers. */
  const queue: Pending[] = []
  let writing = false
  let scheduled = false
  let idle: Array<() => void> = []

  function open(): Pending {
    const last = queue.at(-1)
    if (last != null && last.ops.length < maxBatchOps) return last
    const next: Pending = { ops: [], callers: [], sync: false }
    queue.push(next)
    return next
  }

  /** Writes one caller's ops alone (after its grouped batch failed). */
  async function alone(batch: Pending, caller: Caller): Promise<void> {
    try {
      await write(batch.ops.slice(caller.start, caller.end), { sync: caller.sync })
      caller.resolve()
    } catch (err) {
      caller.reject(err)
    }
  }

  async function flush(): Promise<void> {
    scheduled = false
    if (writing) return
    writing = true
    try {
      for (let batch = queue.shift(); batch != null; batch = queue.shift()) {
        try {
          await write(batch.ops, { sync: batch.sync })
        } catch (err) {
          if (batch.callers.length === 1) (batch.callers[0] as Caller).reject(err)
          // Which caller's ops broke the batch is unknown: each is tried alone, in call order.
          else for (const caller of batch.callers) await alone(batch, caller)
          continue
        }
        for (const caller of batch.callers) caller.resolve()
      }
    } finally {
      writing = false
      const waiting = idle
      idle = []
      for (const done of waiting) done()
    }
  }

  return {
    commit(ops, writeOptions = {}) {
      if (ops.length === 0) return Promise.resolve()
      return new Promise<void>((resolve, reject) => {
        const batch = open()
        const start = batch.ops.length
        // Copied now: what the caller passed is what gets written, whatever it does with its array.
        for (const op of ops) batch.ops.push(op)
        const sync = writeOptions.sync === true
        batch.sync ||= sync
        batch.callers.push({ start, end: batch.ops.length, sync, resolve, reject })
        // The first caller of a turn schedules the write after the turn, so the turn's other callers
        // (and the microtasks they run) join it; while a batch is being written, flush() takes the
        // next one as soon as it is done.
        if (!writing && !scheduled) {
          scheduled = true
          setImmediate(() => void flush())
        }
      })
    },

    drain() {
      if (!writing && !scheduled && queue.length === 0) return Promise.resolve()
      return new Promise((resolve) => idle.push(resolve))
    },
  }
}
