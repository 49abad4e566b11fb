// A failure while handling one inbound frame (a bug, a poison input that throws) must still answer
// that frame, REJECTED with PROCESSING_FAILED, count it, and leave the receiver serving the next one.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { createEventBus } from '../../../daemon/events/event-bus.ts'
import { createIdentity } from '../../../daemon/identity/identity.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { createChannelRegistry } from '../../../daemon/messaging/channels.ts'
import type { InboxStore } from '../../../daemon/messaging/inbox-store.ts'
import { createRateLimiter } from '../../../daemon/messaging/rate-limiter.ts'
import { createReceiver } from '../../../daemon/messaging/receiver.ts'
import { createMetrics } from '../../../daemon/metrics/metrics.ts'
import { MessageBody } from '../../../daemon/wire/gen/moltmesh/wire/v1/messaging.ts'
import { AckStatus, signEnvelope } from '../../../daemon/wire/messaging-codec.ts'

describe('receiver failures', () => {
  it('answers a frame whose handling throws with PROCESSING_FAILED and keeps going', async () => {
    const me = createIdentity(await generateKeyPair('Ed25519'))
    const peer = createIdentity(await generateKeyPair('Ed25519'))
    const metrics = createMetrics()
    let calls = 0
    const channels = createChannelRegistry({ logger: silentLogger() })
    channels.register({
      name: 'task',
      idPrefix: 'tfr',
      handle: async () => {
        calls++
        if (calls === 1) throw new RangeError('Maximum call stack size exceeded')
        return { status: 'stored' }
      },
      failed: () => undefined,
    })
    const receiver = createReceiver({
      did: me.did,
      inbox: {} as InboxStore,
      ownIdTaken: async () => false,
      quota: { check: () => undefined, stored: () => undefined },
      events: createEventBus(),
      logger: silentLogger(),
      metrics,
      limiter: createRateLimiter({ ratePerSecond: 100, burst: 100, blockAfterRefusals: 10, blockMs: 1000 }),
      maxPayloadBytes: 1 << 20,
      inboxMaxMessages: 10,
      channels,
    })
    const frame = (id: string) =>
      signEnvelope(peer, {
        id,
        to: me.did,
        createdAtMs: Date.now(),
        expiresAtMs: Date.now() + 60_000,
        body: Buffer.from(
          MessageBody.encode(
            MessageBody.fromPartial({ task: { cancel: { taskId: 'task_00000000000000000000000000' } } }),
          ).finish(),
        ),
      })
    expect(await receiver.accept(await frame('tfr_1'), peer.did)).toMatchObject({
      id: 'tfr_1',
      status: AckStatus.ACK_STATUS_REJECTED,
      reason: 'PROCESSING_FAILED',
    })
    expect(await receiver.accept(await frame('tfr_2'), peer.did)).toMatchObject({
      status: AckStatus.ACK_STATUS_STORED,
    })
    expect(metrics.prometheusText()).toContain(
      'moltmesh_hostile_input_total{protocol="msg",reason="PROCESSING_FAILED"} 1',
    )
  })
})
