// A channel added by a newer version is a new MessageBody field. A daemon that predates it must refuse
// such a frame (UNKNOWN_CHANNEL, so the sender's subsystem hears it cannot reach us) instead of
// decoding it, unknown field skipped, into an empty inbox message. A message with parts stays a
// message even when a newer sender adds fields to it.
import { readFileSync } from 'node:fs'
import { BinaryWriter } from '@bufbuild/protobuf/wire'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { createIdentity } from '../../../daemon/identity/identity.ts'
import { createMetrics } from '../../../daemon/metrics/metrics.ts'
import { MessageBody } from '../../../daemon/wire/gen/moltmesh/wire/v1/messaging.ts'
import { AckStatus, KNOWN_BODY_FIELDS, unknownBodyFields } from '../../../daemon/wire/messaging-codec.ts'
import { signedEnvelope, stubReceiver } from './stub-receiver.ts'

/** A body as a newer sender would encode it: the known fields, then field `extra` (a sub-message). */
function newerBody(known: MessageBody, extra: number): Uint8Array {
  const w = new BinaryWriter()
  MessageBody.encode(known, w)
  w.uint32((extra << 3) | 2).bytes(new Uint8Array([0x0a, 0x02, 0x68, 0x69]))
  return w.finish()
}

describe('MessageBody fields unknown to this version', () => {
  it('KNOWN_BODY_FIELDS is the field list of MessageBody in the proto', () => {
    const proto = readFileSync('proto/moltmesh/wire/v1/messaging.proto', 'utf8')
    const block = /message MessageBody \{([\s\S]*?)\n\}/.exec(proto)?.[1] ?? ''
    const numbers = [...block.matchAll(/=\s*(\d+);/g)].map((m) => Number(m[1])).sort((a, b) => a - b)
    expect(numbers.length).toBeGreaterThan(0)
    expect(numbers).toEqual([...KNOWN_BODY_FIELDS].sort((a, b) => a - b))
  })

  it('finds the unknown top-level fields and nothing else', () => {
    const known = MessageBody.fromPartial({
      parts: [{ text: 'x' }],
      threadId: 't',
      task: { cancel: { taskId: 'task_1' } },
    })
    expect(unknownBodyFields(MessageBody.encode(known).finish())).toEqual([])
    expect(unknownBodyFields(newerBody(known, 9))).toEqual([9])
    expect(() => unknownBodyFields(new Uint8Array([0x0a, 0x05, 0x01]))).toThrow()
  })

  it('the receiver refuses a frame of an unknown channel and stores a message with extra fields', async () => {
    const me = createIdentity(await generateKeyPair('Ed25519'))
    const peer = createIdentity(await generateKeyPair('Ed25519'))
    const metrics = createMetrics()
    const { receiver, stored } = stubReceiver({ did: me.did, metrics })
    const envelope = (id: string, body: Uint8Array) => signedEnvelope(peer, me.did, id, body)
    expect(
      await receiver.accept(
        await envelope('xyz_1', newerBody(MessageBody.fromPartial({ threadId: 't' }), 9)),
        peer.did,
      ),
    ).toMatchObject({ status: AckStatus.ACK_STATUS_REJECTED, reason: 'UNKNOWN_CHANNEL' })
    expect(stored).toHaveLength(0)
    expect(
      await receiver.accept(
        await envelope('msg_1', newerBody(MessageBody.fromPartial({ parts: [{ text: 'hi' }] }), 12)),
        peer.did,
      ),
    ).toMatchObject({ status: AckStatus.ACK_STATUS_STORED })
    expect(stored).toEqual(['msg_1'])
    expect(metrics.prometheusText()).toContain(
      'moltmesh_hostile_input_total{protocol="msg",reason="UNKNOWN_CHANNEL"} 1',
    )
  })
})
