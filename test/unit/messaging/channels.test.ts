// The channel registry: subsystems register their frames with messaging, and the receiver and the
// delivery workers go through it. Stubbed components only (no host, no store): runs in milliseconds.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { beforeAll, describe, expect, it } from 'vitest'
import { createIdentity, type Identity } from '../../../daemon/identity/identity.ts'
import { type Logger, silentLogger } from '../../../daemon/log/logger.ts'
import {
  ChannelRegistrationError,
  type ChannelSpec,
  createChannelRegistry,
} from '../../../daemon/messaging/channels.ts'
import { signOutbound } from '../../../daemon/messaging/outbound.ts'
import type { OutboxRecord } from '../../../daemon/messaging/records.ts'
import { createMetrics, type Metrics } from '../../../daemon/metrics/metrics.ts'
import { MessageBody } from '../../../daemon/wire/gen/moltmesh/wire/v1/messaging.ts'
import { AckStatus, type ChannelName } from '../../../daemon/wire/messaging-codec.ts'
import { signedEnvelope, stubReceiver } from './stub-receiver.ts'

const TASK_ID = 'task_00000000000000000000000000'

/** A channel whose handler and failure callback record what they were given. */
function recording<K extends ChannelName>(name: K, idPrefix: string) {
  const frames: { from: string; frame: unknown }[] = []
  const failed: OutboxRecord[] = []
  const spec: ChannelSpec<K> = {
    name,
    idPrefix,
    handle: async (from, frame) => {
      frames.push({ from, frame })
      return { status: 'stored' }
    },
    failed: (record) => failed.push(record),
  }
  return { spec, frames, failed }
}

function outboxRecord(channel: ChannelName | undefined, id = 'x_1'): OutboxRecord {
  return {
    id,
    from: 'did:key:zA',
    to: 'did:key:zB',
    createdAtMs: 1,
    expiresAtMs: 2,
    contextId: '',
    threadId: '',
    replyTo: '',
    body: '',
    seq: 1,
    signature: '',
    status: 'failed',
    attempts: 1,
    deliveredAtMs: 0,
    nextAttemptAtMs: 0,
    lastError: 'REJECTED',
    idempotencyKey: '',
    ...(channel != null ? { channel } : {}),
  }
}

describe('channel registration', () => {
  it('refuses a second channel of the same name or id prefix, the message prefix, and late comers', () => {
    const registry = createChannelRegistry({ logger: silentLogger() })
    registry.register(recording('task', 'tfr').spec)
    expect(() => registry.register(recording('task', 'tsk').spec)).toThrow(ChannelRegistrationError)
    expect(() => registry.register(recording('task', 'tsk').spec)).toThrow(
      'channel "task" is already registered',
    )
    expect(() => registry.register(recording('network', 'tfr').spec)).toThrow(
      'id prefix "tfr" is already used by channel "task"',
    )
    expect(() => registry.register(recording('network', 'msg').spec)).toThrow('already used by messages')
    expect(() => registry.register(recording('network', 'N_1').spec)).toThrow('not 2-8 lowercase letters')
    expect(() => registry.register(recording('thread' as ChannelName, 'thr').spec)).toThrow(
      '"thread" is not a MessageBody channel field',
    )
    registry.register(recording('network', 'nfr').spec)
    registry.seal()
    expect(() => registry.register(recording('network', 'nfx').spec)).toThrow('registered after start-up')
  })

  it('gives each channel its id prefix, for envelope ids and outbox records', async () => {
    const registry = createChannelRegistry({ logger: silentLogger() })
    expect(() => registry.idPrefix('task')).toThrow('channel "task" is not registered')
    registry.register(recording('task', 'tfr').spec)
    const identity = createIdentity(await generateKeyPair('Ed25519'))
    const input = {
      to: identity.did,
      body: new Uint8Array(),
      ttlMs: 60_000,
      contextId: '',
      threadId: '',
      replyTo: '',
      idempotencyKey: '',
    }
    const frame = await signOutbound(identity, {
      ...input,
      channel: { name: 'task', idPrefix: registry.idPrefix('task') },
    })
    expect(frame.id).toMatch(/^tfr_[0-9a-z]{26}$/)
    expect(frame.channel).toBe('task')
    const message = await signOutbound(identity, input)
    expect(message.id).toMatch(/^msg_[0-9a-z]{26}$/)
    expect(message.channel).toBeUndefined()
  })
})

describe('failed frames', () => {
  it('go to their own channel; those of a channel not registered yet wait for it', () => {
    const registry = createChannelRegistry({ logger: silentLogger() })
    const task = recording('task', 'tfr')
    const network = recording('network', 'nfr')
    registry.register(task.spec)
    registry.failed(outboxRecord('task', 'tfr_1'))
    registry.failed(outboxRecord('network', 'nfr_1'))
    registry.failed(outboxRecord(undefined, 'msg_1')) // a plain message: reported as an event, not here
    expect(task.failed.map((r) => r.id)).toEqual(['tfr_1'])
    registry.register(network.spec)
    expect(network.failed.map((r) => r.id)).toEqual(['nfr_1'])
    expect(task.failed.map((r) => r.id)).toEqual(['tfr_1'])
  })

  it('of a channel nobody registered are dropped once sealed, and a throwing callback is contained', () => {
    const warnings: unknown[] = []
    const errors: unknown[] = []
    const logger = {
      ...silentLogger(),
      warn: (o: unknown) => warnings.push(o),
      error: (o: unknown) => errors.push(o),
    }
    const registry = createChannelRegistry({ logger: logger as unknown as Logger })
    let calls = 0
    registry.register({
      ...recording('task', 'tfr').spec,
      failed: () => {
        calls++
        throw new Error('bug')
      },
    })
    registry.failed(outboxRecord('network', 'nfr_1'))
    registry.seal()
    expect(warnings).toEqual([{ channel: 'network', frames: 1 }])
    expect(() => registry.failed(outboxRecord('network', 'nfr_2'))).not.toThrow()
    expect(warnings).toHaveLength(2)
    expect(() => registry.failed(outboxRecord('task', 'tfr_1'))).not.toThrow()
    expect(calls).toBe(1)
    expect(errors).toEqual([expect.objectContaining({ channel: 'task', id: 'tfr_1' })])
  })
})

