// A requester may keep only tasks.max_open_per_requester tasks open at an assignee: further offers
// are REJECTED TOO_MANY_OPEN_TASKS (a flood of offers cannot pile up), and finished tasks free their
// places — counted again correctly after a restart.
import { beforeAll, describe, expect, it } from 'vitest'
import { types } from '../../clients/ts/index.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { offerSkills } from '../harness/tasks.ts'

const { TaskState } = types

describe('open-task quota per requester', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess

  const create = async () =>
    (await a.client.tasks.create({ to: b.did, skill: 'slow', input: [{ text: 'x' }] })).task!.id
  /** The task as the assignee B stored it (B decides whether it is admitted). */
  const atB = (id: string) =>
    waitFor(async () => (await b.client.tasks.get({ id }).catch(() => undefined))?.task, 20_000, `${id} at B`)

  beforeAll(async () => {
    ;[a, b] = (await mesh.spawnMany(2, { env: { MOLTMESH_TASKS_MAX_OPEN_PER_REQUESTER: '3' } })) as [
      DaemonProcess,
      DaemonProcess,
    ]
    await offerSkills(b, [{ id: 'slow' }])
  }, 60_000)

  it('rejects offers beyond the quota, frees places as tasks end, and counts again after a restart', async () => {
    const admitted = [await create(), await create(), await create()]
    for (const id of admitted) expect((await atB(id)).state).toBe(TaskState.TASK_STATE_SUBMITTED)
    // No worker serves "slow": the three stay open, so the fourth and fifth are refused.
    for (let i = 0; i < 2; i++) {
      const refused = await atB(await create())
      expect([refused.state, refused.error?.reason]).toEqual([
        TaskState.TASK_STATE_REJECTED,
        'TOO_MANY_OPEN_TASKS',
      ])
      // The requester learns it too.
      await waitFor(
        async () =>
          (await a.client.tasks.get({ id: refused.id })).task?.error?.reason === 'TOO_MANY_OPEN_TASKS',
      )
    }
    // Ending one frees a place.
    await a.client.tasks.cancel({ id: admitted[0]! })
    await waitFor(async () => (await atB(admitted[0]!)).state === TaskState.TASK_STATE_CANCELED)
    expect((await atB(await create())).state).toBe(TaskState.TASK_STATE_SUBMITTED)
    // After a restart B counts the open tasks from its store: still full.
    await b.kill()
    await b.restart()
    await a.client.node.connect({ target: b.info!.tcpAddress })
    expect((await atB(await create())).error?.reason).toBe('TOO_MANY_OPEN_TASKS')
  }, 90_000)
})
