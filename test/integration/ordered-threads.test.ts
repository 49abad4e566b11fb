// Ordered threads end to end through real daemons (docs/threads.md): three daemons on loopback, driven
// through the TypeScript SDK and the CLI. A thread is created with two members, who get the invitation
// over durable messaging and accept it; all three append concurrently and read back the same log; a
// subscription resumes after an index; the commit event reaches WatchEvents and a real webhook
// receiver; a fourth daemon is added and removed; every member's copy verifies, an altered export does
// not; a member SIGKILLed and restarted has its log back and catches up; and without a majority
// nothing commits.

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { types } from '../../clients/ts/index.ts'
import { startCli } from '../harness/cli-process.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { reasonOf } from '../harness/errors.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { WebhookReceiver } from '../harness/webhook-receiver.ts'

// Short ticks so elections after the SIGKILL finish quickly; still far above a loopback round trip.
const env = { MOLTMESH_THREADS_TICK_MS: '25' }

const text = (e: types.ThreadEntry) => e.parts.map((p) => p.text ?? p.dataJson ?? '').join('')
const dataEntries = (entries: types.ThreadEntry[]) => entries.filter((e) => e.kind === 'data')

async function readAll(d: DaemonProcess, threadId: string): Promise<types.ThreadEntry[]> {
  const out: types.ThreadEntry[] = []
  for (;;) {
    const { entries } = await d.client.ordered.read({
      threadId,
      afterIndex: out.at(-1)?.index ?? 0,
      limit: 1000,
      timeoutMs: 20_000,
    })
    if (entries.length === 0) return out
    out.push(...entries)
  }
}

/** Collects a server stream until stopped. */
function collect<T>(open: (signal: AbortSignal) => AsyncIterable<T>) {
  const items: T[] = []
  const abort = new AbortController()
  let failure: unknown
  const done = (async () => {
    for await (const item of open(abort.signal)) items.push(item)
  })().catch((err: unknown) => {
    if (!abort.signal.aborted) failure = err
  })
  return {
    items,
    async stop() {
      abort.abort()
      await done
      if (failure != null) throw failure
    },
  }
}

