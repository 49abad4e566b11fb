// The delivery loop (delivery.ts) against the receiver loop (receiver.ts) over an in-memory libp2p
// stream pair: real outbox and inbox stores in temporary LevelDBs, a stub host whose dial hands the
// other end of the pair to the receiver. Order, acks, retries, refusals, expiry and stream reuse run
// in milliseconds, without daemons.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Connection } from '@libp2p/interface'
import { streamPair } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { type BusEvent, createEventBus } from '../../../daemon/events/event-bus.ts'
import { createIdentity, type Identity } from '../../../daemon/identity/identity.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { type ChannelSpec, createChannelRegistry } from '../../../daemon/messaging/channels.ts'
import { createDelivery, type Delivery } from '../../../daemon/messaging/delivery.ts'
import { type InboxStore, openInboxStore } from '../../../daemon/messaging/inbox-store.ts'
import { type OutboundInput, signOutbound } from '../../../daemon/messaging/outbound.ts'
import { type OutboxStore, openOutboxStore } from '../../../daemon/messaging/outbox-store.ts'
import { createRateLimiter, type RateLimiter } from '../../../daemon/messaging/rate-limiter.ts'
import { createReceiver } from '../../../daemon/messaging/receiver.ts'
import type { OutboxRecord } from '../../../daemon/messaging/records.ts'
import { openThreadIndex } from '../../../daemon/messaging/thread-index.ts'
import { createMetrics } from '../../../daemon/metrics/metrics.ts'
import type { Host } from '../../../daemon/p2p/create-host.ts'
import { openStore, type Store } from '../../../daemon/store/store.ts'
import { taskFrameKey } from '../../../daemon/tasks/inbound.ts'
import { MessageBody } from '../../../daemon/wire/gen/moltmesh/wire/v1/messaging.ts'
import { AckStatus, encodeBody, signEnvelope } from '../../../daemon/wire/messaging-codec.ts'
import { waitFor } from '../../harness/wait-for.ts'

interface Link {
  sender: Identity
  recipient: Identity
  outbox: OutboxStore
  inbox: InboxStore
  /** The sender's store (for a test that commits outbox writes itself). */
  senderStore: Store
  delivery: Delivery
  senderEvents: BusEvent[]
  receiverEvents: BusEvent[]
  dials: number
  /** Makes the next dials fail (peer unreachable) while true. */
  unreachable: boolean
  failedFrames: OutboxRecord[]
  taskFrames: string[]
  /** A text message to the recipient, signed by the sender (not stored). */
  sign(text: string, patch?: Partial<OutboundInput>): ReturnType<typeof signOutbound>
  send(text: string, patch?: Partial<OutboundInput>): Promise<OutboxRecord>
  /** Resolves once `n` sender events of `type` have been seen. */
  until(type: string, n: number): Promise<void>
}

const stores: Store[] = []
const deliveries: Delivery[] = []
afterEach(async () => {
  for (const d of deliveries.splice(0)) d.stop()
  for (const s of stores.splice(0)) await s.close()
})

async function tempStore(): Promise<Store> {
  const store = await openStore(await mkdtemp(join(tmpdir(), 'delivery-unit-')))
  stores.push(store)
  return store
}

