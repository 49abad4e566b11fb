// `moltmesh status` against real daemons: identity and names, peers, the card's skills and which have
// a worker, queued messages, open tasks, webhooks, data dir and log file; --json has the same facts.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { beforeAll, describe, expect, it } from 'vitest'
import { createIdentity } from '../../daemon/identity/identity.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { offerSkills, startWorker } from '../harness/tasks.ts'

describe('moltmesh status', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess

  beforeAll(async () => {
    ;[a, b] = (await mesh.spawnMany(2)) as [DaemonProcess, DaemonProcess]
    await mesh.connectAll([a, b])
    await offerSkills(b, [{ id: 'upper' }, { id: 'review', price: '2' }])
  }, 60_000)

  it('shows what is running, offered, served and stuck', async () => {
    const worker = startWorker(b, 'upper', async () => [{ text: 'ok' }])
    try {
      await b.client.a2a.claimName({ name: 'status-bee' })
      const stranger = createIdentity(await generateKeyPair('Ed25519')).did
      await b.client.a2a.sendMessage({ to: stranger, parts: [{ text: 'queued' }] })
      // An open task assigned to b (nobody serves "review").
      await a.client.a2a.createTask({ to: b.did, skill: 'review', input: [{ text: 'x' }], maxPrice: '2' })
      await b.client.ext.createWebhook({ url: 'http://127.0.0.1:9/hooks', events: ['task.*'] })
      await waitFor(async () => (await b.client.a2a.listTasks({})).tasks.length === 1, 20_000, 'task at b')
      const statusJson = await waitFor(async () => {
        const r = (await b.cli('--json', 'status')).json<{
          skills: Array<{ id: string; workers: number }>
        }>()
        return r.skills.find((s) => s.id === 'upper')?.workers === 1 ? r : undefined
      }, 10_000)
      expect(statusJson).toMatchObject({
        did: b.did,
        names: ['status-bee'],
        peers: 1,
        skills: [
          { id: 'upper', price: '0', visibility: 'public', workers: 1 },
          { id: 'review', price: '2', visibility: 'public', workers: 0 },
        ],
        queuedMessages: 1,
        openTasks: { requester: 0, assignee: 1, byState: { SUBMITTED: 1 } },
        webhooks: { total: 1, disabled: [] },
        dataDir: b.dataDir,
        socket: b.socket,
        logFile: '',
      })
      const res = await b.cli('status')
      expect(res.code, res.stderr).toBe(0)
      expect(res.stdout).toMatch(/^Daemon\s+running \(pid \d+, version \S+, up \d/m)
      expect(res.stdout).toMatch(new RegExp(`^DID\\s+${b.did}$`, 'm'))
      expect(res.stdout).toMatch(/^Names\s+status-bee$/m)
      expect(res.stdout).toMatch(/^Peers\s+1 connected$/m)
      expect(res.stdout).toMatch(/^Skills\s+upper {2}free {2}public {2}1 worker$/m)
      expect(res.stdout).toMatch(/^\s+review {2}2 credits {2}public {2}no worker$/m)
      expect(res.stdout).toMatch(/^Outbox\s+1 queued/m)
      expect(res.stdout).toMatch(/^Tasks\s+1 open: 0 requested, 1 assigned \(1 SUBMITTED\)$/m)
      expect(res.stdout).toMatch(/^Webhooks\s+1, 0 disabled, 0 failed deliveries$/m)
      expect(res.stdout).toMatch(/^Log file\s+\(none: a foreground daemon/m)
    } finally {
      await worker.stop()
    }
    // The worker is gone: the skill shows no worker again.
    await waitFor(
      async () => (await b.cli('status')).stdout.match(/upper {2}free {2}public {2}no worker/),
      10_000,
    )
  }, 60_000)

  it('`moltmesh activity` shows the task events counted this minute', async () => {
    // The first test created a task at a (task.created) and b received it: both counted.
    const json = (await a.cli('--json', 'activity', '--minutes', '5')).json<{
      series: Array<{ name: string; counts: number[] }>
    }>()
    expect(json.series.map((s) => s.name)).toEqual(['messages', 'tasks', 'errors'])
    const tasks = json.series.find((s) => s.name === 'tasks')?.counts ?? []
    expect(tasks).toHaveLength(5)
    expect(tasks.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(1)
    const res = await a.cli('activity', '--minutes', '5')
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toMatch(/^tasks\s+\S{5}\s+\d+ in all, \d+ this minute$/m)
    expect((await a.cli('activity', '--minutes', '61')).code).not.toBe(0)
  }, 20_000)

  it('without a daemon it says so and exits 2', async () => {
    const res = await a.cli('--socket', `${a.home}/nobody.sock`, 'status')
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('moltmesh daemon is not running')
  }, 20_000)
})
