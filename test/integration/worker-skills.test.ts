// A worker that serves a skill makes the agent offer it: the README's CLI tour task flow, verbatim,
// against two daemons; the README's runWorker snippet; declared skills keep their fields; a served
// skill leaves the card with its last worker.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { types } from '../../clients/ts/index.ts'
import { startCli } from '../harness/cli-process.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'

type Card = { skills: Array<{ id: string; price: string; description: string; tags: string[] }> }

describe('workers put their skills on the card', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess
  const running: Array<ReturnType<typeof startCli>> = []
  const cardOf = async (d: DaemonProcess) =>
    (await d.cli('--json', 'card', 'show', d.did)).json<{ card: Card }>().card
  const skillIds = async (d: DaemonProcess) => (await cardOf(d)).skills.map((s) => s.id)

  beforeAll(async () => {
    ;[a, b] = (await mesh.spawnMany(2)) as [DaemonProcess, DaemonProcess]
  }, 60_000)
  afterEach(async () => {
    await Promise.all(running.splice(0).map((w) => w.stop()))
  })

  it('the README CLI tour: worker on B, create-task --wait on A by name', async () => {
    const claimed = await b.cli('name', 'claim', 'swift-falcon')
    expect(claimed.code, claimed.stderr).toBe(0)
    // Verbatim from README.md "Tasks".
    const worker = startCli(b, ['worker', '--skill', 'upper', '--exec', 'tr a-z A-Z'])
    running.push(worker)
    await waitFor(() => worker.output().includes('serving upper'), 15_000, 'the worker to serve')
    expect(await skillIds(b)).toContain('upper')
    const res = await a.cli(
      'create-task',
      '--to',
      'swift-falcon',
      '--skill',
      'upper',
      '--input',
      'hello mesh',
      '--wait',
    )
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toMatch(/^Task ID\s+task_\w+$/m)
    expect(res.stdout).toContain('HELLO MESH')
    expect(res.stdout).toMatch(/^Status\s+COMPLETED$/m)
    expect(res.stdout).toMatch(/^Output\s+"HELLO MESH"$/m)
    // A's view of B's card has the skill too (fetched from B, verified).
    const shown = (await a.cli('--json', 'card', 'show', 'swift-falcon')).json<{ card: Card }>().card
    expect(shown.skills.map((s) => s.id)).toContain('upper')

    expect(await worker.stop()).toBe(0)
    running.length = 0
    await waitFor(async () => !(await skillIds(b)).includes('upper'), 10_000, 'upper to leave the card')
    const after = await a.cli('create-task', '--to', b.did, '--skill', 'upper', '--input', 'x', '--wait')
    expect(after.stdout).toMatch(/^Error\s+SKILL_NOT_FOUND: /m)
  }, 90_000)

  it('a served skill stays while any worker serves it; --price, --description, --tag and --input-schema describe it', async () => {
    const schema = join(b.home, 'schema.json')
    writeFileSync(schema, JSON.stringify({ type: 'string', maxLength: 5 }))
    const priced = [
      'worker',
      '--skill',
      'shout',
      '--exec',
      'tr a-z A-Z',
      '--price',
      '2',
      '--description',
      'shouts its input',
      '--tag',
      'text',
      '--input-schema',
      schema,
    ]
    const first = startCli(b, priced)
    running.push(first)
    await waitFor(() => first.output().includes('serving shout'))
    const second = startCli(b, ['worker', '--skill', 'shout', '--exec', 'tr a-z A-Z'])
    running.push(second)
    await waitFor(() => second.output().includes('serving shout'))
    const skill = (await cardOf(b)).skills.find((s) => s.id === 'shout')
    expect(skill).toMatchObject({ price: '2', description: 'shouts its input', tags: ['text'] })
    // The price and the schema are enforced like declared ones.
    const cheap = await a.cli('create-task', '--to', b.did, '--skill', 'shout', '--input', 'hi', '--wait')
    // The CLI reads the price from B's card before creating the task (issue 14 item 13).
    expect(cheap.code).not.toBe(0)
    expect(cheap.stderr).toMatch(/skill "shout" costs 2 credits: add --max-price 2/)
    const long = await a.cli(
      'create-task',
      '--to',
      b.did,
      '--skill',
      'shout',
      '--input',
      'too long',
      '--max-price',
      '2',
      '--wait',
    )
    expect(long.stdout).toMatch(/^Error\s+INVALID_INPUT: /m)
    const paid = await a.cli(
      'create-task',
      '--to',
      b.did,
      '--skill',
      'shout',
      '--input',
      'hi',
      '--max-price',
      '2',
      '--wait',
    )
    expect(paid.stdout).toMatch(/^Output\s+"HI"$/m)

    // The first (describing) worker goes: the skill stays, described by the one left.
    await first.stop()
    await waitFor(async () => (await cardOf(b)).skills.find((s) => s.id === 'shout')?.price === '0')
    expect(await skillIds(b)).toContain('shout')
    await second.stop()
    running.length = 0
    await waitFor(async () => !(await skillIds(b)).includes('shout'), 10_000, 'shout to leave the card')
  }, 90_000)

  it('a declared skill keeps its fields and the rest of the card stays', async () => {
    await b.client.cards.publish({
      card: {
        name: 'declared-b',
        skills: [
          { id: 'review', description: 'declared review', price: '5' },
          { id: 'other', description: 'another skill' },
        ],
      },
    })
    const worker = startCli(b, [
      'worker',
      '--skill',
      'review',
      '--exec',
      'cat',
      '--price',
      '0',
      '--description',
      'nope',
    ])
    const extra = startCli(b, ['worker', '--skill', 'extra', '--exec', 'cat'])
    running.push(worker, extra)
    await waitFor(
      () => worker.output().includes('serving review') && extra.output().includes('serving extra'),
    )
    const card = (await b.cli('--json', 'card', 'show', b.did)).json<{ card: Card & { name: string } }>().card
    expect(card.name).toBe('declared-b')
    expect(card.skills.map((s) => s.id).sort()).toEqual(['extra', 'other', 'review'])
    expect(card.skills.find((s) => s.id === 'review')).toMatchObject({
      price: '5',
      description: 'declared review',
    })
    await worker.stop()
    await extra.stop()
    running.length = 0
    await waitFor(async () => !(await skillIds(b)).includes('extra'))
    // The declared skill stays when its worker goes.
    expect((await skillIds(b)).sort()).toEqual(['other', 'review'])
    await b.client.cards.publish({ card: {} })
  }, 90_000)

  it('the README runWorker snippet: a worker on B, runTask by capability on A', async () => {
    const stop = new AbortController()
    const statuses: string[] = []
    // As in README.md "SDKs".
    const served = b.client.runWorker(
      'word-count',
      async (ctx) => ({ words: ctx.text.split(/\s+/).length }),
      { signal: stop.signal, onStatus: (s) => statuses.push(s.kind) },
    )
    try {
      await waitFor(() => statuses.includes('ready'), 10_000, 'the worker to be ready')
      const task = await a.client.runTask({
        capability: 'word-count',
        skill: 'word-count',
        input: [{ text: 'a b c' }],
      })
      expect(task.state).toBe(types.TaskState.TASK_STATE_COMPLETED)
      expect(JSON.parse(task.output[0]?.dataJson ?? 'null')).toEqual({ words: 3 })
      expect(task.assignee).toBe(b.did)
    } finally {
      stop.abort()
      await served
    }
    await waitFor(async () => !(await skillIds(b)).includes('word-count'), 10_000)
  }, 90_000)

  it('a bad offer is refused with a clear error', async () => {
    const bad = await b.cli('worker', '--skill', 'Not A Skill!', '--exec', 'cat')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('[INVALID_CARD]')
    const badPrice = await b.cli('worker', '--skill', 'fine', '--exec', 'cat', '--price', 'lots')
    expect(badPrice.code).toBe(1)
    expect(badPrice.stderr).toMatch(/price.*not a decimal amount.*\[INVALID_CARD\]/)
  }, 30_000)
})
