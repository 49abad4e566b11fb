// The CLI against real daemons: a task wait ends with a documented exit code (never 0 unless the task
// COMPLETED), and peer-supplied strings with terminal control characters (a remote card, message and
// task) are printed escaped in text output and exact in --json output.
import { beforeAll, describe, expect, it } from 'vitest'
import { types } from '../../clients/ts/index.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { offerSkills, startWorker } from '../harness/tasks.ts'

// ESC sequences that clear the screen and recolour it, a bell, a carriage return, a NUL and a newline.
const EVIL = 'card\u001b[2J\u001b[31mEVIL\u0007\r\u0000\nDID fake'
// biome-ignore lint/suspicious/noControlCharactersInRegex: raw control characters are what must not appear
const RAW_CONTROL = /[\u0000\u0007\u001b\r]/

describe('task wait exit codes', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess

  beforeAll(async () => {
    ;[a, b] = (await mesh.spawnMany(2)) as [DaemonProcess, DaemonProcess]
    await offerSkills(b, [{ id: 'idle' }, { id: 'ask' }, { id: 'echo' }])
  }, 60_000)

  it('create-task --wait whose deadline passes ends FAILED TIMEOUT with exit 1, not 0', async () => {
    // Nobody serves "idle": the task stays SUBMITTED until its 3 s deadline fails it.
    const res = await a.cli(
      'create-task',
      '--to',
      b.did,
      '--skill',
      'idle',
      '-i',
      'x',
      '--timeout',
      '3s',
      '--wait',
    )
    expect(res.stdout).toMatch(/^Status\s+FAILED$/m)
    expect(res.stdout).toMatch(/^Error\s+TIMEOUT/m)
    expect(res.code, res.stdout + res.stderr).toBe(1)
  }, 40_000)

  it('wait-task that gives up exits 3 and says how to go on; a completed task exits 0', async () => {
    const created = await a.cli(
      '--json',
      'create-task',
      '--to',
      b.did,
      '--skill',
      'idle',
      '-i',
      'x',
      '--timeout',
      '1m',
    )
    const id = created.json<{ task: { id: string } }>().task.id
    const waited = await a.cli('wait-task', '--id', id, '--timeout', '1s')
    expect(waited.code).toBe(3)
    expect(waited.stdout).toMatch(/^Status\s+SUBMITTED$/m)
    expect(waited.stderr).toContain(`gave up waiting: task ${id} is still SUBMITTED`)
    const asJson = await a.cli('--json', 'wait-task', '--id', id, '--timeout', '1s')
    expect(asJson.code).toBe(3)
    expect(asJson.json<{ timedOut: boolean }>().timedOut).toBe(true)
    await a.cli('task', 'cancel', id)
    const canceled = await a.cli('wait-task', '--id', id, '--timeout', '5s')
    expect(canceled.stdout).toMatch(/^Status\s+CANCELED$/m)
    expect(canceled.code).toBe(1)

    const worker = startWorker(b, 'echo', async (ctx) => {
      await ctx.chunk('no newline at the end')
      return [{ text: 'done' }]
    })
    try {
      const ok = await a.cli(
        'create-task',
        '--to',
        b.did,
        '--skill',
        'echo',
        '-i',
        'x',
        '--wait',
        '--timeout',
        '30s',
      )
      expect(ok.code, ok.stderr).toBe(0)
      // The streamed chunk ends its own line: the next event starts on a new one.
      expect(ok.stdout).toMatch(/^no newline at the end\n#\d+ status COMPLETED$/m)
    } finally {
      await worker.stop()
    }
  }, 60_000)

  it('a task that asks for input ends the wait with exit 4 and the hint to answer', async () => {
    const abort = new AbortController()
    const asking = (async () => {
      for await (const { task } of b.client.a2a.subscribeTasks(
        { skills: ['ask'] },
        { signal: abort.signal },
      )) {
        if (task == null) continue
        const claim = await b.client.a2a.claimTask({ id: task.id, leaseMs: 30_000 })
        await b.client.a2a.updateTask({
          id: task.id,
          leaseToken: claim.leaseToken,
          state: types.TaskState.TASK_STATE_INPUT_REQUIRED,
          message: [{ text: 'which colour?' }],
        })
      }
    })().catch(() => undefined)
    try {
      const created = await a.cli('--json', 'create-task', '--to', b.did, '--skill', 'ask', '-i', 'paint')
      const id = created.json<{ task: { id: string } }>().task.id
      const res = await a.cli('wait-task', '--id', id, '--timeout', '20s')
      expect(res.stdout).toMatch(/^Status\s+INPUT_REQUIRED$/m)
      expect(res.stdout).toMatch(/^Question\s+"which colour\?"$/m)
      expect(res.stderr).toContain(`moltmesh task input ${id}`)
      expect(res.code).toBe(4)
    } finally {
      abort.abort()
      await asking
    }
  }, 40_000)
})

