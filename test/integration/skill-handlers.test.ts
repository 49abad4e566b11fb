// Skills with a `handler` in moltbook.toml, served by `moltmesh start` itself: input on stdin, output
// on stdout, input artifacts as files ("$@"), files in $MOLTMESH_OUTPUT_DIR as output artifacts; a
// crash fails the task with the exit code and stderr (also in the daemon log); a timeout kills the
// process group; concurrency is bounded per skill; SIGHUP and `moltmesh reload` re-read the skills.
// The same artifact contract for `moltmesh worker --exec`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { type DeepPartial, types } from '../../clients/ts/index.ts'
import { startCli } from '../harness/cli-process.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'

const { TaskState } = types

const BASE_CONFIG = `
[agent]
name = "handler-agent"

[[agent.skills]]
id = "upper"
description = "upper-cases text"
handler = "tr a-z A-Z"

[[agent.skills]]
id = "copy-file"
handler = "wc -c < \\"$1\\" | tr -d ' '; cp \\"$1\\" \\"$MOLTMESH_OUTPUT_DIR/copy.txt\\""

[[agent.skills]]
id = "crash"
handler = "echo boom >&2; exit 7"

[[agent.skills]]
id = "slow"
handler = "sleep 300 & echo $! > slow.pid; wait"
timeout = "1s"

[[agent.skills]]
id = "para"
handler = "date +%s%N > runs/$MOLTMESH_TASK_ID.start; sleep 2; date +%s%N > runs/$MOLTMESH_TASK_ID.end"
concurrency = 2
`

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('skill handlers in moltbook.toml', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess
  let configFile: string

  beforeAll(async () => {
    a = await mesh.spawn('a')
    configFile = join(mesh.root, 'b', 'conf', 'moltbook.toml')
    b = mesh.create('b', { bootstrap: [a.info!.tcpAddress], args: ['--config', configFile] })
    mkdirSync(join(b.home, 'conf', 'runs'), { recursive: true })
    writeFileSync(configFile, BASE_CONFIG)
    await b.start()
  }, 60_000)

  const run = (skill: string, input: DeepPartial<types.Part>[]) =>
    a.client.runTask({ to: b.did, skill, input, timeoutMs: 60_000 })

  it('serves a skill with its handler, described as declared', async () => {
    await waitFor(async () => b.output.some((l) => l.includes('handler serving') && l.includes('"upper"')))
    const task = await run('upper', [{ text: 'hello mesh' }])
    expect(task.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(task.output[0]?.text).toBe('HELLO MESH')
    const card = (await a.client.cards.get({ did: b.did })).card!
    expect(card.name).toBe('handler-agent')
    expect(card.skills.find((s) => s.id === 'upper')?.description).toBe('upper-cases text')
  }, 60_000)

  it('gives input artifacts as files and returns the files it writes as artifacts', async () => {
    const content = 'fourteen bytes'
    const file = join(a.home, 'notes.txt')
    writeFileSync(file, content)
    const res = await a.cli('--json', 'create-task', '--to', b.did, '--skill', 'copy-file', '--file', file)
    expect(res.code, res.stderr).toBe(0)
    const id = res.json<{ task: { id: string } }>().task.id
    const done = (await a.client.tasks.wait({ id, timeoutMs: 30_000 })).task!
    expect(done.state, JSON.stringify(done.error)).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(done.output[0]?.dataJson).toBe('14')
    const artifact = done.output[1]?.artifact
    expect(artifact?.name).toBe('copy.txt')
    // A can fetch the artifact by its CID.
    const out = join(a.home, 'copy.txt')
    const got = await a.cli('blob', 'get', artifact!.cid, '-o', out, '--from', b.did)
    expect(got.code, got.stderr).toBe(0)
    expect(readFileSync(out, 'utf8')).toBe(content)
  }, 60_000)

  it('fails a crashing handler with its exit code and stderr, which also goes to the log', async () => {
    const task = await run('crash', [{ text: 'x' }])
    expect(task.state).toBe(TaskState.TASK_STATE_FAILED)
    expect(task.error).toMatchObject({ reason: 'EXIT_CODE', message: 'command exited with 7: boom' })
    await waitFor(() => b.output.some((l) => l.includes('handler stderr') && l.includes('boom')), 5_000)
  }, 60_000)

  it('kills the whole process group of a handler past its timeout', async () => {
    const started = Date.now()
    const task = await run('slow', [{ text: 'x' }])
    expect(task.state).toBe(TaskState.TASK_STATE_FAILED)
    expect(task.error?.reason).toBe('HANDLER_TIMEOUT')
    expect(Date.now() - started).toBeLessThan(60_000)
    // The `sleep 300` the handler started in the background went with it.
    const pid = Number(readFileSync(join(b.home, 'conf', 'slow.pid'), 'utf8'))
    await waitFor(() => !alive(pid), 5_000, 'the background sleep to be killed')
  }, 60_000)

  it('runs at most `concurrency` tasks of a skill at once', async () => {
    const tasks = await Promise.all([1, 2, 3].map((n) => run('para', [{ text: String(n) }])))
    for (const t of tasks) expect(t.state).toBe(TaskState.TASK_STATE_COMPLETED)
    const spans = tasks.map((t) => {
      const read = (ext: string) =>
        BigInt(readFileSync(join(b.home, 'conf', 'runs', `${t.id}.${ext}`), 'utf8').trim())
      return [read('start'), read('end')] as const
    })
    const overlapAt = (at: bigint) => spans.filter(([s, e]) => s <= at && at < e).length
    const most = Math.max(...spans.map(([s]) => overlapAt(s)))
    expect(most).toBe(2)
  }, 60_000)

  it('re-reads the skills on `moltmesh reload` and on SIGHUP; a bad file is refused naming the key', async () => {
    const reloaded = BASE_CONFIG.replace(
      /\[\[agent.skills\]\]\nid = "crash"\nhandler = "[^"]*"\n/,
      '[[agent.skills]]\nid = "lower"\nhandler = "tr A-Z a-z"\n',
    )
    expect(reloaded).not.toContain('crash')
    writeFileSync(configFile, reloaded)
    const res = await b.cli('reload')
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toMatch(/^Skills\s+.*lower/m)
    expect(res.stdout).not.toContain('crash')
    await waitFor(async () => (await run('lower', [{ text: 'QUIET' }])).output[0]?.text === 'quiet', 15_000)
    const gone = await run('crash', [{ text: 'x' }])
    expect(gone.error?.reason).toBe('SKILL_NOT_FOUND')

    writeFileSync(configFile, `${reloaded}\n[[agent.skills]]\nid = "echo"\nhandler = "cat"\n`)
    b.child!.kill('SIGHUP')
    await waitFor(async () => (await run('echo', [{ text: 'same' }])).output[0]?.text === 'same', 15_000)

    writeFileSync(configFile, `${reloaded}\n[[agent.skills]]\nid = "bad"\nhandlr = "cat"\n`)
    const bad = await b.cli('reload')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('handlr')
    // Still serving what it had.
    expect((await run('upper', [{ text: 'ok' }])).output[0]?.text).toBe('OK')
  }, 90_000)

  it("worker --exec 'wc -c' counts an attached file (files alone are the command's stdin too)", async () => {
    const worker = startCli(b, ['worker', '--skill', 'count', '--exec', 'wc -c'])
    const report = join(a.home, 'report.md')
    writeFileSync(report, '# Report\n\nTwenty-eight bytes.\n'.slice(0, 28))
    try {
      await waitFor(() => worker.output().includes('serving count'), 15_000)
      const res = await a.cli('create-task', '--to', b.did, '--skill', 'count', '--file', report, '--wait')
      expect(res.code, res.stderr).toBe(0)
      expect(res.stdout).toMatch(/^Output\s+28$/m)
    } finally {
      await worker.stop()
    }
  }, 60_000)
})
