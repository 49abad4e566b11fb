// Hostile peers sending task frames: a third party cannot complete, cancel or answer someone else's
// task, cannot take over a task id, and a replayed offer creates nothing new. Refusals carry a reason,
// are counted, and the real task is untouched.
import { afterAll, describe, expect, it } from 'vitest'
import { types } from '../../clients/ts/index.ts'
import { MessageBody } from '../../daemon/wire/gen/moltmesh/wire/v1/messaging.ts'
import type { TaskFrame } from '../../daemon/wire/gen/moltmesh/wire/v1/tasks.ts'
import {
  AckStatus,
  decodeFrame,
  encodeFrame,
  MESSAGING_PROTOCOL,
  signEnvelope,
} from '../../daemon/wire/messaging-codec.ts'
import { useMesh } from '../harness/mesh.ts'
import { createRawPeer, type RawPeer } from '../harness/raw-peer.ts'
import { offerSkills } from '../harness/tasks.ts'

const { TaskState, TaskEventKind } = types

describe('hostile peers sending task frames', () => {
  const mesh = useMesh()
  const peers: RawPeer[] = []
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.stop()))
  })

  it('refuses frames for tasks the sender is not part of, id takeovers and malformed frames', async () => {
    const [a, b] = await mesh.spawnMany(2)
    if (a == null || b == null) throw new Error('spawn failed')
    await offerSkills(b, [{ id: 'echo' }])
    const { task } = await a.client.a2a.createTask({
      to: b.info!.did,
      skill: 'echo',
      input: [{ text: 'real' }],
    })
    const id = task!.id
    const attacker = await createRawPeer()
    peers.push(attacker)
    let n = 0
    const sendBody = async (target: typeof a, body: Partial<MessageBody>) => {
      const lp = await attacker.open(target.info!.tcpAddress, MESSAGING_PROTOCOL)
      const now = Date.now()
      const envelope = await signEnvelope(attacker.identity, {
        id: `tfr_attack${n++}`,
        to: target.info!.did,
        createdAtMs: now,
        expiresAtMs: now + 60_000,
        body: Buffer.from(MessageBody.encode(MessageBody.fromPartial(body)).finish()),
      })
      await lp.write(encodeFrame({ envelope }))
      return decodeFrame((await lp.read()).subarray()).ack!
    }
    const send = (target: typeof a, frame: TaskFrame) => sendBody(target, { task: frame })
    const rejected = (reason: string) => ({ status: AckStatus.ACK_STATUS_REJECTED, reason })

    // "Completing" A's task as if the attacker were the assignee.
    const fakeDone = {
      update: {
        taskId: id,
        sequence: 99,
        kind: TaskEventKind.TASK_EVENT_KIND_STATUS,
        state: TaskState.TASK_STATE_COMPLETED,
        output: [{ text: 'forged result' }],
      },
    }
    expect(await send(a, asFrame(fakeDone))).toMatchObject(rejected('TASK_NOT_FOUND'))
    // Canceling or answering B's copy as if the attacker were the requester.
    expect(await send(b, asFrame({ cancel: { taskId: id, reason: 'x' } }))).toMatchObject(
      rejected('TASK_NOT_FOUND'),
    )
    expect(await send(b, asFrame({ input: { taskId: id, input: [{ text: 'x' }] } }))).toMatchObject(
      rejected('TASK_NOT_FOUND'),
    )
    // Offering a task under A's task id.
    const takeover = {
      offer: { taskId: id, skill: 'echo', input: [{ text: 'mine' }], deadlineMs: Date.now() + 60_000 },
    }
    expect(await send(b, asFrame(takeover))).toMatchObject(rejected('TASK_ID_CONFLICT'))
    expect(await send(b, asFrame({ offer: { ...takeover.offer, taskId: 'not-an-id' } }))).toMatchObject(
      rejected('MALFORMED'),
    )
    // A proper offer of its own is accepted once; its replay is a duplicate.
    const own = { offer: { ...takeover.offer, taskId: 'task_0000000000attackerowntask0' } }
    expect((await send(b, asFrame(own))).status).toBe(AckStatus.ACK_STATUS_STORED)
    expect((await send(b, asFrame(own))).status).toBe(AckStatus.ACK_STATUS_DUPLICATE)
    // A body for two channels at once (a task offer that is also an invitation) goes to neither.
    const twoChannels = {
      task: asFrame({ offer: { ...takeover.offer, taskId: 'task_0000000000000twochannels00' } }),
      network: { invite: { descriptor: '{}', invitation: '{}' } },
    }
    expect(await sendBody(b, twoChannels)).toMatchObject(rejected('MALFORMED'))

    const onA = (await a.client.a2a.getTask({ id })).task!
    const onB = (await b.client.a2a.getTask({ id })).task!
    expect(onA.state).toBe(TaskState.TASK_STATE_SUBMITTED)
    expect(onA.output).toEqual([])
    expect(onB.state).toBe(TaskState.TASK_STATE_SUBMITTED)
    expect(onB.requester).toBe(a.info!.did)
    const fromAttacker = await b.client.a2a.listTasks({ peer: attacker.identity.did })
    expect(fromAttacker.tasks.map((t) => t.id)).toEqual(['task_0000000000attackerowntask0'])
    const metrics = (await b.client.diag.getMetrics({})).prometheusText
    expect(metrics).toContain('moltmesh_hostile_input_total{protocol="msg",reason="TASK_NOT_FOUND"} 2')
    expect(metrics).toContain('moltmesh_hostile_input_total{protocol="msg",reason="TASK_ID_CONFLICT"} 1')
    expect(metrics).toContain('moltmesh_hostile_input_total{protocol="msg",reason="MALFORMED"} 2')
  }, 60_000)
})

function asFrame(frame: object): TaskFrame {
  return frame as TaskFrame
}
