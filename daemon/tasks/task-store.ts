// The persistent task table. Buckets (store/buckets.ts):
//   tasks.records      <id> -> TaskRecord
//   tasks.events       <id>!<seq> -> TaskEventRecord, per-task sequence (replay in order)
//   tasks.idempotency  <idempotency key> -> id (requester side)
//   tasks.order        <order> -> id, in local creation order (listing, newest first)
//   tasks.open         <id> -> "" while the task is not terminal (timers and worker queues after a restart)
//   tasks.last-order   last assigned order
// A task change, its events and the frame that tells the peer are committed in one batch
// (see task-engine.ts), so nothing acknowledged is lost on a crash.

import { json, pair, seq, single, text, unit } from '../store/codecs.ts'
import { num, str } from '../store/shape.ts'
import type { Store, StoreOp } from '../store/store.ts'
import { taskEventShape, taskRecordShape } from './record-shapes.ts'
import type { TaskEventRecord, TaskRecord } from './records.ts'
import { isTerminal } from './state-machine.ts'

export interface TaskListFilter {
  role?: TaskRecord['role']
  states: ReadonlySet<number>
  peer?: string
  skill?: string
}

/** Recently committed tasks kept in memory (see `recent`). */
const RECENT_TASKS = 4096

export async function openTaskStore(store: Store) {
  const records = store.repository('tasks.records', single(text), json(taskRecordShape))
  const events = store.repository('tasks.events', pair(text, seq), json(taskEventShape))
  const idempotency = store.repository('tasks.idempotency', single(text), json(str))
  const order = store.repository('tasks.order', single(seq), json(str))
  const unfinished = store.repository('tasks.open', single(text), json(str))
  const counter = store.repository('tasks.last-order', unit, json(num))
  let lastOrder = (await counter.get(null)) ?? 0

  // The latest committed version of recently changed tasks (task-engine.ts calls committed() once a
  // change is on disk), so the next step of a task in flight (claim, complete, the peer's update,
  // WaitTask) reads it from memory instead of through the thread pool. Only the engine writes tasks,
  // so an entry is never older than the stored record.
  const recent = new Map<string, TaskRecord>()
  const get = async (id: string): Promise<TaskRecord | undefined> => recent.get(id) ?? records.get(id)

  return {
    get,

    /** Called by the engine after a change of `task` was committed. */
    committed(task: TaskRecord): void {
      recent.delete(task.id)
      recent.set(task.id, task)
      if (recent.size > RECENT_TASKS) recent.delete(recent.keys().next().value as string)
    },

    async byIdempotencyKey(key: string): Promise<TaskRecord | undefined> {
      const id = await idempotency.get(key)
      return id == null ? undefined : get(id)
    },

    /** The next listing position for a new task. */
    nextOrder: (): number => ++lastOrder,

    /** Writes for a task after a change, plus its new events. `isNew` adds the index entries. */
    ops(task: TaskRecord, added: TaskEventRecord[], isNew: boolean): StoreOp[] {
      const ops: StoreOp[] = [records.putOp(task.id, task)]
      for (const e of added) ops.push(events.putOp([task.id, e.sequence], e))
      if (isNew) {
        ops.push(order.putOp(task.order, task.id))
        ops.push(counter.putOp(null, lastOrder))
        if (task.idempotencyKey !== '' && task.role === 'requester')
          ops.push(idempotency.putOp(task.idempotencyKey, task.id))
      }
      if (isTerminal(task.state)) ops.push(unfinished.delOp(task.id))
      else ops.push(unfinished.putOp(task.id, ''))
      return ops
    },

    /** Every task that is not terminal. */
    async open(): Promise<TaskRecord[]> {
      const ids: string[] = []
      for await (const id of unfinished.keys()) ids.push(id)
      const stored = await records.getMany(ids)
      return stored.map((r, i) => recent.get(ids[i] as string) ?? r).filter((r) => r != null)
    },

    /** Events of a task with a sequence above `after`, in order. */
    async events(id: string, after: number, limit: number): Promise<TaskEventRecord[]> {
      const out: TaskEventRecord[] = []
      for await (const e of events.values({ group: id, gt: [id, after], limit })) out.push(e)
      return out
    },

    /** Tasks matching the filter, newest first, starting below listing position `before` (0 = newest). */
    async list(filter: TaskListFilter, before: number, limit: number): Promise<TaskRecord[]> {
      const out: TaskRecord[] = []
      for await (const id of order.values({ lt: before > 0 ? before : undefined, reverse: true })) {
        const t = await get(id)
        if (t == null) continue
        if (filter.role != null && t.role !== filter.role) continue
        if (filter.states.size > 0 && !filter.states.has(t.state)) continue
        if (filter.peer != null && t.requester !== filter.peer && t.assignee !== filter.peer) continue
        if (filter.skill != null && t.skill !== filter.skill) continue
        out.push(t)
        if (out.length >= limit) break
      }
      return out
    },
  }
}

export type TaskStore = Awaited<ReturnType<typeof openTaskStore>>
