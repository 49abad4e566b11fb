// SendMessage with no_wait answers once the message is stored, before its delivery: the answer says
// QUEUED even with the recipient connected (the default answer there is "delivered live"), and the
// outcome shows up afterwards as the message's status and one `message.delivered` event, also when
// the recipient was offline at the time and comes back. The CLI's `send-message --no-wait` too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { types } from '../../clients/ts/index.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { allInbox, sendText } from '../harness/messages.ts'
import { callsReached } from '../harness/wait-for.ts'

const { MessageStatus } = types

describe('SendMessage no_wait', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess
  const delivered: string[] = []
  const watch = new AbortController()
  let watching: Promise<void>

  beforeAll(async () => {
    b = await mesh.spawn('nw-b')
    a = await mesh.spawn('nw-a', { bootstrap: [b.info!.tcpAddress] })
    // Every message.delivered event at A for the whole file: each message must have exactly one.
    watching = (async () => {
      for await (const { event } of a.client.ext.watchEvents(
        { types: ['message.delivered'] },
        { signal: watch.signal },
      ))
        delivered.push(event?.message?.id ?? '')
    })().catch(() => undefined)
    await callsReached(a.client)
    await waitFor(async () => (await a.client.diag.health({})).peerCount === 1, 20_000, 'connection')
  }, 60_000)
  afterAll(async () => {
    watch.abort()
    await watching
  })

  const statusAtA = async (id: string) => (await a.client.a2a.getMessage({ id })).message?.status

  it('answers QUEUED at once while the recipient is connected; the message ends DELIVERED once', async () => {
    // The default waits for the live delivery to a connected peer: the same send says delivered.
    const waited = await sendText(a, b.did, 'waited for')
    expect(waited.queued).toBe(false)
    expect(waited.message?.status).toBe(MessageStatus.MESSAGE_STATUS_DELIVERED)

    const sent = await sendText(a, b.did, 'no wait', { noWait: true })
    expect(sent.queued).toBe(true)
    expect(sent.message?.status).toBe(MessageStatus.MESSAGE_STATUS_QUEUED)
    await waitFor(
      async () => (await statusAtA(sent.id)) === MessageStatus.MESSAGE_STATUS_DELIVERED,
      20_000,
      'DELIVERED at A',
    )
    await waitFor(() => delivered.includes(sent.id), 10_000, 'message.delivered at A')
    const inbox = await allInbox(b)
    expect(inbox.filter((m) => m.id === sent.id).map((m) => m.parts[0]?.text)).toEqual(['no wait'])
    expect(delivered.filter((id) => id === sent.id)).toHaveLength(1)
  })

  it('a burst of no-wait sends arrives exactly once each, in order', async () => {
    const texts = Array.from({ length: 200 }, (_, i) => `burst-${String(i).padStart(3, '0')}`)
    const sent = await Promise.all(texts.map((t) => sendText(a, b.did, t, { noWait: true })))
    expect(sent.every((s) => s.queued)).toBe(true)
    const ids = new Set(sent.map((s) => s.id))
    await waitFor(() => [...ids].every((id) => delivered.includes(id)), 30_000, 'all delivered')
    const received = (await allInbox(b)).filter((m) => ids.has(m.id))
    // Order per sender is kept: B stored them in the order A stored them (its outbox listing).
    const outbox = await a.client.a2a.getOutbox({ pageSize: 1000 })
    const storedOrder = outbox.messages.map((m) => m.id).filter((id) => ids.has(id))
    expect(storedOrder).toHaveLength(ids.size)
    expect(received.map((m) => m.id)).toEqual(storedOrder)
    for (const id of ids) expect(delivered.filter((d) => d === id)).toHaveLength(1)
  })

  it('the recipient offline at send time: queued, then DELIVERED once when it comes back', async () => {
    const bDid = b.did
    await b.stop()
    const sent = await sendText(a, bDid, 'while away', { noWait: true })
    expect(sent.queued).toBe(true)
    expect(await statusAtA(sent.id)).toBe(MessageStatus.MESSAGE_STATUS_QUEUED)
    b.options.bootstrap = [a.info!.tcpAddress]
    await b.start() // same data dir and identity, new ports; bootstraps to A
    await waitFor(
      async () => (await statusAtA(sent.id)) === MessageStatus.MESSAGE_STATUS_DELIVERED,
      60_000,
      'DELIVERED after B returned',
    )
    await waitFor(() => delivered.includes(sent.id), 10_000, 'message.delivered at A')
    const inbox = await allInbox(b)
    expect(inbox.filter((m) => m.id === sent.id)).toHaveLength(1)
    expect(delivered.filter((id) => id === sent.id)).toHaveLength(1)
  }, 90_000)

  it('moltmesh send-message --no-wait says the message is stored and delivered in the background', async () => {
    await waitFor(async () => (await a.client.diag.health({})).peerCount === 1, 20_000, 'connection')
    const out = await a.cli('send-message', '--to', b.did, '-m', 'from the cli', '--no-wait', '--json')
    expect(out.code, out.stderr).toBe(0)
    const res = out.json<{ id: string; queued: boolean }>()
    expect(res.queued).toBe(true)
    await waitFor(
      async () => (await statusAtA(res.id)) === MessageStatus.MESSAGE_STATUS_DELIVERED,
      20_000,
      'DELIVERED',
    )
    const plain = await a.cli('send-message', '--to', b.did, '-m', 'plain', '--no-wait')
    expect(plain.code, plain.stderr).toBe(0)
    expect(plain.stdout).toContain('delivery goes on in the background')
  })
})