describe('ordered threads through real daemons', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess
  let c: DaemonProcess
  let threadId = ''
  const receiver = new WebhookReceiver()

  beforeAll(async () => {
    await receiver.start()
    ;[a, b, c] = (await mesh.spawnMany(3, { env })) as [DaemonProcess, DaemonProcess, DaemonProcess]
    await mesh.connectAll()
  })
  afterAll(async () => {
    await receiver.stop()
  })

  it('creates a thread with the CLI, invites the members over messaging, and they accept', async () => {
    const created = await a.cli(
      'thread',
      'create',
      '--members',
      `${b.did},${c.did}`,
      '--title',
      'plan',
      '--json',
    )
    expect(created.code, created.stderr).toBe(0)
    const out = created.json<{ thread: { id: string; title: string; genesisVoters: string[] } }>()
    threadId = out.thread.id
    expect(threadId).toMatch(/^othr_[0-9a-f]{32}$/)
    expect(out.thread.title).toBe('plan')
    expect(out.thread.genesisVoters).toEqual([a.did, b.did, c.did].sort())

    // b accepts through the SDK, c through the CLI.
    const invitation = await waitFor(
      async () => (await b.client.ordered.invitations({})).invitations.find((i) => i.threadId === threadId),
      30_000,
      'the invitation at b',
    )
    expect(invitation.inviter).toBe(a.did)
    expect(invitation.title).toBe('plan')
    expect((await b.client.ordered.accept({ threadId })).thread?.id).toBe(threadId)
    await waitFor(
      async () => (await c.cli('thread', 'invitations', '--json')).stdout.includes(threadId),
      30_000,
      'the invitation at c',
    )
    const accepted = await c.cli('thread', 'accept', threadId, '--json')
    expect(accepted.code, accepted.stderr).toBe(0)
    // Accepted: no longer pending.
    expect((await b.client.ordered.invitations({})).invitations).toEqual([])
    // Accepting one never received is refused with a reason.
    expect(
      await reasonOf(b.client.ordered.accept({ threadId: 'othr_00000000000000000000000000000000' })),
    ).toBe('NOT_FOUND:THREAD_INVITATION_NOT_FOUND')

    const status = await waitFor(
      async () => {
        const s = await a.client.ordered.status({ threadId })
        return s.leader !== '' ? s : undefined
      },
      30_000,
      'a leader',
    )
    expect(status.members.map((m) => m.did).sort()).toEqual([a.did, b.did, c.did].sort())
  })

  it('commits concurrent appends from all three members in one order, the same on every member', async () => {
    const watch = collect((signal) => c.client.events.watch({ types: ['thread.*'] }, { signal }))
    const hook = await c.client.webhooks.create({
      url: receiver.url,
      events: ['thread.entry.committed'],
      description: 'ordered threads',
    })
    receiver.secret = hook.secret
    receiver.senderDid = c.did

    const members = [a, b, c]
    const results = await Promise.all(
      members.flatMap((d, m) =>
        Array.from({ length: 10 }, (_, i) =>
          d.client.ordered.append({
            threadId,
            parts: [{ text: `m${m}-${i}`, metadata: {} }],
            clientId: `test-${m}`,
            seq: i + 1,
            timeoutMs: 30_000,
          }),
        ),
      ),
    )
    const indexes = results.map((r) => r.index)
    expect(new Set(indexes).size).toBe(30)

    // A retry with the same client and seq returns the first index, adding nothing.
    const again = await b.client.ordered.append({
      threadId,
      parts: [{ text: 'm1-0', metadata: {} }],
      clientId: 'test-1',
      seq: 1,
      timeoutMs: 30_000,
    })
    expect(again.duplicate).toBe(true)
    expect(again.index).toBe(results[10]?.index)

    const logs = await Promise.all(members.map((d) => readAll(d, threadId)))
    const data = dataEntries(logs[0] ?? [])
    expect(data).toHaveLength(30)
    expect(logs[1]).toEqual(logs[0])
    expect(logs[2]).toEqual(logs[0])
    for (const r of results) {
      const e = logs[0]?.find((x) => x.index === r.index)
      expect(e?.kind).toBe('data')
    }
    expect(new Set(data.map(text)).size).toBe(30)

    // Every committed data entry reached c's WatchEvents and the webhook receiver, in order.
    await waitFor(
      () => watch.items.filter((e) => e.event?.threadEntry?.kind === 'data').length >= 30,
      30_000,
      'events on WatchEvents',
    )
    await watch.stop()
    const watched = watch.items
      .map((e) => e.event?.threadEntry)
      .filter((e): e is types.ThreadEntry => e?.kind === 'data')
    expect(watched.map((e) => e.index)).toEqual(data.map((e) => e.index))
    expect(watch.items.every((e) => e.event?.type === 'thread.entry.committed')).toBe(true)
    await waitFor(() => receiver.received.length >= 30, 30_000, 'webhook deliveries')
    const delivered = receiver.received.map((r) => r.json)
    expect(delivered.every((r) => r.type === 'thread.entry.committed')).toBe(true)
    expect(receiver.received.every((r) => r.hmacValid && r.ed25519Valid)).toBe(true)
    const hookedTexts = delivered.map(
      (r) => ((r.data.threadEntry as { parts: { text: string }[] }).parts[0] as { text: string }).text,
    )
    expect(new Set(hookedTexts)).toEqual(new Set(data.map(text)))
  })

  it('CLI: append prints the index, log shows entries, status names the leader; ListThreads marks it ordered', async () => {
    const appended = await b.cli('thread', 'append', threadId, '--message', 'from the cli', '--json')
    expect(appended.code, appended.stderr).toBe(0)
    const { index } = appended.json<{ index: number }>()
    expect(index).toBeGreaterThan(30)
    const data = await c.cli('thread', 'append', threadId, '--data', '{"step":2}', '--json')
    expect(data.code, data.stderr).toBe(0)

    const log = await a.cli('thread', 'log', threadId, '--after', String(index - 1), '--json')
    expect(log.code, log.stderr).toBe(0)
    const entries = log.json<{
      entries: { index: number; parts: { text?: string; dataJson?: string }[] }[]
    }>().entries
    expect(entries[0]?.index).toBe(index)
    expect(entries[0]?.parts[0]?.text).toBe('from the cli')
    expect(JSON.parse(entries[1]?.parts[0]?.dataJson ?? '')).toEqual({ step: 2 })
    const human = await a.cli('thread', 'log', threadId, '--after', String(index - 1))
    expect(human.stdout).toContain('from the cli')

    const status = await c.cli('thread', 'status', threadId, '--json')
    expect(status.code, status.stderr).toBe(0)
    const s = status.json<{ leader: string; commitIndex: number }>()
    expect([a.did, b.did, c.did]).toContain(s.leader)
    expect(s.commitIndex).toBeGreaterThanOrEqual(index + 1)

    // Transport and thread metrics are in GetMetrics.
    const metrics = (await a.client.node.metrics({})).metrics
    const frames = metrics
      .filter((m) => m.name === 'moltmesh_raft_frames_total')
      .reduce((n, m) => n + m.value, 0)
    expect(frames).toBeGreaterThan(0)
    expect(metrics.find((m) => m.name === 'moltmesh_ordered_threads')?.value).toBe(1)

    const listed = await b.client.threads.list({ peer: '', pageSize: 50, pageToken: '' })
    const ordered = listed.threads.find((t) => t.threadId === threadId)
    expect(ordered?.ordered).toBe(true)
    expect(ordered?.title).toBe('plan')
    expect(ordered?.participants[0]).toBe(b.did)
    const got = await b.client.threads.get({ threadId, pageSize: 5, pageToken: '' })
    expect(got.orderedEntries).toHaveLength(5)
    expect(got.nextPageToken).toBe(String(got.orderedEntries[4]?.index))
    const listedCli = await b.cli('thread', 'list')
    expect(listedCli.stdout).toContain(`${threadId}  ordered`)

    // Bad input gets a reason code.
    expect(
      await reasonOf(a.client.ordered.append({ threadId, parts: [], clientId: '', seq: 0, timeoutMs: 0 })),
    ).toBe('INVALID_ARGUMENT:EMPTY_MESSAGE')
    expect(await reasonOf(a.client.ordered.status({ threadId: 'othr_nope' }))).toBe(
      'NOT_FOUND:THREAD_NOT_FOUND',
    )
  })

  it('SubscribeThread streams committed entries after an index and resumes where a client left off', async () => {
    const all = await readAll(a, threadId)
    const from = (all[9]?.index ?? 0) as number
    const first = collect((signal) => b.client.ordered.subscribe({ threadId, afterIndex: from }, { signal }))
    await waitFor(() => first.items.length >= all.length - 10, 20_000, 'the stored entries')
    await first.stop()
    const seen = first.items.map((r) => r.entry?.index)
    expect(seen).toEqual(all.slice(10).map((e) => e.index))
    // Resume after the last one seen: only what commits next arrives.
    const last = seen.at(-1) as number
    const resumed = collect((signal) =>
      c.client.ordered.subscribe({ threadId, afterIndex: last }, { signal }),
    )
    const next = await a.client.ordered.append({
      threadId,
      parts: [{ text: 'after resume', metadata: {} }],
      clientId: '',
      seq: 0,
      timeoutMs: 30_000,
    })
    await waitFor(() => resumed.items.some((r) => r.entry?.index === next.index), 20_000, 'the live entry')
    await resumed.stop()
    expect(resumed.items.map((r) => r.entry?.index)[0]).toBe(last + 1)
    expect(resumed.items.map((r) => r.entry && text(r.entry))).toContain('after resume')

    // `thread log --follow` streams from an index until interrupted.
    const follow = startCli(b, [
      'thread',
      'log',
      threadId,
      '--after',
      String(next.index),
      '--follow',
      '--json',
    ])
    const live = await c.client.ordered.append({
      threadId,
      parts: [{ text: 'followed', metadata: {} }],
      clientId: '',
      seq: 0,
      timeoutMs: 30_000,
    })
    await waitFor(() => follow.output().includes('followed'), 20_000, 'thread log --follow output')
    expect(await follow.stop()).toBe(0)
    const lines = follow
      .output()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { index: number })
    expect(lines[0]?.index).toBe(next.index + 1)
    expect(lines.at(-1)?.index).toBe(live.index)
  })

  it('adds a fourth member, which accepts, catches up, is promoted and appends; then removes it', async () => {
    const [d] = (await Promise.all([mesh.spawn('d-late', { env, bootstrap: [a.info!.tcpAddress] })])) as [
      DaemonProcess,
    ]
    await mesh.connectAll([a, b, c, d])
    const added = await b.cli('thread', 'add-member', threadId, d.did, '--json')
    expect(added.code, added.stderr).toBe(0)
    expect(added.json<{ index: number }>().index).toBeGreaterThan(0)
    const inv = await waitFor(
      async () => (await d.client.ordered.invitations({})).invitations.find((i) => i.threadId === threadId),
      30_000,
      'the invitation at the new member',
    )
    expect(inv.addedLater).toBe(true)
    await d.client.ordered.accept({ threadId })
    await waitFor(
      async () =>
        (await a.client.ordered.status({ threadId })).members.some((m) => m.did === d.did && m.voter) ||
        (await b.client.ordered.status({ threadId })).members.some((m) => m.did === d.did && m.voter),
      30_000,
      'the new member promoted to voter',
    )
    const r = await d.client.ordered.append({
      threadId,
      parts: [{ text: 'from d', metadata: {} }],
      clientId: 'd',
      seq: 1,
      timeoutMs: 30_000,
    })
    const dLog = await readAll(d, threadId)
    expect(dLog).toEqual(await readAll(a, threadId))
    expect(dLog.find((e) => e.index === r.index)?.proposer).toBe(d.did)
    expect((await d.cli('thread', 'verify', threadId, '--json')).json<{ ok: boolean }>().ok).toBe(true)

    const removed = await a.cli('thread', 'remove-member', threadId, d.did, '--json')
    expect(removed.code, removed.stderr).toBe(0)
    const after = await a.client.ordered.status({ threadId })
    expect(after.members.map((m) => m.did)).not.toContain(d.did)
    const log = await readAll(c, threadId)
    expect(log.filter((e) => e.kind === 'config').map((e) => e.change)).toEqual(
      expect.arrayContaining([`add ${d.did}`, `promote ${d.did}`, `remove ${d.did}`]),
    )
    await d.stop()
  })

  it('thread verify passes on every member; an export with one entry altered fails verify --file', async () => {
    for (const d of [a, b, c]) {
      const v = await d.cli('thread', 'verify', threadId, '--json')
      expect(v.code, v.stderr).toBe(0)
      expect(v.json<{ ok: boolean; entries: number }>().ok).toBe(true)
    }
    const file = join(mesh.root, 'export.jsonl')
    const exported = await b.cli('thread', 'export', threadId, '--out', file)
    expect(exported.code, exported.stderr).toBe(0)
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    expect(lines.length).toBeGreaterThan(30)
    // A third party verifies the file with nothing but the file (the members' DIDs are in it).
    const clean = await c.cli('thread', 'verify', '--file', file, '--json')
    expect(clean.code, clean.stderr).toBe(0)
    expect(clean.json<{ ok: boolean }>().ok).toBe(true)

    // Alter the payload of one data entry (the 5th line).
    const entry = JSON.parse(lines[5] as string) as { payload: string; index: number }
    const payload = Buffer.from(entry.payload, 'base64')
    payload[payload.length - 1] = (payload[payload.length - 1] as number) ^ 1
    lines[5] = JSON.stringify({ ...entry, payload: payload.toString('base64') })
    const altered = join(mesh.root, 'altered.jsonl')
    writeFileSync(altered, `${lines.join('\n')}\n`)
    const bad = await c.cli('thread', 'verify', '--file', altered, '--json')
    expect(bad.code).not.toBe(0)
    const verdict = bad.json<{ ok: boolean; badIndex: number }>()
    expect(verdict.ok).toBe(false)
    expect(verdict.badIndex).toBe(entry.index)
  })

  it('a member SIGKILLed and restarted has its log back and catches up', async () => {
    const before = await readAll(c, threadId)
    await c.kill()
    // The other two still commit.
    const during = await a.client.ordered.append({
      threadId,
      parts: [{ text: 'while c is down', metadata: {} }],
      clientId: 'kill',
      seq: 1,
      timeoutMs: 30_000,
    })
    await c.start()
    // Its log, term and committed prefix are back from its data dir.
    const restarted = await c.client.ordered.status({ threadId })
    expect(restarted.lastIndex).toBeGreaterThanOrEqual(before.at(-1)?.index ?? 1)
    expect(restarted.term).toBeGreaterThan(0)
    await mesh.connectAll([a, b, c])
    // Its own copy is back from disk, then it catches up with what committed while it was down.
    const after = await waitFor(
      async () => {
        const log = await readAll(c, threadId)
        return log.some((e) => e.index === during.index) ? log : undefined
      },
      60_000,
      'c to catch up',
    )
    expect(after.slice(0, before.length)).toEqual(before)
    expect(after).toEqual(await readAll(a, threadId))
    const v = await c.cli('thread', 'verify', threadId, '--json')
    expect(v.json<{ ok: boolean }>().ok).toBe(true)

    // c's webhook hears of the entry that committed while it was down (it learned of it after its
    // restart), and of no entry twice: what it replays from its own disk is not news.
    const indexOf = (r: (typeof receiver.received)[number]) =>
      Number((r.json.data.threadEntry as { index: number | string }).index)
    await waitFor(
      () => receiver.received.some((r) => indexOf(r) === during.index),
      30_000,
      'the webhook for the entry committed while c was down',
    )
    const deliveries = new Map(receiver.received.map((r) => [r.id, indexOf(r)]))
    const indexes = [...deliveries.values()]
    expect(new Set(indexes).size).toBe(indexes.length)
  })

  it('without a majority nothing commits: appends and reads end at their deadline with a reason', async () => {
    await b.stop()
    await c.stop()
    expect(
      await reasonOf(
        a.client.ordered.append({
          threadId,
          parts: [{ text: 'alone', metadata: {} }],
          clientId: 'alone',
          seq: 1,
          timeoutMs: 2_000,
        }),
      ),
    ).toBe('DEADLINE_EXCEEDED:NOT_COMMITTED')
    expect(
      await reasonOf(a.client.ordered.read({ threadId, afterIndex: 0, limit: 1, timeoutMs: 2_000 })),
    ).toBe('DEADLINE_EXCEEDED:READ_TIMEOUT')
    // The status still answers, from this member's own state.
    expect((await a.client.ordered.status({ threadId })).thread?.id).toBe(threadId)
  })
})
