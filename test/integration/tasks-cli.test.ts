// The task commands of the CLI against real daemons: `moltmesh worker --exec` serves a skill with a
// shell command; `create-task --wait` streams and prints the result; task get/list/events/cancel and
// wait-task show the same task; a failing command fails the task with its exit code.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { startCli } from '../harness/cli-process.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { offerSkills } from '../harness/tasks.ts'

/** Starts `moltmesh worker` against daemon `d`; stop() sends SIGINT and waits for it to exit. */
const startCliWorker = (d: DaemonProcess, skill: string, exec: string) =>
  startCli(d, ['worker', '--skill', skill, '--exec', exec])

describe('task CLI', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess

  beforeAll(async () => {
    const daemons = await mesh.spawnMany(2)
    a = daemons[0]!
    b = daemons[1]!
    await offerSkills(b, [{ id: 'upper' }, { id: 'broken' }, { id: 'sleepy' }, { id: 'json-sum' }])
  }, 60_000)

  it('worker --exec serves a skill; create-task --wait streams and prints the result', async () => {
    const worker = startCliWorker(b, 'upper', 'tr a-z A-Z')
    try {
      await waitFor(() => worker.output().includes('serving upper'), 10_000)
      const res = await a.cli(
        'create-task',
        '--to',
        b.info!.did,
        '--skill',
        'upper',
        '--input',
        'hello mesh',
        '--wait',
        '--timeout',
        '30s',
      )
      expect(res.code, res.stderr).toBe(0)
      expect(res.stdout).toMatch(/^Task ID\s+task_[0-9a-z]{26}$/m)
      expect(res.stdout).toMatch(/^Status\s+COMPLETED$/m)
      expect(res.stdout).toMatch(/^Output\s+"HELLO MESH"$/m)
      const id = /Task ID\s+(task_\w+)/.exec(res.stdout)![1]!
      const got = await b.cli('--json', 'task', 'get', id)
      expect(got.json<{ task: { state: string; output: Array<{ text: string }> } }>().task).toMatchObject({
        state: 'TASK_STATE_COMPLETED',
        output: [{ text: 'HELLO MESH' }],
      })
      const listed = await a.cli('task', 'list', '--role', 'requester', '--state', 'completed')
      expect(listed.stdout).toContain(id)
      const events = await a.cli('task', 'events', id)
      expect(events.stdout).toMatch(/^#3 chunk "HELLO MESH"$/m)
      expect(events.stdout).toMatch(/status COMPLETED/)
      await waitFor(() => worker.output().includes(`${id} upper`), 5_000)
      expect(worker.output()).toContain('-> COMPLETED')
    } finally {
      expect(await worker.stop()).toBe(0)
    }
  }, 60_000)

  it('JSON output from the command becomes a data part; a failing command fails the task', async () => {
    const sum = startCliWorker(
      b,
      'json-sum',
      `node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(JSON.stringify({sum:v.a+v.b}))})'`,
    )
    const broken = startCliWorker(b, 'broken', 'echo oops >&2; exit 3')
    try {
      const ok = await a.cli(
        'create-task',
        '--to',
        b.info!.did,
        '--skill',
        'json-sum',
        '--data',
        '{"a":2,"b":40}',
        '--wait',
      )
      expect(ok.stdout).toMatch(/^Output\s+\{"sum":42\}$/m)
      const bad = await a.cli(
        'create-task',
        '--to',
        b.info!.did,
        '--skill',
        'broken',
        '--input',
        'x',
        '--wait',
      )
      expect(bad.code).toBe(1)
      expect(bad.stdout).toMatch(/^Status\s+FAILED$/m)
      expect(bad.stdout).toMatch(/^Error\s+EXIT_CODE: command exited with 3: oops$/m)
    } finally {
      await sum.stop()
      await broken.stop()
    }
  }, 60_000)

  it('create-task --file uploads the file and attaches it as an artifact', async () => {
    const file = join(mesh.root, 'notes.txt')
    writeFileSync(file, 'attached notes')
    const res = await a.cli(
      '--json',
      'create-task',
      '--to',
      b.info!.did,
      '--skill',
      'upper',
      '--input',
      'see file',
      '--file',
      `@${file}`,
    )
    expect(res.code, res.stderr).toBe(0)
    const id = res.json<{ task: { id: string } }>().task.id
    const onB = await waitFor(async () => {
      const got = await b.cli('--json', 'task', 'get', id)
      return got.code === 0
        ? got.json<{
            task: { input: Array<{ text?: string; artifact?: { name: string; inlineData: string } }> }
          }>().task
        : undefined
    }, 15_000)
    expect(onB.input[0]?.text).toBe('see file')
    expect(onB.input[1]?.artifact?.name).toBe('notes.txt')
    expect(Buffer.from(onB.input[1]!.artifact!.inlineData, 'base64').toString()).toBe('attached notes')
  }, 60_000)

  it('task cancel stops the running command; wait-task reports the end; bad input is a clear error', async () => {
    const worker = startCliWorker(b, 'sleepy', 'sleep 30; echo done')
    try {
      const created = await a.cli(
        '--json',
        'create-task',
        '--to',
        b.info!.did,
        '--skill',
        'sleepy',
        '--input',
        'zz',
      )
      const id = created.json<{ task: { id: string } }>().task.id
      await waitFor(async () => (await b.cli('task', 'get', id)).stdout.match(/Status\s+WORKING/), 15_000)
      const canceled = await a.cli('task', 'cancel', id, '--reason', 'enough')
      expect(canceled.stdout).toMatch(/^Status\s+CANCELED$/m)
      await waitFor(() => worker.output().includes(`${id} sleepy`), 10_000)
      expect(worker.output()).toContain('stopped (canceled)')
      const waited = await a.cli('wait-task', '--id', id, '--timeout', '5s')
      expect(waited.stdout).toMatch(/^Error\s+CANCELED: enough$/m)
      const missing = await a.cli('task', 'get', 'task_nope')
      expect(missing.code).toBe(1)
      expect(missing.stderr).toContain('[TASK_NOT_FOUND]')
      const noTarget = await a.cli('create-task', '--skill', 'x', '--input', 'y')
      expect(noTarget.code).toBe(1)
      expect(noTarget.stderr).toContain('--to')
    } finally {
      await worker.stop()
    }
  }, 60_000)
})