async function link(
  options: {
    receiverMaxPayload?: number
    /** Which takes of the rate limiter (1-based, counted over the whole test) are refused. */
    refuseTakes?: number[]
    taskSink?: TaskFrameSink
    /** Task frames keyed by their task (as the task channel registers), else all in stream order. */
    keyed?: boolean
  } = {},
): Promise<Link> {
  const sender = createIdentity(await generateKeyPair('Ed25519'))
  const recipient = createIdentity(await generateKeyPair('Ed25519'))
  const senderStore = await tempStore()
  const recipientStore = await tempStore()
  const outbox = await openOutboxStore(senderStore, await openThreadIndex(senderStore))
  const inbox = await openInboxStore(recipientStore, await openThreadIndex(recipientStore))
  const senderBus = createEventBus()
  const receiverBus = createEventBus()
  const senderEvents: BusEvent[] = []
  const receiverEvents: BusEvent[] = []
  const waiters: Array<() => void> = []
  senderBus.subscribe((e) => {
    senderEvents.push(e)
    for (const w of waiters.splice(0)) w()
  })
  receiverBus.subscribe((e) => receiverEvents.push(e))
  const taskFrames: string[] = []
  const receiver = createReceiver({
    did: recipient.did,
    inbox,
    ownIdTaken: async () => false,
    events: receiverBus,
    logger: silentLogger(),
    metrics: createMetrics(),
    limiter: refusing(options.refuseTakes ?? []),
    quota: { check: () => undefined, stored: () => undefined },
    maxPayloadBytes: options.receiverMaxPayload ?? 64 * 1024,
    inboxMaxMessages: 1_000,
    channels: {
      keyOf: (name, frame) =>
        options.keyed === true && name === 'task'
          ? taskFrameKey(frame as Parameters<TaskFrameSink>[1])
          : undefined,
      dispatch: async (from, name, frame) => {
        if (name !== 'task') return { status: 'unknown' }
        if (options.taskSink != null) return options.taskSink(from, frame as Parameters<TaskFrameSink>[1])
        taskFrames.push((frame as Parameters<TaskFrameSink>[1]).cancel?.taskId ?? '?')
        return { status: 'stored' }
      },
    },
  })
  const self: Link = {
    sender,
    recipient,
    outbox,
    inbox,
    senderStore,
    delivery: undefined as unknown as Delivery,
    senderEvents,
    receiverEvents,
    dials: 0,
    unreachable: false,
    failedFrames: [],
    taskFrames,
    sign(text, patch = {}) {
      return signOutbound(sender, {
        to: recipient.did,
        body: encodeBody({
          parts: [{ text, mediaType: '', metadata: {} }],
          contextId: '',
          threadId: '',
          replyTo: '',
        }),
        ttlMs: 60_000,
        contextId: '',
        threadId: '',
        replyTo: '',
        idempotencyKey: '',
        ...patch,
      })
    },
    async send(text, patch = {}) {
      const stored = await outbox.add(await self.sign(text, patch))
      self.delivery.kick(recipient.did)
      return stored
    },
    until(type, n) {
      return new Promise<void>((resolve) => {
        const check = () => {
          if (senderEvents.filter((e) => e.type === type).length >= n) resolve()
          else waiters.push(check)
        }
        check()
      })
    },
  }
  // Only what delivery uses of the host: no open connection (p2p/open-stream.ts then dials), and a
  // dial that opens a stream the receiver serves.
  const host = {
    getConnections: () => [],
    dialProtocol: async () => {
      self.dials++
      if (self.unreachable) throw new Error('peer unreachable')
      const [outbound, inbound] = await streamPair({ delay: 0 })
      void receiver.handle(inbound, { remotePeer: sender.peerId } as unknown as Connection)
      return outbound
    },
  } as unknown as Host
  self.delivery = createDelivery({
    host,
    outbox,
    events: senderBus,
    logger: silentLogger(),
    metrics: createMetrics(),
    maxPayloadBytes: 64 * 1024,
    retryMaxDelayMs: 200,
    dialTimeoutMs: 1_000,
    channels: { failed: (record) => void self.failedFrames.push(record) },
  })
  deliveries.push(self.delivery)
  return self
}

/** A rate limiter that refuses exactly the given takes: back-pressure at known points, whatever the load. */
function refusing(takes: number[]): RateLimiter {
  let n = 0
  return {
    ...createRateLimiter({ ratePerSecond: 1, burst: 1, blockAfterRefusals: 1_000, blockMs: 1 }),
    take: () => {
      n++
      return takes.includes(n)
        ? { allowed: false, blocked: false, retryAfterMs: 1 }
        : { allowed: true, blocked: false, retryAfterMs: 0 }
    },
    isBlocked: () => false,
  }
}

type TaskFrameSink = ChannelSpec<'task'>['handle']

