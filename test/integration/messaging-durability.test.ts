// Nothing acknowledged is lost: offline recipients, and daemons killed with SIGKILL on either side.
import { describe, expect, it } from 'vitest'
import { types } from '../../clients/ts/index.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { allInbox, outboxCount, sendText, textsOf } from '../harness/messages.ts'

const { MessageStatus } = types
const labels = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`)

describe('messaging durability', () => {
  const mesh = useMesh()

  it('B offline: 100 messages queued at A arrive exactly once, in order, when B returns 30 s later', async () => {
    const a = await mesh.spawn('off-a')
    const b = await mesh.spawn('off-b', { bootstrap: [a.info!.tcpAddress] })
    const bDid = b.did
    await b.stop()

    const expected = labels(100, 'off')
    for (const t of expected) expect((await sendText(a, bDid, t)).queued).toBe(true)
    expect(await outboxCount(a, MessageStatus.MESSAGE_STATUS_QUEUED)).toBe(100)

    await new Promise((r) => setTimeout(r, 30_000))
    await b.start() // same data dir and identity, new ports; bootstraps to A
    await waitFor(
      async () => (await outboxCount(a, MessageStatus.MESSAGE_STATUS_DELIVERED)) === 100,
      60_000,
      'all delivered',
    )
    const inbox = await allInbox(b)
    expect(textsOf(inbox)).toEqual(expected)
    expect(new Set(inbox.map((m) => m.id)).size).toBe(100)
    expect(inbox.every((m) => m.from === a.did)).toBe(true)
  })

  it('SIGKILL of the sender with a full outbox: everything is delivered after restart', async () => {
    const a = await mesh.spawn('crash-a')
    const b = await mesh.spawn('crash-b', { bootstrap: [a.info!.tcpAddress] })
    const bDid = b.did
    await b.stop()
    const expected = labels(20, 'crash')
    for (const t of expected) await sendText(a, bDid, t)
    await a.kill() // acknowledged SendMessage calls must survive this

    await a.start() // new ports: B rejoins through A's new address, as a restarted mesh would
    expect(await outboxCount(a, MessageStatus.MESSAGE_STATUS_QUEUED)).toBe(20)
    b.options.bootstrap = [a.info!.tcpAddress]
    await b.start()
    await waitFor(
      async () => (await outboxCount(a, MessageStatus.MESSAGE_STATUS_DELIVERED)) === 20,
      60_000,
      'delivery after restart',
    )
    expect(textsOf(await allInbox(b))).toEqual(expected)
  })

  it('SIGKILL of the receiver right after it acks: nothing lost, nothing duplicated', async () => {
    const a = await mesh.spawn('ack-a')
    const b = await mesh.spawn('ack-b', { bootstrap: [a.info!.tcpAddress] })
    await waitFor(async () => (await a.client.diag.health({})).peerCount === 1, 20_000, 'connection')
    const expected = labels(50, 'ack')
    // Send without waiting for each, then kill B as soon as it has acked some.
    const sends = Promise.all(expected.map((t) => sendText(a, b.did, t)))
    await waitFor(
      async () => (await outboxCount(a, MessageStatus.MESSAGE_STATUS_DELIVERED)) >= 5,
      20_000,
      'first acks',
    )
    await b.kill()
    await sends
    await b.start() // bootstraps to A again; A resumes delivery when B connects
    await waitFor(
      async () => (await outboxCount(a, MessageStatus.MESSAGE_STATUS_DELIVERED)) === 50,
      60_000,
      'the rest delivered',
    )
    const inbox = await allInbox(b)
    expect(new Set(inbox.map((m) => m.id)).size).toBe(inbox.length)
    expect(textsOf(inbox).sort()).toEqual(expected)
  })
})
