// A failure while handling one inbound frame (a bug, a poison input that throws) must still answer
// that frame, REJECTED with PROCESSING_FAILED, count it, and leave the receiver serving the next one.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { createIdentity } from '../../../daemon/identity/identity.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { createChannelRegistry } from '../../../daemon/messaging/channels.ts'
import { createMetrics } from '../../../daemon/metrics/metrics.ts'
import { MessageBody } from '../../../daemon/wire/gen/moltmesh/wire/v1/messaging.ts'
import { AckStatus } from '../../../daemon/wire/messaging-codec.ts'
import { signedEnvelope, stubReceiver } from './stub-receiver.ts'

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
    const { receiver } = stubReceiver({ did: me.did, metrics, channels })
    const frame = (id: string) =>
      signedEnvelope(
        peer,
        me.did,
        id,
        MessageBody.encode(
          MessageBody.fromPartial({ task: { cancel: { taskId: 'task_00000000000000000000000000' } } }),
        ).finish(),
      )
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
