// Ledger policies between real daemons: after a provider serves reliably and another fails,
// FindAgents scores the reliable one higher and delegation by capability picks it; at a provider,
// queued tasks of a requester deep in debt go to workers after everyone else's; a network's default
// credit limit applies to its members (below a peer's own limit, above the global default).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Client, createClient, type MoltmeshError, TaskFailure, types } from '../../clients/ts/index.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { offerSkills } from '../harness/tasks.ts'

const { TaskState } = types

describe('ledger policies', () => {
  const mesh = useMesh()
  let a: DaemonProcess // requester
  let b: DaemonProcess // reliable provider
  let c: DaemonProcess // failing provider, and a second requester
  const stop = new AbortController()
  const clients: Client[] = []
  const workers: Array<Promise<void>> = []

  const scores = async (capability: string) => {
    const out: Record<string, number> = {}
    for await (const r of a.client.agents.find({ capability, timeoutMs: 3_000 }))
      if (r.card != null) out[r.card.did] = r.score
    return out
  }

  beforeAll(async () => {
    ;[a, b, c] = (await mesh.spawnMany(3)) as [DaemonProcess, DaemonProcess, DaemonProcess]
    await mesh.connectAll()
    await offerSkills(b, [{ id: 'shared' }, { id: 'priced', price: '6' }, { id: 'queue' }])
    await offerSkills(c, [{ id: 'shared' }])
    // Separate clients for the workers, so closing them ends their streams with the test.
    const bw = createClient({ socket: b.socket })
    const cw = createClient({ socket: c.socket })
    clients.push(bw, cw)
    workers.push(bw.runWorker(['shared', 'priced'], () => 'done', { signal: stop.signal }))
    workers.push(
      cw.runWorker(
        'shared',
        () => {
          throw new TaskFailure('BROKEN', 'always fails')
        },
        { signal: stop.signal },
      ),
    )
  }, 60_000)

  afterAll(async () => {
    stop.abort()
    await Promise.all(workers)
    for (const cl of clients) cl.close()
  })

  it('scores a provider that served reliably above one that failed, and delegates to it', async () => {
    const before = await waitFor(async () => {
      const s = await scores('shared')
      return s[b.did] != null && s[c.did] != null ? s : undefined
    })
    // No history yet: both connected with fresh cards, so they score (almost) the same.
    expect(Math.abs((before[b.did] ?? 0) - (before[c.did] ?? 0))).toBeLessThan(0.05)

    for (let i = 0; i < 3; i++) {
      expect((await a.client.runTask({ to: b.did, skill: 'shared', input: [{ text: 'x' }] })).state).toBe(
        TaskState.TASK_STATE_COMPLETED,
      )
      expect((await a.client.runTask({ to: c.did, skill: 'shared', input: [{ text: 'x' }] })).state).toBe(
        TaskState.TASK_STATE_FAILED,
      )
    }
    const after = await scores('shared')
    expect((after[b.did] ?? 0) - (after[c.did] ?? 0)).toBeGreaterThan(0.15)
    expect(after[b.did]).toBeGreaterThan(before[b.did] ?? 1)
    expect(after[c.did]).toBeLessThan(before[c.did] ?? 0)

    // Delegation by capability picks the better-ranked provider, every time.
    for (let i = 0; i < 3; i++) {
      const done = await a.client.runTask({ capability: 'shared', skill: 'shared', input: [{ text: 'x' }] })
      expect(done.assignee).toBe(b.did)
    }
  })

  it('gives queued tasks of a requester deep in debt to workers after the others', async () => {
    // A owes B 6 credits of a 10-credit limit: more than half.
    await b.client.ledger.setCreditLimit({ peer: a.did, amount: '10' })
    const priced = await a.client.runTask({
      to: b.did,
      skill: 'priced',
      input: [{ text: 'x' }],
      maxPrice: '6',
    })
    expect(priced.state).toBe(TaskState.TASK_STATE_COMPLETED)
    await waitFor(async () => (await b.client.ledger.balance({ peer: a.did })).balance?.balance === '6')

    // No worker serves "queue" yet: A's task arrives first, C's second.
    const fromA = (await a.client.tasks.create({ to: b.did, skill: 'queue', input: [{ text: 'a' }] })).task!
    await waitFor(async () => (await b.client.tasks.get({ id: fromA.id }).catch(() => undefined))?.task)
    const fromC = (await c.client.tasks.create({ to: b.did, skill: 'queue', input: [{ text: 'c' }] })).task!
    await waitFor(async () => (await b.client.tasks.get({ id: fromC.id }).catch(() => undefined))?.task)

    const order: string[] = []
    const abort = new AbortController()
    for await (const { task } of b.client.worker.subscribe({ skills: ['queue'] }, { signal: abort.signal })) {
      if (task != null) order.push(task.id)
      if (order.length === 2) break
    }
    expect(order).toEqual([fromC.id, fromA.id])
  })
  it('applies a network default credit limit to members, until they leave', async () => {
    const limitOf = async (of: DaemonProcess) =>
      (await b.client.ledger.balance({ peer: of.did })).balance?.creditLimit
    await b.client.ledger.setCreditLimit({ defaultLimit: true, amount: '100' })
    expect(await limitOf(c)).toBe('100')
    const net = (
      await b.client.networks.create({ name: 'thrifty', policy: types.NetworkPolicy.NETWORK_POLICY_OPEN })
    ).network!
    await b.client.ledger.setCreditLimit({ network: net.id, amount: '2' })
    await c.client.networks.join({ networkId: net.id })
    await waitFor(async () => (await limitOf(c)) === '2', 10_000, 'C gets the network limit at B')
    // Admission uses it: a 6-credit task is over C's limit of 2.
    const refused = await c.client.runTask({
      to: b.did,
      skill: 'priced',
      input: [{ text: 'x' }],
      maxPrice: '6',
    })
    expect(refused.state).toBe(TaskState.TASK_STATE_REJECTED)
    expect(refused.error?.reason).toBe('CREDIT_LIMIT_EXCEEDED')
    // A peer's own limit wins over the network's (A has 10 from the previous test).
    await a.client.networks.join({ networkId: net.id })
    await waitFor(async () => (await b.client.networks.members({ networkId: net.id })).members.length === 3)
    expect(await limitOf(a)).toBe('10')
    // Leaving the network drops its default.
    await c.client.networks.leave({ networkId: net.id })
    await waitFor(async () => (await limitOf(c)) === '100', 10_000, 'C is back on the default')
    // Removing the network default; unknown networks and two targets at once are refused.
    await b.client.ledger.setCreditLimit({ network: net.id, amount: '' })
    const err = (await b.client.ledger
      .setCreditLimit({ network: 'net_unknown', amount: '1' })
      .catch((e: unknown) => e)) as MoltmeshError
    expect(err.reason).toBe('NETWORK_NOT_FOUND')
    const both = (await b.client.ledger
      .setCreditLimit({ network: net.id, peer: a.did, amount: '1' })
      .catch((e: unknown) => e)) as MoltmeshError
    expect(both.reason).toBe('INVALID_ARGUMENT')
  })
})