/** A second delivery loop over a link's outbox (as after a restart), with its own dial. */
function deliveryOver(l: Link, dialProtocol: () => Promise<unknown>): Delivery {
  const events = createEventBus()
  events.subscribe((e) => l.senderEvents.push(e))
  const delivery = createDelivery({
    host: { getConnections: () => [], dialProtocol } as unknown as Host,
    outbox: l.outbox,
    events,
    logger: silentLogger(),
    metrics: createMetrics(),
    maxPayloadBytes: 64 * 1024,
    retryMaxDelayMs: 200,
    dialTimeoutMs: 1_000,
    channels: { failed: () => undefined },
  })
  deliveries.push(delivery)
  return delivery
}

const textOf = (body: string) => MessageBody.decode(Buffer.from(body, 'base64')).parts[0]?.text

describe('delivery and receiver loops', () => {
  it('delivers in send order over one reused stream and stores each message once', async () => {
    const l = await link()
    for (let i = 0; i < 10; i++) await l.send(`m${i}`)
    await l.until('message.delivered', 10)
    const inbox = await l.inbox.list({}, 0, 100)
    expect(inbox.map((r) => textOf(r.body))).toEqual([...Array(10).keys()].map((i) => `m${i}`))
    expect(l.receiverEvents.filter((e) => e.type === 'message.received')).toHaveLength(10)
    expect(l.dials).toBe(1)
    expect(await l.outbox.queued(l.recipient.did, 100)).toEqual([])
  })

  it('keeps the window full while acks come back: 300 concurrent sends arrive once each, in queue order', async () => {
    const l = await link()
    const sent = await Promise.all([...Array(300).keys()].map((i) => l.send(`c${i}`)))
    await l.until('message.delivered', 300)
    const inbox = await l.inbox.list({}, 0, 1_000)
    const bySeq = [...sent].sort((a, b) => a.seq - b.seq).map((r) => r.id)
    expect(inbox.map((r) => r.id)).toEqual(bySeq)
    expect(l.receiverEvents.filter((e) => e.type === 'message.received')).toHaveLength(300)
    expect(l.dials).toBe(1)
    expect(await l.outbox.queued(l.recipient.did, 1_000)).toEqual([])
  })

  it('delivers a message whose commit landed after later ones were already sent', async () => {
    const l = await link()
    // Two commits racing: `late` gets its seq first but is written after `b` was sent.
    const late = l.outbox.prepare(await l.sign('late'))
    await l.send('b')
    await l.until('message.delivered', 1)
    await l.senderStore.commit(late.ops)
    l.delivery.kick(l.recipient.did)
    await l.until('message.delivered', 2)
    const inbox = await l.inbox.list({}, 0, 100)
    expect(inbox.map((r) => textOf(r.body))).toEqual(['b', 'late'])
    expect(await l.outbox.queued(l.recipient.did, 100)).toEqual([])
  })

  it('keeps order through RETRY_LATER: a rate-limited sender waits, nothing overtakes', async () => {
    const l = await link({ refuseTakes: [3, 6] })
    for (let i = 0; i < 6; i++) await l.send(`r${i}`)
    await l.until('message.delivered', 6)
    const inbox = await l.inbox.list({}, 0, 100)
    expect(inbox.map((r) => textOf(r.body))).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5'])
    // The refused window was re-sent on a new stream.
    expect(l.dials).toBeGreaterThan(1)
  })

  it('handles task frames of different tasks side by side, one task in order, a retried task paused', async () => {
    const log: string[] = []
    const gates = new Map<string, () => void>()
    let storageErrors = 1
    const sink: TaskFrameSink = async (_from, frame) => {
      const name = frame.update?.note ?? '?'
      log.push(`start ${name}`)
      // a1 waits until the test lets it go; b-frames go through; c1 fails with a storage error once.
      if (name === 'a1') await new Promise<void>((resolve) => gates.set(name, resolve))
      if (name === 'c1' && storageErrors-- > 0) {
        log.push('retry c1')
        throw Object.assign(new Error('io'), { code: 'LEVEL_IO_ERROR' })
      }
      log.push(`end ${name}`)
      return { status: 'stored' }
    }
    const l = await link({ taskSink: sink, keyed: true })
    const frame = (task: string, name: string) =>
      l.send('', {
        body: MessageBody.encode(
          MessageBody.fromPartial({ task: { update: { taskId: task, note: name } } }),
        ).finish(),
        channel: { name: 'task', idPrefix: 'tfr' },
      })
    for (const [task, name] of [
      ['task_a', 'a1'],
      ['task_b', 'b1'],
      ['task_a', 'a2'],
      ['task_c', 'c1'],
      ['task_c', 'c2'],
      ['task_b', 'b2'],
    ])
      await frame(task as string, name as string)
    await waitFor(() => log.includes('end b2') && gates.has('a1'), 5_000, 'frames of b while a1 waits', 5)
    // a2 waits for a1; c2 was paused behind c1's RETRY_LATER (not handled on that stream).
    expect(log).not.toContain('start a2')
    expect(log.indexOf('retry c1')).toBeGreaterThan(-1)
    expect(log.slice(log.indexOf('retry c1')).filter((e) => e === 'start c2')).toHaveLength(0)
    gates.get('a1')?.()
    await waitFor(
      () => ['end a2', 'end c2'].every((e) => log.includes(e)),
      10_000,
      'a2 and the retried c frames',
      5,
    )
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'))
    // After the retry: c1 stored before c2, each once.
    expect(log.filter((e) => e === 'end c1')).toHaveLength(1)
    expect(log.indexOf('end c2')).toBeGreaterThan(log.indexOf('end c1'))
  })

  it('marks a message the recipient refuses for good as failed, and reports a refused task frame', async () => {
    const l = await link({ receiverMaxPayload: 100 })
    const message = await l.send('y'.repeat(500))
    await l.until('message.failed', 1)
    const failed = l.senderEvents.find((e) => e.type === 'message.failed')?.data as { message: OutboxRecord }
    expect(failed.message).toMatchObject({ id: message.id, status: 'failed', lastError: 'PAYLOAD_TOO_LARGE' })
    // A task frame is settled silently (no message event) and handed to the task subsystem.
    const body = MessageBody.encode(
      MessageBody.fromPartial({ task: { cancel: { taskId: 'task_x', reason: 'z'.repeat(300) } } }),
    ).finish()
    const frame = await l.send('', { body, channel: { name: 'task', idPrefix: 'tfr' } })
    await waitFor(() => l.failedFrames.length > 0, 5_000, 'the refused task frame', 5)
    expect(l.failedFrames.map((r) => r.id)).toEqual([frame.id])
    expect(l.senderEvents.filter((e) => e.type === 'message.failed')).toHaveLength(1)
  })

  it('expires a message past its TTL without dialling', async () => {
    const l = await link()
    l.delivery.stop() // hold delivery while the record ages
    const record = await l.send('late', { ttlMs: 1 })
    const fresh = deliveryOver(l, async () => expect.unreachable('must not dial'))
    await waitFor(() => Date.now() > record.expiresAtMs, 5_000, 'the TTL to pass', 1)
    fresh.kick(l.recipient.did)
    await waitFor(() => l.senderEvents.some((e) => e.type === 'message.expired'), 5_000, 'message.expired', 5)
    const stored = await l.outbox.get(record.id)
    expect(stored?.status).toBe('expired')
    expect(await l.outbox.queued(l.recipient.did, 10)).toEqual([])
  })

  it('retries an unreachable peer with the error recorded, and delivers at once when kicked', async () => {
    const l = await link()
    l.unreachable = true
    const record = await l.send('hello')
    await waitFor(async () => (await l.outbox.get(record.id))?.attempts === 1, 5_000, 'a failed attempt', 5)
    expect((await l.outbox.get(record.id))?.lastError).toContain('peer unreachable')
    l.unreachable = false
    l.delivery.kick(l.recipient.did) // as on peer:connect
    await l.until('message.delivered', 1)
    expect((await l.outbox.get(record.id))?.status).toBe('delivered')
  })

  it('resumes every recipient with queued messages (after a restart)', async () => {
    const l = await link()
    l.delivery.stop()
    await l.send('queued before the restart')
    // A new delivery loop over the same outbox finds the queue on its own.
    const resumed = deliveryOver(l, async () => {
      throw new Error('offline')
    })
    expect(await resumed.resumeAll()).toBe(1)
  })
})

