// Workers survive a daemon restart: `moltmesh worker`, the TypeScript runWorker and the Python
// run_worker say that they lost the daemon, subscribe again once it is back (their skills return to
// the card) and serve tasks; when the daemon stays away past their limit they end with an error
// (the CLI and the Python script exit non-zero).
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, types, type WorkerStatus } from '../../clients/ts/index.ts'
import { startCli, startProcess } from '../harness/cli-process.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { REPO_ROOT } from '../harness/paths.ts'

const PYTHON = join(REPO_ROOT, '.venv', 'bin', 'python')
// The default status printer for lost/reconnected; "ready" printed here so the test sees it.
const PY_WORKER = `
import sys, moltmesh
from moltmesh._serving import print_status
def status(kind, message):
    print("ready", flush=True) if kind == "ready" else print_status(kind, message)
with moltmesh.Client(sys.argv[1]) as client:
    client.run_worker(sys.argv[2], lambda task: task.text.upper(), reconnect=float(sys.argv[3]), on_status=status)
`

function startPython(socket: string, skill: string, reconnectS: number) {
  const p = startProcess(PYTHON, ['-c', PY_WORKER, socket, skill, String(reconnectS)], {
    env: { PYTHONUNBUFFERED: '1' },
  })
  return { child: p.child, out: p.output, exited: p.exited }
}

describe('workers across daemon restarts', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess
  const children: ChildProcess[] = []

  beforeAll(async () => {
    ;[a, b] = (await mesh.spawnMany(2)) as [DaemonProcess, DaemonProcess]
  }, 60_000)
  afterAll(() => {
    for (const c of children) if (c.exitCode == null) c.kill('SIGKILL')
  })

  const skillsOf = async (d: DaemonProcess) =>
    (await d.client.cards.get({ did: d.did })).card?.skills.map((s) => s.id) ?? []

  it('reconnect with a message after a restart and serve again', async () => {
    const cli = startCli(b, ['worker', '--skill', 'cli-up', '--exec', 'tr a-z A-Z'])
    const py = startPython(b.socket, 'py-up', 60)
    children.push(py.child)
    const client = createClient({ socket: b.socket })
    const statuses: WorkerStatus[] = []
    const stop = new AbortController()
    const ts = client.runWorker('ts-up', (ctx) => ctx.text.toUpperCase(), {
      signal: stop.signal,
      onStatus: (s) => statuses.push(s),
    })
    try {
      await waitFor(
        () => cli.output().includes('serving cli-up') && py.out().includes('ready') && statuses.length > 0,
        30_000,
        'three workers serving',
      )
      await b.stop()
      await waitFor(
        () =>
          cli.output().includes('lost the daemon') &&
          py.out().includes('lost the daemon') &&
          statuses.some((s) => s.kind === 'lost'),
        15_000,
        'every worker to notice',
      )
      await b.start()
      await waitFor(
        () =>
          /reconnected after [\d.]+ s; serving cli-up/.test(cli.output()) &&
          /reconnected after [\d.]+ s; serving py-up/.test(py.out()) &&
          statuses.some((s) => s.kind === 'reconnected'),
        30_000,
        'every worker to reconnect',
      )
      expect((await skillsOf(b)).sort()).toEqual(['cli-up', 'py-up', 'ts-up'])
      const viaCli = await a.cli(
        'create-task',
        '--to',
        b.did,
        '--skill',
        'cli-up',
        '--input',
        'one',
        '--wait',
      )
      expect(viaCli.stdout).toMatch(/^Output\s+"ONE"$/m)
      for (const skill of ['py-up', 'ts-up']) {
        const task = await a.client.runTask({ to: b.did, skill, input: [{ text: skill }] })
        expect(task.state, skill).toBe(types.TaskState.TASK_STATE_COMPLETED)
        expect(task.output[0]?.text).toBe(skill.toUpperCase())
      }
    } finally {
      stop.abort()
      await ts
      client.close()
      expect(await cli.stop()).toBe(0)
      py.child.kill('SIGINT')
      await py.exited
    }
  }, 120_000)

  it('give up after their limit with an error and a non-zero exit', async () => {
    const cli = startCli(b, ['worker', '--skill', 'cli-up', '--exec', 'cat', '--reconnect', '2s'])
    const py = startPython(b.socket, 'py-up', 2)
    children.push(py.child)
    const client = createClient({ socket: b.socket })
    let ready = false
    const ts = client.runWorker('ts-up', () => 'x', {
      reconnect: { giveUpAfterMs: 2_000 },
      onStatus: (s) => {
        if (s.kind === 'ready') ready = true
      },
    })
    const tsOutcome = ts.then(
      () => 'resolved',
      (err: Error) => err.message,
    )
    await waitFor(
      () => cli.output().includes('serving cli-up') && py.out().includes('ready') && ready,
      30_000,
      'three workers serving',
    )
    await b.stop()
    expect(await cli.exited).toBe(1)
    expect(cli.output()).toMatch(/could not reconnect within 2 s/)
    expect(await py.exited).not.toBe(0)
    expect(py.out()).toMatch(/could not reconnect within 2 s.*\[DAEMON_GONE\]/)
    expect(await tsOutcome).toMatch(/could not reconnect within 2 s/)
    client.close()
    await b.start()
  }, 60_000)
})