describe('terminal escape injection from a remote daemon', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let evil: DaemonProcess

  beforeAll(async () => {
    ;[a, evil] = (await mesh.spawnMany(2)) as [DaemonProcess, DaemonProcess]
    await mesh.connectAll([a, evil])
    await offerSkills(a, [{ id: 'upper' }])
    await evil.client.a2a.publishAgentCard({
      card: {
        name: EVIL,
        description: `about ${EVIL}`,
        skills: [{ id: 'evil-skill', description: EVIL }],
      },
    })
  }, 60_000)

  it('card show of a remote card escapes control characters; --json keeps them exact', async () => {
    const text = await a.cli('card', 'show', evil.did)
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).not.toMatch(RAW_CONTROL)
    expect(text.stdout).toContain('card\\e[2J\\e[31mEVIL\\x07\\r\\0\\nDID fake')
    // The forged "DID fake" line never starts a line of its own.
    expect(text.stdout).not.toMatch(/^DID fake/m)
    const json = await a.cli('--json', 'card', 'show', evil.did)
    expect(json.json<{ card: { name: string } }>().card.name).toBe(EVIL)
  }, 30_000)

  it('a remote message (inbox, thread list, get-message) is escaped', async () => {
    await evil.client.a2a.sendMessage({ to: a.did, threadId: 'evil-thread', parts: [{ text: EVIL }] })
    await waitFor(async () => (await a.client.a2a.getInbox({})).messages.length > 0, 20_000, 'message')
    for (const args of [['get-inbox'], ['thread', 'get', 'evil-thread'], ['thread', 'list']]) {
      const res = await a.cli(...args)
      expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(0)
      expect(res.stdout, args.join(' ')).not.toMatch(RAW_CONTROL)
    }
    const inbox = await a.cli('get-inbox')
    expect(inbox.stdout).toContain('"card\\u001b[2J')
    const json = await a.cli('--json', 'get-inbox')
    expect(
      json.json<{ messages: Array<{ parts: Array<{ text: string }> }> }>().messages[0]?.parts[0]?.text,
    ).toBe(EVIL)
  }, 40_000)

  it('a remote task (task list --role assignee, task get, its error) is escaped', async () => {
    const created = await evil.client.a2a.createTask({ to: a.did, skill: 'upper', input: [{ text: EVIL }] })
    const id = created.task?.id as string
    // A skill this agent does not offer is REJECTED, and the offer still lists with its (hostile) name.
    await evil.client.a2a
      .createTask({ to: a.did, skill: `x${EVIL}`, input: [{ text: 'x' }] })
      .catch(() => undefined)
    await waitFor(
      async () => (await a.client.a2a.getTask({ id }).catch(() => undefined))?.task,
      20_000,
      'task',
    )
    const worker = startWorker(a, 'upper', async () => {
      throw new Error(EVIL)
    })
    try {
      await waitFor(
        async () => (await a.client.a2a.getTask({ id })).task?.state === types.TaskState.TASK_STATE_FAILED,
        20_000,
        'failed',
      )
    } finally {
      await worker.stop()
    }
    for (const args of [
      ['task', 'list', '--role', 'assignee'],
      ['task', 'get', id],
      ['task', 'events', id],
    ]) {
      const res = await a.cli(...args)
      expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(0)
      expect(res.stdout, args.join(' ')).not.toMatch(RAW_CONTROL)
    }
    const got = await a.cli('task', 'get', id)
    expect(got.stdout).toMatch(/^Input\s+"card\\u001b\[2J/m)
    expect(got.stdout).toContain('HANDLER_FAILED: Error: card\\e[2J')
  }, 40_000)
})
