import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { types } from '../../clients/ts/index.ts'
import { MessageBody } from '../../daemon/wire/gen/moltmesh/wire/v1/messaging.ts'
import {
  AckStatus,
  decodeFrame,
  encodeFrame,
  MESSAGING_PROTOCOL,
  signEnvelope,
} from '../../daemon/wire/messaging-codec.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { reasonOf } from '../harness/errors.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { createRawPeer, type RawPeer } from '../harness/raw-peer.ts'
import { isTerminalState, offerSkills, startWorker } from '../harness/tasks.ts'

const { TaskState } = types

describe('credit ledger', () => {
  const mesh = useMesh()
  const peers: RawPeer[] = []
  let a: DaemonProcess
  let b: DaemonProcess
  const settled = (d: DaemonProcess, id: string) =>
    waitFor(async () => {
      const t = (await d.client.a2a.getTask({ id })).task
      return t != null && isTerminalState(t.state) ? t : undefined
    }, 20_000)
  const balance = async (d: DaemonProcess, peer: DaemonProcess) =>
    (await d.client.a2a.getBalance({ peer: peer.info!.did })).balance!
  /** A priced task from A that a worker on B has claimed and holds (WORKING, never finished). */
  const claimedPricedTask = async () => {
    let claimed: { id: string; token: string } | undefined
    const worker = startWorker(b, 'summarise', async (ctx) => {
      claimed = { id: ctx.task.id, token: ctx.leaseToken }
      return undefined
    })
    const { task } = await a.client.a2a.createTask({
      to: b.info!.did,
      skill: 'summarise',
      input: [{ text: 'x' }],
      maxPrice: '2.5',
    })
    await waitFor(() => claimed?.id === task!.id, 15_000)
    await worker.stop()
    return { task: task!, claimed: claimed! }
  }

  beforeAll(async () => {
    const daemons = await mesh.spawnMany(2)
    a = daemons[0]!
    b = daemons[1]!
    await offerSkills(b, [
      { id: 'summarise', price: '2.5' },
      { id: 'cheap', price: '1' },
    ])
  }, 60_000)
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.stop()))
  })

  it('a priced task yields the same countersigned receipt on both daemons and mirrored balances', async () => {
    const worker = startWorker(b, 'summarise', async () => [{ text: 'short' }])
    try {
      const { task } = await a.client.a2a.createTask({
        to: b.info!.did,
        skill: 'summarise',
        input: [{ text: 'long' }],
        maxPrice: '3',
      })
      expect((await settled(a, task!.id)).state).toBe(TaskState.TASK_STATE_COMPLETED)
      const onA = await waitFor(async () => {
        const r = (await a.client.a2a.getReceipt({ taskId: task!.id }).catch(() => undefined))?.receipt
        return r?.status === 'settled' ? r : undefined
      }, 10_000)
      const onB = await waitFor(async () => {
        const r = (await b.client.a2a.getReceipt({ taskId: task!.id }).catch(() => undefined))?.receipt
        return r?.status === 'settled' ? r : undefined
      }, 10_000)
      expect(onA).toEqual(onB)
      expect([onA.requester, onA.provider, onA.price, onA.skill]).toEqual([
        a.info!.did,
        b.info!.did,
        '2.5',
        'summarise',
      ])
      expect(onA.providerSignature).not.toBe('')
      expect(onA.requesterSignature).not.toBe('')
      expect((await balance(b, a)).balance).toBe('2.5')
      expect((await balance(a, b)).balance).toBe('-2.5')
      expect((await balance(b, a)).reserved).toBe('0')
      const entries = (await b.client.a2a.listLedgerEntries({ peer: a.info!.did })).entries
      expect(entries.map((e) => [e.kind, e.amount])).toEqual([
        ['receipt', '2.5'],
        ['release', '-2.5'],
        ['reservation', '2.5'],
      ])
      for (const d of [a, b]) expect((await d.client.a2a.verifyLedger({})).ok).toBe(true)
      // A price above max_price is refused.
      const tooDear = await a.client.a2a.createTask({
        to: b.info!.did,
        skill: 'summarise',
        input: [{ text: 'x' }],
        maxPrice: '1',
      })
      expect((await settled(a, tooDear.task!.id)).error?.reason).toBe('PRICE_TOO_HIGH')
    } finally {
      await worker.stop()
    }
  }, 60_000)

  it('50 concurrent offers against a limit that admits 10: exactly 10 admitted; a quote admits one more, once', async () => {
    // Owed 2.5 already; a limit of 12.5 leaves room for exactly 10 tasks at 1 credit.
    await b.client.a2a.setCreditLimit({ peer: a.info!.did, amount: '12.5' })
    const created = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        a.client.a2a.createTask({
          to: b.info!.did,
          skill: 'cheap',
          input: [{ text: `t${i}` }],
          maxPrice: '1',
        }),
      ),
    )
    const ids = created.map((c) => c.task!.id)
    // Refusals come back to A; admitted tasks stay SUBMITTED (no worker).
    const rejected = await waitFor(async () => {
      const done = await Promise.all(ids.map(async (id) => (await a.client.a2a.getTask({ id })).task!))
      const r = done.filter((t) => t.state === TaskState.TASK_STATE_REJECTED)
      return r.length >= 40 ? r : undefined
    }, 30_000)
    expect(rejected).toHaveLength(40)
    expect(new Set(rejected.map((t) => t.error?.reason))).toEqual(new Set(['CREDIT_LIMIT_EXCEEDED']))
    const onB = await b.client.a2a.listTasks({ skill: 'cheap', states: [TaskState.TASK_STATE_SUBMITTED] })
    expect(onB.tasks).toHaveLength(10)
    expect((await balance(b, a)).reserved).toBe('10')

    const quote = rejected[0]!.error!.quote!
    expect([quote.price, quote.providerDid]).toEqual(['1', b.info!.did])
    const paid = await a.client.a2a.createTask({
      to: b.info!.did,
      skill: 'cheap',
      input: [{ text: 'with payment' }],
      maxPrice: '1',
      payment: { quote },
    })
    await waitFor(
      async () => (await b.client.a2a.getTask({ id: paid.task!.id }).catch(() => undefined))?.task,
      10_000,
    )
    expect((await b.client.a2a.getTask({ id: paid.task!.id })).task!.state).toBe(
      TaskState.TASK_STATE_SUBMITTED,
    )
    expect((await balance(b, a)).reserved).toBe('11')
    const replay = await a.client.a2a.createTask({
      to: b.info!.did,
      skill: 'cheap',
      input: [{ text: 'again' }],
      maxPrice: '1',
      payment: { quote },
    })
    expect((await settled(a, replay.task!.id)).error?.reason).toBe('NONCE_REPLAYED')

    // Ending the admitted tasks gives the reservations back.
    const admitted = [...onB.tasks.map((t) => t.id), paid.task!.id]
    await Promise.all(admitted.map((id) => a.client.a2a.cancelTask({ id })))
    await waitFor(async () => (await balance(b, a)).reserved === '0', 15_000)
    expect((await balance(b, a)).balance).toBe('2.5')
    expect((await b.client.a2a.verifyLedger({})).ok).toBe(true)
  }, 90_000)

  it('settlements move balances only once countersigned; forged documents change nothing', async () => {
    const proposal = (
      await a.client.a2a.settleBalance({ peer: b.info!.did, amount: '2.5', reference: 'bank transfer 42' })
    ).settlement!
    expect(proposal.status).toBe('proposed')
    const atB = await waitFor(
      async () => (await b.client.a2a.listSettlements({ status: 'proposed' })).settlements[0],
      10_000,
    )
    expect(atB.id).toBe(proposal.id)
    expect((await balance(b, a)).balance).toBe('2.5')
    expect(await reasonOf(a.client.a2a.respondSettlement({ id: proposal.id, accept: true }))).toBe(
      'FAILED_PRECONDITION:NOT_COUNTERPARTY',
    )
    await b.client.a2a.respondSettlement({ id: proposal.id, accept: true })
    expect((await balance(b, a)).balance).toBe('0')
    await waitFor(async () => (await balance(a, b)).balance === '0', 10_000)
    const accepted = (await a.client.a2a.listSettlements({ peer: b.info!.did })).settlements[0]!
    expect([accepted.status, accepted.counterpartySignature !== '']).toEqual(['accepted', true])

    // A third party sends a "countersigned" receipt and an accepted settlement it has no part in.
    const attacker = await createRawPeer()
    peers.push(attacker)
    let n = 0
    const send = async (target: DaemonProcess, task: object) => {
      const lp = await attacker.open(target.info!.tcpAddress, MESSAGING_PROTOCOL)
      const now = Date.now()
      const envelope = await signEnvelope(attacker.identity, {
        id: `tfr_forged${n++}`,
        to: target.info!.did,
        createdAtMs: now,
        expiresAtMs: now + 60_000,
        body: Buffer.from(MessageBody.encode(MessageBody.fromPartial({ task })).finish()),
      })
      await lp.write(encodeFrame({ envelope }))
      return decodeFrame((await lp.read()).subarray()).ack!
    }
    const receipt = (await b.client.a2a.listReceipts({})).receipts[0]!
    expect(await send(b, { receipt: { ...receipt, status: 'settled' } })).toMatchObject({
      status: AckStatus.ACK_STATUS_REJECTED,
      reason: 'TASK_NOT_FOUND',
    })
    expect(
      await send(b, {
        settlement: {
          ...proposal,
          proposer: attacker.identity.did,
          counterparty: b.info!.did,
          status: 'proposed',
        },
      }),
    ).toMatchObject({ status: AckStatus.ACK_STATUS_REJECTED, reason: 'SIGNATURE_INVALID' })
    expect(await send(a, { settlement: { ...accepted, status: 'accepted' } })).toMatchObject({
      status: AckStatus.ACK_STATUS_REJECTED,
      reason: 'SETTLEMENT_NOT_FOUND',
    })
    expect((await balance(b, a)).balance).toBe('0')
    expect((await b.client.a2a.getBalance({ peer: attacker.identity.did })).balance!.balance).toBe('0')
  }, 60_000)

  it('a provider SIGKILLed mid-task keeps its reservation; the result settles after restart; verify passes', async () => {
    const { task, claimed } = await claimedPricedTask()
    expect((await balance(b, a)).reserved).toBe('2.5')
    await b.kill()
    await b.restart()
    await a.client.diag.connectPeer({ target: b.info!.tcpAddress })
    expect((await balance(b, a)).reserved).toBe('2.5')
    await b.client.a2a.completeTask({
      id: task!.id,
      leaseToken: claimed.token,
      output: [{ text: 'after restart' }],
    })
    await waitFor(async () => (await balance(b, a)).balance === '2.5', 15_000)
    await waitFor(async () => (await balance(a, b)).balance === '-2.5', 15_000)
    expect((await balance(b, a)).reserved).toBe('0')
    for (const d of [a, b]) {
      const check = await d.client.a2a.verifyLedger({})
      expect([check.ok, check.problems]).toEqual([true, []])
    }
    expect((await b.cli('ledger', 'balance')).stdout).toContain(a.info!.did)
  }, 90_000)
  it('work completed after the requester canceled is not paid: the receipt is disputed on both sides', async () => {
    const { task, claimed } = await claimedPricedTask()
    const before = { atB: (await balance(b, a)).balance, atA: (await balance(a, b)).balance }
    // The requester is down while the provider finishes: the COMPLETED update (with the receipt)
    // waits in B's outbox. Back up, A cancels before B reaches it, so the two cross.
    await a.kill()
    await b.client.a2a.completeTask({ id: task!.id, leaseToken: claimed.token, output: [{ text: 'late' }] })
    await a.restart()
    await a.client.a2a.cancelTask({ id: task!.id, reason: 'gave up' })
    // A came back on a new port and was B's only way in: A dials B (ConnectPeer to B's address
    // connects at once, even with a delivery dial to B stuck on a DHT lookup), and B then retries its
    // pending update.
    await a.client.diag.connectPeer({ target: b.info!.tcpAddress })
    const disputed = async (d: DaemonProcess) =>
      (await d.client.a2a.getReceipt({ taskId: task!.id }).catch(() => undefined))?.receipt?.status ===
      'disputed'
    await waitFor(() => disputed(a), 20_000, 'A disputed the late receipt')
    await waitFor(() => disputed(b), 20_000, 'B recorded the dispute')
    // A keeps its CANCELED, B its COMPLETED; nothing moved and B's reservation is released.
    expect((await a.client.a2a.getTask({ id: task!.id })).task!.state).toBe(TaskState.TASK_STATE_CANCELED)
    expect((await b.client.a2a.getTask({ id: task!.id })).task!.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect((await balance(b, a)).balance).toBe(before.atB)
    expect((await balance(a, b)).balance).toBe(before.atA)
    expect((await balance(b, a)).reserved).toBe('0')
    for (const d of [a, b]) expect((await d.client.a2a.verifyLedger({})).ok).toBe(true)
  }, 90_000)
})
