// Which task frames a receiver may handle side by side with other tasks' frames (keyed by their task)
// and which keep the stream's order because they may move a credit account.
import { describe, expect, it } from 'vitest'
import { taskFrameKey } from '../../../daemon/tasks/inbound.ts'
import { TaskFrame } from '../../../daemon/wire/gen/moltmesh/wire/v1/tasks.ts'

const key = (frame: object) => taskFrameKey(TaskFrame.fromPartial(frame as TaskFrame))

describe('task frame keys', () => {
  it('keys the frames that write only their task', () => {
    expect(key({ offer: { taskId: 'task_1', maxPrice: '' } })).toBe('task_1')
    expect(key({ update: { taskId: 'task_2', note: 'working' } })).toBe('task_2')
    expect(key({ input: { taskId: 'task_3' } })).toBe('task_3')
  })

  it('keeps the stream order for frames that may move a credit account', () => {
    expect(key({ offer: { taskId: 'task_1', maxPrice: '5' } })).toBeUndefined() // reserves
    expect(key({ update: { taskId: 'task_2', receipt: { taskId: 'task_2' } } })).toBeUndefined()
    expect(key({ cancel: { taskId: 'task_3' } })).toBeUndefined() // may release a reservation
    expect(key({ receipt: { taskId: 'task_4' } })).toBeUndefined()
    expect(key({ settlement: { id: 'stl_1' } })).toBeUndefined()
  })
})
