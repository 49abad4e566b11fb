// The persistent task table. Keys (sublevel "tasks"):
//   t!<id>               TaskRecord
//   e!<id>!<seq>         TaskEventRecord, per-task sequence (replay in order)
//   k!<idempotency>      id (requester side)
//   n!<order>            id, in local creation order (listing, newest first)
//   a!<id>               "" while the task is not terminal (timers and worker queues after a restart)
//   meta!order           last assigned order
// A task change, its events and the frame that tells the peer are committed in one batch
// (see task-engine.ts), so nothing acknowledged is lost on a crash.

import { seqKey } from '../common/ids.ts'
import type { JsonSublevel, Store, StoreOp } from '../store/store.ts'
import type { TaskEventRecord, TaskRecord } from './records.ts'
import { isTerminal } from './state-machine.ts'

type Value = TaskRecord | TaskEventRecord | string | number

export interface TaskListFilter {
  role?: TaskRecord['role']
  states: ReadonlySet<number>
  peer?: string
  skill?: string
}

export async function openTaskStore(store: Store) {
  const db: JsonSublevel<Value> = store.sublevel<Value>('tasks')
  const sublevel = db as unknown as JsonSublevel<never>
  let lastOrder = ((await db.get('meta!order')) as number | undefined) ?? 0

  async function get(id: string): Promise<TaskRecord | undefined> {
    return (await db.get(`t!${id}`)) as TaskRecord | undefined
  }

  return {
    get,

    async byIdempotencyKey(key: string): Promise<TaskRecord | undefined> {
      const id = (await db.get(`k!${key}`)) as string | undefined
      return id == null ? undefined : get(id)
    },

    /** The next listing position for a new task. */
    nextOrder: (): number => ++lastOrder,

    /** Writes for a task after a change, plus its new events. `isNew` adds the index entries. */
    ops(task: TaskRecord, events: TaskEventRecord[], isNew: boolean): StoreOp[] {
      const ops: StoreOp[] = [{ type: 'put', key: `t!${task.id}`, value: task, sublevel }]
      for (const e of events)
        ops.push({ type: 'put', key: `e!${task.id}!${seqKey(e.sequence)}`, value: e, sublevel })
      if (isNew) {
        ops.push({ type: 'put', key: `n!${seqKey(task.order)}`, value: task.id, sublevel })
        ops.push({ type: 'put', key: 'meta!order', value: lastOrder, sublevel })
        if (task.idempotencyKey !== '' && task.role === 'requester')
          ops.push({ type: 'put', key: `k!${task.idempotencyKey}`, value: task.id, sublevel })
      }
      if (isTerminal(task.state)) ops.push({ type: 'del', key: `a!${task.id}`, sublevel })
      else ops.push({ type: 'put', key: `a!${task.id}`, value: '', sublevel })
      return ops
    },

    /** Every task that is not terminal. */
    async open(): Promise<TaskRecord[]> {
      const ids: string[] = []
      for await (const key of db.keys({ gt: 'a!', lt: 'a"' })) ids.push(key.slice(2))
      const records = await db.getMany(ids.map((id) => `t!${id}`))
      return records.filter((r): r is TaskRecord => r != null && typeof r === 'object')
    },

    /** Events of a task with a sequence above `after`, in order. */
    async events(id: string, after: number, limit: number): Promise<TaskEventRecord[]> {
      const out: TaskEventRecord[] = []
      for await (const value of db.values({ gt: `e!${id}!${seqKey(after)}`, lt: `e!${id}"`, limit }))
        out.push(value as TaskEventRecord)
      return out
    },

    /** Tasks matching the filter, newest first, starting below listing position `before` (0 = newest). */
    async list(filter: TaskListFilter, before: number, limit: number): Promise<TaskRecord[]> {
      const out: TaskRecord[] = []
      const range = before > 0 ? { lt: `n!${seqKey(before)}`, gt: 'n!' } : { lt: 'n"', gt: 'n!' }
      for await (const id of db.values({ ...range, reverse: true })) {
        const t = await get(id as string)
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