describe('receiver checks', () => {
  async function accepting(sink?: TaskFrameSink) {
    const l = await link({ taskSink: sink })
    return l
  }
  const envelope = (
    from: Identity,
    to: string,
    patch: { id?: string; expiresAtMs?: number; body?: Uint8Array } = {},
  ) =>
    signEnvelope(from, {
      id: patch.id ?? 'msg_1',
      to,
      createdAtMs: Date.now(),
      expiresAtMs: patch.expiresAtMs ?? Date.now() + 60_000,
      body: Buffer.from(
        patch.body ??
          encodeBody({
            parts: [{ text: 'hi', mediaType: '', metadata: {} }],
            contextId: '',
            threadId: '',
            replyTo: '',
          }),
      ),
    })

  it('binds every envelope to the authenticated peer, the recipient, the clock and the signature', async () => {
    const l = await accepting()
    const receiver = createReceiver({
      did: l.recipient.did,
      inbox: l.inbox,
      ownIdTaken: async (id) => id === 'msg_mine',
      events: createEventBus(),
      logger: silentLogger(),
      metrics: createMetrics(),
      limiter: createRateLimiter({
        ratePerSecond: 1000,
        burst: 1000,
        blockAfterRefusals: 100,
        blockMs: 1000,
      }),
      quota: { check: () => undefined, stored: () => undefined },
      maxPayloadBytes: 64 * 1024,
      inboxMaxMessages: 100,
      // Nothing registered yet (the daemon is starting): channel frames are asked to wait.
      channels: createChannelRegistry({ logger: silentLogger() }),
    })
    const other = createIdentity(await generateKeyPair('Ed25519'))
    const good = await envelope(l.sender, l.recipient.did)
    expect(await receiver.accept(good, l.sender.did)).toMatchObject({ status: AckStatus.ACK_STATUS_STORED })
    expect(await receiver.accept(good, l.sender.did)).toMatchObject({
      status: AckStatus.ACK_STATUS_DUPLICATE,
    })
    expect(await receiver.accept(good, other.did)).toMatchObject({ reason: 'SENDER_MISMATCH' })
    expect(await receiver.accept(await envelope(l.sender, other.did), l.sender.did)).toMatchObject({
      reason: 'WRONG_RECIPIENT',
    })
    expect(
      await receiver.accept(
        await envelope(l.sender, l.recipient.did, { id: 'msg_2', expiresAtMs: 1 }),
        l.sender.did,
      ),
    ).toMatchObject({ reason: 'EXPIRED' })
    expect(await receiver.accept({ ...good, id: 'msg_3' }, l.sender.did)).toMatchObject({
      reason: 'SIGNATURE_INVALID',
    })
    // Another sender reusing a stored id, or one of our own sent ids, cannot shadow it.
    expect(await receiver.accept(await envelope(other, l.recipient.did), other.did)).toMatchObject({
      reason: 'MESSAGE_ID_CONFLICT',
    })
    expect(
      await receiver.accept(await envelope(other, l.recipient.did, { id: 'msg_mine' }), other.did),
    ).toMatchObject({
      reason: 'MESSAGE_ID_CONFLICT',
    })
    // Task frames wait (RETRY_LATER) until the task subsystem is there to take them.
    const task = MessageBody.encode(
      MessageBody.fromPartial({ task: { cancel: { taskId: 'task_x', reason: '' } } }),
    ).finish()
    expect(
      await receiver.accept(
        await envelope(l.sender, l.recipient.did, { id: 'tfr_1', body: task }),
        l.sender.did,
      ),
    ).toMatchObject({ status: AckStatus.ACK_STATUS_RETRY_LATER, reason: 'NOT_READY' })
    expect(await l.inbox.list({}, 0, 10)).toHaveLength(1)
  })
})
