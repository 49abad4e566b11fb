// Threads between real daemons: ListThreads and GetThread over sent and received messages, paging,
// a SIGKILL restart, bad input, and the `thread` CLI.
import { status } from '@grpc/grpc-js'
import { describe, expect, it } from 'vitest'
import { type MoltmeshError, types } from '../../clients/ts/index.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { sendText, textsOf } from '../harness/messages.ts'

const { MessageStatus } = types
const STRANGER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'

/** Every thread (following page tokens with `pageSize`), as [id, count, counterparties]. */
async function threadsOf(d: DaemonProcess, peer = '', pageSize = 0) {
  const out: Array<[string, number, string[]]> = []
  let pageToken = ''
  do {
    const page = await d.client.a2a.listThreads({ peer, pageSize, pageToken })
    for (const t of page.threads) {
      expect(t.participants[0]).toBe(d.did) // the local agent comes first
      out.push([t.threadId, t.messageCount, t.participants.slice(1)])
    }
    pageToken = page.nextPageToken
  } while (pageToken !== '')
  return out
}

/** Every message of a thread, following page tokens with `pageSize`. */
async function threadMessages(d: DaemonProcess, threadId: string, pageSize = 0) {
  const out: types.Message[] = []
  let pageToken = ''
  do {
    const page = await d.client.a2a.getThread({ threadId, pageSize, pageToken })
    out.push(...page.messages)
    pageToken = page.nextPageToken
  } while (pageToken !== '')
  return out
}

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: MoltmeshError) => ({ code: e.code, reason: e.reason }),
  )