describe('receiver dispatch through the registry', () => {
  let me: Identity
  let peer: Identity
  beforeAll(async () => {
    me = createIdentity(await generateKeyPair('Ed25519'))
    peer = createIdentity(await generateKeyPair('Ed25519'))
  })

  const receiverWith = (registry: ReturnType<typeof createChannelRegistry>, metrics: Metrics) =>
    stubReceiver({ did: me.did, channels: registry, metrics })

  const envelope = (id: string, body: Partial<MessageBody>) =>
    signedEnvelope(peer, me.did, id, MessageBody.encode(MessageBody.fromPartial(body)).finish())
  const taskBody = { task: { cancel: { taskId: TASK_ID, reason: 'no' } } }
  const networkBody = { network: { invite: { descriptor: 'd', invitation: 'i' } } }

  it('hands each frame to the handler of its channel, and messages to the inbox', async () => {
    const registry = createChannelRegistry({ logger: silentLogger() })
    const task = recording('task', 'tfr')
    const network = recording('network', 'nfr')
    registry.register(task.spec)
    registry.register(network.spec)
    registry.seal()
    const { receiver, stored } = receiverWith(registry, createMetrics())

    expect(await receiver.accept(await envelope('tfr_1', taskBody), peer.did)).toMatchObject({
      id: 'tfr_1',
      status: AckStatus.ACK_STATUS_STORED,
    })
    expect(await receiver.accept(await envelope('nfr_1', networkBody), peer.did)).toMatchObject({
      id: 'nfr_1',
      status: AckStatus.ACK_STATUS_STORED,
    })
    const text = { parts: [{ text: 'hi', mediaType: '', metadata: {} }] }
    expect(await receiver.accept(await envelope('msg_1', text), peer.did)).toMatchObject({
      status: AckStatus.ACK_STATUS_STORED,
    })

    expect(task.frames).toEqual([
      { from: peer.did, frame: expect.objectContaining({ cancel: { taskId: TASK_ID, reason: 'no' } }) },
    ])
    expect(network.frames).toEqual([
      { from: peer.did, frame: expect.objectContaining({ invite: { descriptor: 'd', invitation: 'i' } }) },
    ])
    expect(stored).toEqual(['msg_1'])
  })

  it("answers with the handler's refusal, counted as hostile input", async () => {
    const registry = createChannelRegistry({ logger: silentLogger() })
    registry.register({
      ...recording('task', 'tfr').spec,
      handle: async () => ({ status: 'rejected', reason: 'TASK_NOT_FOUND', detail: TASK_ID }),
    })
    const metrics = createMetrics()
    const { receiver } = receiverWith(registry, metrics)
    expect(await receiver.accept(await envelope('tfr_1', taskBody), peer.did)).toMatchObject({
      status: AckStatus.ACK_STATUS_REJECTED,
      reason: 'TASK_NOT_FOUND',
    })
    expect(metrics.prometheusText()).toContain(
      'moltmesh_hostile_input_total{protocol="msg",reason="TASK_NOT_FOUND"} 1',
    )
  })

  it('asks a frame of an unregistered channel to wait while starting, and refuses it once sealed', async () => {
    const registry = createChannelRegistry({ logger: silentLogger() })
    const task = recording('task', 'tfr')
    registry.register(task.spec)
    const metrics = createMetrics()
    const { receiver, stored } = receiverWith(registry, metrics)

    expect(await receiver.accept(await envelope('nfr_1', networkBody), peer.did)).toMatchObject({
      id: 'nfr_1',
      status: AckStatus.ACK_STATUS_RETRY_LATER,
      reason: 'NOT_READY',
    })
    expect(metrics.prometheusText()).not.toContain('reason="UNKNOWN_CHANNEL"')

    registry.seal()
    expect(await receiver.accept(await envelope('nfr_2', networkBody), peer.did)).toMatchObject({
      id: 'nfr_2',
      status: AckStatus.ACK_STATUS_REJECTED,
      reason: 'UNKNOWN_CHANNEL',
    })
    expect(metrics.prometheusText()).toContain(
      'moltmesh_hostile_input_total{protocol="msg",reason="UNKNOWN_CHANNEL"} 1',
    )
    expect(task.frames).toEqual([])
    expect(stored).toEqual([]) // never taken for a plain message either
  })

  it('refuses a body that sets two channels as MALFORMED', async () => {
    const registry = createChannelRegistry({ logger: silentLogger() })
    const task = recording('task', 'tfr')
    const network = recording('network', 'nfr')
    registry.register(task.spec)
    registry.register(network.spec)
    registry.seal()
    const { receiver } = receiverWith(registry, createMetrics())
    expect(
      await receiver.accept(await envelope('tfr_1', { ...taskBody, ...networkBody }), peer.did),
    ).toMatchObject({ status: AckStatus.ACK_STATUS_REJECTED, reason: 'MALFORMED' })
    expect(task.frames).toEqual([])
    expect(network.frames).toEqual([])
  })
})
