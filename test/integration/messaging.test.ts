// Durable messaging between real daemons: live delivery, resume cursors, offline queues, validation.
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, types } from '../../clients/ts/index.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { sendText, text, textsOf } from '../harness/messages.ts'

const { MessageStatus } = types

describe('messaging', () => {
  const mesh = useMesh()

  it('delivers live to an SDK subscriber and shows up in the CLI inbox', async () => {
    const b = await mesh.spawn('live-b')
    const a = await mesh.spawn('live-a', { bootstrap: [b.info!.tcpAddress] })
    await waitFor(async () => (await a.client.diag.health({})).peerCount === 1, 20_000, 'connection')

    const abort = new AbortController()
    const received: types.Message[] = []
    const subscription = (async () => {
      // From cursor 0 (B's inbox is empty): what arrives before the stream is live is replayed, so
      // nothing is missed however long the subscription takes to register.
      for await (const { message } of b.client.a2a.subscribeInbox(
        { afterCursor: '0' },
        { signal: abort.signal },
      )) {
        if (message != null) received.push(message)
      }
    })()

    const sent = await sendText(a, b.did, 'hello B', { contextId: 'ctx-1', threadId: 'th-1' })
    expect(sent.queued).toBe(false)
    expect(sent.id).toMatch(/^msg_/)
    const cli = await a.cli('send-message', '--to', b.did, '--data', '{"n":2}', '--json')
    expect(cli.code, cli.stderr).toBe(0)
    expect(cli.json<{ queued: boolean }>().queued).toBe(false)

    await waitFor(() => received.length === 2, 10_000, 'two live messages')
    abort.abort()
    await subscription
    expect(received[0]).toMatchObject({
      id: sent.id,
      from: a.did,
      to: b.did,
      contextId: 'ctx-1',
      threadId: 'th-1',
    })
    expect(received[0]?.parts[0]?.text).toBe('hello B')
    expect(received[1]?.parts[0]?.dataJson).toBe('{"n":2}')

    const inbox = await b.cli('get-inbox', '--unread')
    expect(inbox.code, inbox.stderr).toBe(0)
    expect(inbox.stdout).toContain('2 unread messages')
    expect(inbox.stdout).toContain(`${sent.id} from ${a.did} "hello B"`)

    const acked = await b.cli('ack', sent.id, '--json')
    expect(acked.json<{ acknowledged: number }>().acknowledged).toBe(1)
    const unread = await b.client.a2a.getInbox({ unreadOnly: true })
    expect(unread.messages).toHaveLength(1)
    expect(unread.unreadCount).toBe(1)
    const one = await b.client.a2a.getMessage({ id: sent.id })
    expect(one.message?.status).toBe(MessageStatus.MESSAGE_STATUS_READ)

    const outbox = await a.client.a2a.getOutbox({ status: MessageStatus.MESSAGE_STATUS_DELIVERED })
    expect(outbox.messages.map((m) => m.id)).toContain(sent.id)
  })

  it('a subscriber that reconnects with a cursor misses nothing and sees nothing twice', async () => {
    const b = await mesh.spawn('cursor-b')
    const a = await mesh.spawn('cursor-a', { bootstrap: [b.info!.tcpAddress] })
    await waitFor(async () => (await a.client.diag.health({})).peerCount === 1, 20_000, 'connection')

    for (const t of ['c1', 'c2', 'c3']) await sendText(a, b.did, t)
    // First session: replay everything from the start, stop after two.
    const first: types.Message[] = []
    for await (const { message } of b.client.a2a.subscribeInbox({ afterCursor: '0' })) {
      first.push(message!)
      if (first.length === 2) break
    }
    expect(textsOf(first)).toEqual(['c1', 'c2'])
    // While nobody listens, more arrive.
    for (const t of ['c4', 'c5']) await sendText(a, b.did, t)

    const abort = new AbortController()
    const second: types.Message[] = []
    const done = (async () => {
      for await (const { message } of b.client.a2a.subscribeInbox(
        { afterCursor: first[1]!.cursor },
        { signal: abort.signal },
      )) {
        second.push(message!)
      }
    })()
    await waitFor(() => second.length === 3, 10_000, 'replay')
    await sendText(a, b.did, 'c6') // live, after the replay
    await waitFor(() => second.length === 4, 10_000, 'live message')
    // A last message marks the end: the stream is in order, so a duplicate would have come before it.
    await sendText(a, b.did, 'c7')
    await waitFor(() => second.some((m) => m.parts[0]?.text === 'c7'), 10_000, 'the closing message')
    abort.abort()
    await done
    expect(textsOf(second)).toEqual(['c3', 'c4', 'c5', 'c6', 'c7'])
  })

  it('is idempotent per key and refuses bad input with reason codes', async () => {
    const a = await mesh.spawn('valid-a')
    const stranger = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
    const one = await sendText(a, stranger, 'x', { idempotencyKey: 'k-1' })
    const two = await sendText(a, stranger, 'x', { idempotencyKey: 'k-1' })
    expect(two.id).toBe(one.id)
    expect(one.queued).toBe(true) // unknown / offline recipient: queued, not failed

    const reasonOf = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (e: { reason: string }) => e.reason,
      )
    expect(await reasonOf(a.client.a2a.sendMessage({ to: stranger, parts: [] }))).toBe('EMPTY_MESSAGE')
    expect(await reasonOf(a.client.a2a.sendMessage({ to: 'did:key:zBAD', parts: text('x') }))).toBe(
      'INVALID_DID',
    )
    expect(await reasonOf(a.client.a2a.sendMessage({ to: a.did, parts: text('x') }))).toBe('SELF_TARGET')
    expect(
      await reasonOf(
        a.client.a2a.sendMessage({ to: stranger, parts: [types.Part.fromPartial({ dataJson: '{nope' })] }),
      ),
    ).toBe('INVALID_JSON')
    expect(
      await reasonOf(a.client.a2a.sendMessage({ to: stranger, parts: [types.Part.fromPartial({})] })),
    ).toBe('INVALID_PART')
    const big = 'x'.repeat(1024 * 1024 + 10)
    const tooBig = await a.client.a2a.sendMessage({ to: stranger, parts: text(big) }).catch((e: unknown) => e)
    expect(tooBig).toBeInstanceOf(InvalidArgumentError)
    expect((tooBig as InvalidArgumentError).reason).toBe('PAYLOAD_TOO_LARGE')
    expect(await reasonOf(a.client.a2a.getInbox({ pageToken: 'abc' }))).toBe('INVALID_CURSOR')
    expect(await reasonOf(a.client.a2a.getMessage({ id: 'msg_nope' }))).toBe('MESSAGE_NOT_FOUND')

    const cli = await a.cli('send-message', '--to', stranger)
    expect(cli.code).toBe(1)
    expect(cli.stderr).toContain('--message')
  })

  it('expires a message whose TTL runs out undelivered', async () => {
    const a = await mesh.spawn('ttl-a')
    const stranger = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
    const sent = await sendText(a, stranger, 'short-lived', { ttlMs: 1500 })
    await waitFor(
      async () =>
        (await a.client.a2a.getMessage({ id: sent.id })).message?.status ===
        MessageStatus.MESSAGE_STATUS_EXPIRED,
      15_000,
      'expiry',
    )
    const expired = await a.cli('get-outbox', '--status', 'expired')
    expect(expired.stdout).toContain(sent.id)
  })
})
