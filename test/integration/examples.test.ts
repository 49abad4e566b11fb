// The examples run as documented against a real daemon pair: the TypeScript worker serves word-count
// on B, the requester on A discovers it and prints the result; the webhook backends (TypeScript and
// Python) on A verify the daemon's signed POSTs and answer a message sent from B; the Python worker
// serves the TypeScript requester.
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { textOf } from '../../clients/ts/index.ts'
import { startProcess } from '../harness/cli-process.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { REPO_ROOT } from '../harness/paths.ts'

interface Running {
  child: ChildProcess
  out: () => string
}

const running: Running[] = []

const PYTHON = join(REPO_ROOT, '.venv', 'bin', 'python')

/** Runs examples/ts/<file> with Node, or examples/python/<file> with the repo's venv. */
function runExample(file: string, socket: string, args: string[] = []): Running {
  const py = file.endsWith('.py')
  const script = join(REPO_ROOT, 'examples', py ? 'python' : 'ts', file)
  const p = startProcess(py ? PYTHON : process.execPath, [script, ...args], {
    env: { MOLTMESH_SOCKET: socket, PYTHONUNBUFFERED: '1' },
  })
  const r = { child: p.child, out: p.output }
  running.push(r)
  return r
}

const exited = (r: Running) =>
  new Promise<number | null>((resolve) => {
    if (r.child.exitCode != null) resolve(r.child.exitCode)
    else r.child.once('exit', (code) => resolve(code))
  })

describe('examples', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess

  beforeAll(async () => {
    ;[a, b] = (await mesh.spawnMany(2)) as [DaemonProcess, DaemonProcess]
  })

  afterAll(async () => {
    for (const r of running) if (r.child.exitCode == null) r.child.kill('SIGKILL')
  })

  it('worker.ts serves word-count; requester.ts discovers it, streams events and prints the result', async () => {
    const worker = runExample('worker.ts', b.socket)
    await waitFor(() => worker.out().includes('serving word-count'), 20_000, 'worker ready')
    const requester = runExample('requester.ts', a.socket, ['one two three four'])
    expect(await exited(requester)).toBe(0)
    const out = requester.out()
    expect(out).toContain(`delegating to ${b.did}`)
    expect(out).toContain('progress 0.5 counting')
    expect(out).toContain('chunk: 4 words so far')
    expect(out).toContain('result {"words":4}')
    await waitFor(() => worker.out().includes(': completed'), 10_000, 'worker log')
    worker.child.kill('SIGTERM')
    expect(await exited(worker)).toBe(0)
  })

  it.each([
    ['webhook-backend.ts', 'example backend'],
    ['webhook_backend.py', 'example backend (python)'],
  ])('%s verifies signed webhook POSTs and replies to each message', async (file, description) => {
    const backend = runExample(file, a.socket)
    await waitFor(() => backend.out().includes('listening on'), 20_000, 'backend ready')
    const text = `ping ${file}`
    const sent = await b.client.messages.send({ to: a.did, parts: [{ text }] })
    await waitFor(() => backend.out().includes(`message from ${b.did}: ${text}`), 20_000, 'webhook')
    const reply = await waitFor(async () => {
      const inbox = await b.client.inbox.list({ from: a.did })
      return inbox.messages.find((m) => m.replyTo === sent.id)
    })
    expect(textOf(reply.parts)).toBe(`got it: ${text}`)
    expect(backend.out()).not.toContain('bad signature')
    backend.child.kill('SIGTERM')
    expect(await exited(backend)).toBe(0)
    // It removed its webhook on the way out.
    expect((await a.client.webhooks.list({})).webhooks.filter((w) => w.description === description)).toEqual(
      [],
    )
  })

  it('the Python worker serves the TypeScript requester (the SDKs interoperate), leaving the rest of the card', async () => {
    const card = async () => (await b.client.cards.get({ did: b.did })).card!
    await b.client.cards.publish({ card: { name: 'b-agent', skills: [{ id: 'other-skill' }] } })
    const worker = runExample('worker.py', b.socket)
    await waitFor(() => worker.out().includes('serving word-count'), 30_000, 'python worker ready')
    // The worker added its skill; the agent's name and other skill stayed.
    const serving = await card()
    expect(serving.name).toBe('b-agent')
    expect(serving.skills.map((s) => s.id).sort()).toEqual(['other-skill', 'word-count'])
    expect(serving.skills.find((s) => s.id === 'word-count')).toMatchObject({
      description: 'counts the words of its text input',
      tags: ['text'],
    })
    const requester = runExample('requester.ts', a.socket, ['five words in this text'])
    expect(await exited(requester)).toBe(0)
    expect(requester.out()).toContain('result {"words":5}')
    worker.child.kill('SIGINT')
    expect(await exited(worker)).toBe(0)
    await waitFor(async () => (await card()).skills.length === 1, 10_000, 'word-count to leave the card')
    expect((await card()).skills.map((s) => s.id)).toEqual(['other-skill'])
    await b.client.cards.publish({ card: {} })
  })
})
