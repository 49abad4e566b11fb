// Hostile task inputs against skill schemas (issue 15, items 1 and 2): a catastrophic-backtracking
// `pattern`, a combinator schema that explodes on a crafted input, and a poison offer nested 10,000
// deep. The assignee answers each offer (REJECTED with a reason), keeps answering Health while it is
// attacked, and the sender's later messages still arrive. Schemas that cannot be checked in bounded
// time are refused at publish.
import { beforeAll, describe, expect, it } from 'vitest'
import { types } from '../../clients/ts/index.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { reasonOf } from '../harness/errors.ts'
import { sampleHealth } from '../harness/health-sampler.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { allInbox, sendText, textsOf } from '../harness/messages.ts'
import { isTerminalState, offerSkills } from '../harness/tasks.ts'

const { TaskState } = types

async function settledOn(d: DaemonProcess, id: string, timeoutMs = 30_000): Promise<types.Task> {
  return waitFor(async () => {
    const t = (await d.client.a2a.getTask({ id })).task
    return t != null && isTerminalState(t.state) ? t : undefined
  }, timeoutMs)
}

/** `[[[ ... "x" ... ]]]`: `depth` arrays around a string. */
const nested = (depth: number) => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`

describe('hostile task inputs', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess

  beforeAll(async () => {
    ;[a, b] = (await mesh.spawnMany(2)) as [DaemonProcess, DaemonProcess]
    await offerSkills(b, [
      { id: 'redos', inputSchema: { type: 'string', pattern: '^(a+)+$' } },
      { id: 'tree', inputSchema: { type: 'array', items: { $ref: '#' } } },
      {
        // Each level tries both branches before failing: 2^depth steps on a failing leaf.
        id: 'explode',
        inputSchema: {
          anyOf: [
            { type: 'array', items: { $ref: '#' } },
            { type: 'array', items: { $ref: '#' } },
          ],
        },
      },
    ])
  }, 60_000)

  it('checks a backtracking-prone pattern in linear time and keeps answering Health', async () => {
    const health = sampleHealth(b, 'ReDoS offers')
    // 30 a's and a '!' took 13.6 s on a backtracking engine; 10,000 would never finish.
    const inputs = ['a'.repeat(30), 'a'.repeat(10_000)].map((s) => `${s}!`)
    const created = await Promise.all(
      inputs.map((s) =>
        a.client.a2a.createTask({ to: b.did, skill: 'redos', input: [{ dataJson: JSON.stringify(s) }] }),
      ),
    )
    const good = await a.client.a2a.createTask({
      to: b.did,
      skill: 'redos',
      input: [{ dataJson: JSON.stringify('aaaa') }],
    })
    for (const c of created) {
      const t = await settledOn(a, c.task!.id)
      expect(t.state).toBe(TaskState.TASK_STATE_REJECTED)
      expect(t.error?.reason).toBe('INVALID_INPUT')
      expect(t.error?.message).toContain('must match pattern')
    }
    // A matching input is admitted: the linear engine still implements the pattern.
    await waitFor(async () => {
      const t = (await b.client.a2a.getTask({ id: good.task!.id })).task
      return t?.state === TaskState.TASK_STATE_SUBMITTED ? t : undefined
    }, 20_000)
    const sample = await health.stop()
    expect(sample.failures).toBe(0)
    expect(sample.calls).toBeGreaterThan(0)
  }, 60_000)

  it('refuses a poison offer nested 10,000 deep with a reason, and later messages still arrive', async () => {
    const health = sampleHealth(b, 'poison offers')
    const poison = await a.client.a2a.createTask({
      to: b.did,
      skill: 'tree',
      input: [{ dataJson: nested(10_000) }],
    })
    // Sent behind the offer in A's queue to B: it must not wait for the offer forever.
    await sendText(a, b.did, 'after the poison')
    const t = await settledOn(a, poison.task!.id)
    expect(t.state).toBe(TaskState.TASK_STATE_REJECTED)
    expect(t.error?.reason).toBe('INVALID_INPUT')
    expect(t.error?.message).toContain('deeper than 64')
    await waitFor(async () => {
      const texts = textsOf(await allInbox(b))
      return texts.includes('after the poison') ? texts : undefined
    }, 20_000)
    // A tree within the depth cap is validated as before.
    const fine = await a.client.a2a.createTask({
      to: b.did,
      skill: 'tree',
      input: [{ dataJson: nested(30) }],
    })
    const onB = await waitFor(async () => (await b.client.a2a.getTask({ id: fine.task!.id })).task, 20_000)
    expect(onB.state).toBe(TaskState.TASK_STATE_REJECTED) // "x" at the leaf is not an array
    expect(onB.error?.message).toContain('must be array')
    expect((await health.stop()).failures).toBe(0)
  }, 60_000)

  it('stops a check that runs past its time budget and answers INPUT_TOO_COMPLEX', async () => {
    const health = sampleHealth(b, 'exploding combinator offers')
    const created = await a.client.a2a.createTask({
      to: b.did,
      skill: 'explode',
      input: [{ dataJson: nested(60) }],
    })
    const t = await settledOn(a, created.task!.id)
    expect(t.state).toBe(TaskState.TASK_STATE_REJECTED)
    expect(t.error?.reason).toBe('INPUT_TOO_COMPLEX')
    // The next check gets a fresh worker.
    const small = await a.client.a2a.createTask({
      to: b.did,
      skill: 'explode',
      input: [{ dataJson: nested(3) }],
    })
    const t2 = await settledOn(a, small.task!.id)
    expect(t2.error?.reason).toBe('INVALID_INPUT')
    expect((await health.stop()).failures).toBe(0)
  }, 60_000)

  it('refuses at publish a schema that cannot be checked in bounded time, naming the field', async () => {
    const publish = (inputSchema: object) => offerSkills(b, [{ id: 'plain' }, { id: 'bad', inputSchema }])
    const lookahead = publish({ type: 'string', pattern: '^(?=.*\\d).+$' })
    expect(await reasonOf(lookahead)).toBe('INVALID_ARGUMENT:INVALID_CARD')
    await expect(lookahead).rejects.toThrow(/skills\[1\]\.input_schema.*linear time/)
    const backref = publish({ type: 'object', patternProperties: { '^(a)\\1$': {} } })
    await expect(backref).rejects.toThrow(/patternProperties/)
    const quadratic = publish({ type: 'array', uniqueItems: true, items: { type: 'object' } })
    await expect(quadratic).rejects.toThrow(/maxItems/)
    // Bounded or scalar uniqueItems is fine; the earlier skills are still offered.
    await publish({ type: 'array', uniqueItems: true, maxItems: 100, items: { type: 'object' } })
    await offerSkills(b, [
      { id: 'redos', inputSchema: { type: 'string', pattern: '^(a+)+$' } },
      { id: 'tree', inputSchema: { type: 'array', items: { $ref: '#' } } },
    ])
  }, 30_000)

  it('refuses a card over 16 KiB at publish and keeps the previous one (item 7)', async () => {
    const before = (await b.client.a2a.getAgentCard({ did: b.did })).card!
    const skills = Array.from({ length: 20 }, (_, i) => ({
      id: `big-skill-${i}`,
      name: `big ${i}`,
      description: 'x'.repeat(2000),
    }))
    const big = b.client.a2a.publishAgentCard({
      card: { name: 'big', description: 'y'.repeat(2000), skills },
    })
    expect(await reasonOf(big)).toBe('INVALID_ARGUMENT:CARD_TOO_LARGE')
    await expect(big).rejects.toThrow(/the limit is 16384 \(16 KiB\)/)
    const after = (await b.client.a2a.getAgentCard({ did: b.did })).card!
    expect(after.sequence).toBe(before.sequence)
    expect(after.skills.map((s) => s.id)).toEqual(before.skills.map((s) => s.id))
  }, 30_000)
})