describe('threads', () => {
  const mesh = useMesh()

  it('list and read threads on both sides, page through them, keep them across SIGKILL', async () => {
    const b = await mesh.spawn('thr-b')
    const a = await mesh.spawn('thr-a', { bootstrap: [b.info!.tcpAddress] })
    await waitFor(async () => (await a.client.diag.health({})).peerCount === 1, 20_000, 'connection')

    // Live deliveries, one at a time: each side stores them in this order.
    const live = async (from: DaemonProcess, to: DaemonProcess, t: string, threadId = '') => {
      const res = await sendText(from, to.did, t, { threadId })
      expect(res.queued, t).toBe(false)
      return res.id
    }
    const a1 = await live(a, b, 'a1', 'T1')
    const b1 = await live(b, a, 'b1', 'T1')
    const a2 = await live(a, b, 'a2', 'T1')
    await live(b, a, 'b2', 'T2')
    await live(a, b, 'a3', 'T2')
    await live(a, b, 'plain') // no thread
    await live(b, a, 'plain back')
    // A queued message to an agent that is never online still makes a thread.
    expect((await sendText(a, STRANGER, 'hello?', { threadId: 'T3' })).queued).toBe(true)

    expect(await threadsOf(a)).toEqual([
      ['T3', 1, [STRANGER]],
      ['T2', 2, [b.did]],
      ['T1', 3, [b.did]],
    ])
    expect(await threadsOf(b)).toEqual([
      ['T2', 2, [a.did]],
      ['T1', 3, [a.did]],
    ])
    // One thread per page: same list, in order.
    expect(await threadsOf(a, '', 1)).toEqual(await threadsOf(a))
    expect(await threadsOf(a, b.did)).toEqual([
      ['T2', 2, [b.did]],
      ['T1', 3, [b.did]],
    ])
    expect(await threadsOf(a, STRANGER)).toEqual([['T3', 1, [STRANGER]]])
    expect(await threadsOf(b, STRANGER)).toEqual([])
    const summary = (await a.client.a2a.listThreads({})).threads[1]!
    expect(summary.lastMessageAtMs).toBeGreaterThan(Date.now() - 120_000)
    expect(summary.lastMessageAtMs).toBeLessThanOrEqual(Date.now())

    // Sent and received together, in order, on both sides; statuses as GetInbox / GetOutbox show them.
    const onA = await threadMessages(a, 'T1')
    expect(onA.map((m) => m.id)).toEqual([a1, b1, a2])
    expect(textsOf(onA)).toEqual(['a1', 'b1', 'a2'])
    expect(onA.map((m) => m.status)).toEqual([
      MessageStatus.MESSAGE_STATUS_DELIVERED,
      MessageStatus.MESSAGE_STATUS_UNREAD,
      MessageStatus.MESSAGE_STATUS_DELIVERED,
    ])
    expect(onA.every((m) => m.threadId === 'T1')).toBe(true)
    const onB = await threadMessages(b, 'T1')
    expect(onB.map((m) => m.id)).toEqual([a1, b1, a2])
    expect(onB.map((m) => [m.from, m.to])).toEqual([
      [a.did, b.did],
      [b.did, a.did],
      [a.did, b.did],
    ])
    // Paging: two, then one, then no token.
    const page1 = await a.client.a2a.getThread({ threadId: 'T1', pageSize: 2 })
    expect(page1.messages.map((m) => m.id)).toEqual([a1, b1])
    expect(page1.nextPageToken).not.toBe('')
    const page2 = await a.client.a2a.getThread({
      threadId: 'T1',
      pageSize: 2,
      pageToken: page1.nextPageToken,
    })
    expect(page2.messages.map((m) => m.id)).toEqual([a2])
    expect(page2.nextPageToken).toBe('')
    expect((await threadMessages(a, 'T1', 1)).map((m) => m.id)).toEqual([a1, b1, a2])
    // Reading a message changes its status in the thread too.
    await a.client.a2a.markRead({ ids: [b1] })
    expect((await threadMessages(a, 'T1'))[1]?.status).toBe(MessageStatus.MESSAGE_STATUS_READ)
    expect((await threadMessages(a, 'T3'))[0]?.status).toBe(MessageStatus.MESSAGE_STATUS_QUEUED)

    // SIGKILL: everything acknowledged is still there, and new messages join the same threads.
    const beforeKill = await threadsOf(a)
    await a.kill()
    await a.start() // bootstraps to B again
    expect(await threadsOf(a)).toEqual(beforeKill)
    expect((await threadMessages(a, 'T1')).map((m) => m.id)).toEqual([a1, b1, a2])
    await waitFor(async () => (await a.client.diag.health({})).peerCount >= 1, 20_000, 'reconnection')
    const a4 = await live(a, b, 'a4', 'T1')
    expect((await threadsOf(a)).slice(0, 2)).toEqual([
      ['T1', 4, [b.did]],
      ['T3', 1, [STRANGER]],
    ])
    expect((await threadsOf(b))[0]).toEqual(['T1', 4, [a.did]])
    expect((await threadMessages(b, 'T1')).map((m) => m.id)).toEqual([a1, b1, a2, a4])

    // The CLI.
    const list = await a.cli('thread', 'list')
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toContain('3 threads')
    expect(list.stdout).toMatch(new RegExp(`^T1  4 messages  last \\S+Z  with ${b.did}$`, 'm'))
    expect(list.stdout).toContain(`T3  1 message  last`)
    const byPeer = await a.cli('thread', 'list', '--peer', STRANGER, '--json')
    expect(byPeer.code, byPeer.stderr).toBe(0)
    expect(byPeer.json<{ threads: Array<{ threadId: string }> }>().threads.map((t) => t.threadId)).toEqual([
      'T3',
    ])
    const paged = await a.cli('thread', 'list', '--limit', '1')
    expect(paged.stdout).toContain('1 thread\n')
    expect(paged.stdout).toMatch(/more: --page-token \d+/)
    const get = await a.cli('thread', 'get', 'T1')
    expect(get.code, get.stderr).toBe(0)
    expect(get.stdout).toContain('4 messages')
    expect(get.stdout).toContain(`delivered ${a1} to ${b.did} "a1"`)
    expect(get.stdout).toContain(`read      ${b1} from ${b.did} "b1"`)
    const getJson = await a.cli('thread', 'get', 'T1', '--limit', '3', '--json')
    const parsed = getJson.json<{ messages: Array<{ id: string }>; nextPageToken: string }>()
    expect(parsed.messages.map((m) => m.id)).toEqual([a1, b1, a2])
    expect(parsed.nextPageToken).not.toBe('')
    const missing = await a.cli('thread', 'get', 'nope')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('[THREAD_NOT_FOUND]')
  })

  it('refuses bad input with reasons', async () => {
    const a = await mesh.spawn('thr-bad')
    await sendText(a, STRANGER, 'x', { threadId: 'only' })
    const { a2a } = a.client
    expect(await errorOf(a2a.getThread({ threadId: '' }))).toEqual({
      code: status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
    })
    expect(await errorOf(a2a.getThread({ threadId: 'nope' }))).toEqual({
      code: status.NOT_FOUND,
      reason: 'THREAD_NOT_FOUND',
    })
    expect(await errorOf(a2a.getThread({ threadId: 'only', pageToken: 'abc' }))).toEqual({
      code: status.INVALID_ARGUMENT,
      reason: 'INVALID_CURSOR',
    })
    expect(await errorOf(a2a.getThread({ threadId: 'only', pageSize: -1 }))).toEqual({
      code: status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
    })
    expect(await errorOf(a2a.listThreads({ pageToken: '-1' }))).toEqual({
      code: status.INVALID_ARGUMENT,
      reason: 'INVALID_CURSOR',
    })
    expect(await errorOf(a2a.listThreads({ pageSize: -5 }))).toEqual({
      code: status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
    })
    expect(await errorOf(a2a.listThreads({ peer: 'did:key:zBAD' }))).toEqual({
      code: status.INVALID_ARGUMENT,
      reason: 'INVALID_DID',
    })
    // Past the end: an empty page, not an error; a huge page size is clamped.
    expect(await a2a.getThread({ threadId: 'only', pageToken: '999999' })).toEqual({
      messages: [],
      nextPageToken: '',
      orderedEntries: [],
    })
    expect((await a2a.listThreads({ pageSize: 1_000_000 })).threads.map((t) => t.threadId)).toEqual(['only'])
  })
})
