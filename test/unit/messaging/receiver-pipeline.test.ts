// The receiver handles several frames of one stream at once (receiver.ts process()): a raw sender
// pushes a whole window over an in-memory stream pair into a receiver with a real inbox in LevelDB,
// and checks each ack as it arrives: acks in frame order, each frame readable from the inbox by the
// time its ack arrives, and after a RETRY_LATER nothing later on the stream stored.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Connection } from '@libp2p/interface'
import { lpStream, streamPair } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { createEventBus } from '../../../daemon/events/event-bus.ts'
import { createIdentity } from '../../../daemon/identity/identity.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { createChannelRegistry } from '../../../daemon/messaging/channels.ts'
import { openInboxStore } from '../../../daemon/messaging/inbox-store.ts'
import { createRateLimiter } from '../../../daemon/messaging/rate-limiter.ts'
import { createReceiver } from '../../../daemon/messaging/receiver.ts'
import { openThreadIndex } from '../../../daemon/messaging/thread-index.ts'
import { createMetrics } from '../../../daemon/metrics/metrics.ts'
import { openStore, type Store } from '../../../daemon/store/store.ts'
import { AckStatus, decodeFrame, encodeBody, encodeFrame } from '../../../daemon/wire/messaging-codec.ts'
import { signedEnvelope } from './stub-receiver.ts'

const stores: Store[] = []
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close()
})

/** A receiver over a real inbox; `quotaRefuses` lists which quota checks (1-based) say the inbox is full. */
async function setup(quotaRefuses: number[] = []) {
  const sender = createIdentity(await generateKeyPair('Ed25519'))
  const recipient = createIdentity(await generateKeyPair('Ed25519'))
  const store = await openStore(await mkdtemp(join(tmpdir(), 'receiver-pipeline-')))
  stores.push(store)
  const inbox = await openInboxStore(store, await openThreadIndex(store))
  let checks = 0
  const receiver = createReceiver({
    did: recipient.did,
    inbox,
    ownIdTaken: async () => false,
    quota: {
      check: () => {
        checks++
        return quotaRefuses.includes(checks) ? { reason: 'INBOX_FULL', detail: 'test' } : undefined
      },
      stored: () => undefined,
    },
    events: createEventBus(),
    logger: silentLogger(),
    metrics: createMetrics(),
    limiter: createRateLimiter({ ratePerSecond: 1e6, burst: 1e6, blockAfterRefusals: 1e6, blockMs: 1 }),
    maxPayloadBytes: 64 * 1024,
    inboxMaxMessages: 10_000,
    channels: createChannelRegistry({ logger: silentLogger() }),
  })
  const [outbound, inbound] = await streamPair({ delay: 0 })
  void receiver.handle(inbound, { remotePeer: sender.peerId } as unknown as Connection)
  const lp = lpStream(outbound)
  const body = (i: number) =>
    encodeBody({
      parts: [{ text: `p${i}`, mediaType: '', metadata: {} }],
      contextId: '',
      threadId: i % 2 === 0 ? '' : 'thread-1',
      replyTo: '',
    })
  /** Sends `n` frames back to back; returns the acks, each with whether its message was readable then. */
  async function push(n: number) {
    const ids = Array.from({ length: n }, (_, i) => `msg_${i}`)
    const envelopes = await Promise.all(
      ids.map((id, i) => signedEnvelope(sender, recipient.did, id, body(i))),
    )
    await lp.writeV(envelopes.map((envelope) => encodeFrame({ envelope })))
    const acks: Array<{ id: string; status: number; readable: boolean }> = []
    for (let i = 0; i < n; i++) {
      const ack = decodeFrame((await lp.read()).subarray()).ack
      if (ack == null) throw new Error('no ack')
      acks.push({ id: ack.id, status: ack.status, readable: (await inbox.getById(ack.id)) != null })
    }
    return { ids, acks }
  }
  return { store, inbox, push }
}

describe('pipelined receiver', () => {
  it('acks a window in frame order, each only once its message is stored', async () => {
    const s = await setup()
    const { ids, acks } = await s.push(64)
    expect(acks.map((a) => a.id)).toEqual(ids)
    expect(acks.every((a) => a.status === AckStatus.ACK_STATUS_STORED && a.readable)).toBe(true)
    // Stored in frame order: arrival seq follows the stream.
    const stored = await s.inbox.list({}, 0, 100)
    expect(stored.map((r) => r.id)).toEqual(ids)
  })

  it('stores nothing behind a RETRY_LATER, though later frames were already being checked', async () => {
    const s = await setup([5])
    const { ids, acks } = await s.push(12)
    expect(acks.map((a) => a.id)).toEqual(ids)
    expect(acks.slice(0, 4).every((a) => a.status === AckStatus.ACK_STATUS_STORED && a.readable)).toBe(true)
    expect(acks.slice(4).every((a) => a.status === AckStatus.ACK_STATUS_RETRY_LATER && !a.readable)).toBe(
      true,
    )
    expect((await s.inbox.list({}, 0, 100)).map((r) => r.id)).toEqual(ids.slice(0, 4))
  })
})
