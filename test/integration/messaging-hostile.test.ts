// Hostile peers on /moltmesh/msg/1.0.0: forged senders, bad signatures, replays, oversized frames and
// garbage are refused with a reason or a closed stream, counted in metrics, and the daemon keeps serving.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { createIdentity } from '../../daemon/identity/identity.ts'
import { AckStatus, MESSAGING_PROTOCOL } from '../../daemon/wire/messaging-codec.ts'
import { useMesh } from '../harness/mesh.ts'
import { allInbox } from '../harness/messages.ts'
import { openMessaging, textBody, textEnvelope } from '../harness/raw-messaging.ts'
import { useRawPeers } from '../harness/raw-peer-fixture.ts'

describe('hostile peers on the messaging protocol', () => {
  const mesh = useMesh()
  const peers = useRawPeers()

  it('refuses forged, invalid, replayed, oversized and garbage input and keeps serving', async () => {
    const b = await mesh.spawn('victim')
    const attacker = await peers.create()
    const victimAddr = b.info!.tcpAddress
    const now = Date.now()
    const envelope = (id: string, text: string) =>
      textEnvelope(attacker.identity, { id, to: b.did, text, createdAtMs: now })

    const stream = await openMessaging(attacker, victimAddr)
    // A legitimate message from the attacker's own identity is fine...
    const legit = await envelope('msg_legit', 'hi')
    expect((await stream.exchange(legit)).status).toBe(AckStatus.ACK_STATUS_STORED)
    // ...and replaying it is acknowledged as a duplicate, never stored twice.
    expect((await stream.exchange(legit)).status).toBe(AckStatus.ACK_STATUS_DUPLICATE)

    // Forged sender: an envelope correctly signed by someone else's key, sent by the attacker.
    const victimOfForgery = createIdentity(await generateKeyPair('Ed25519'))
    const forged = await textEnvelope(victimOfForgery, {
      id: 'msg_forged',
      to: b.did,
      text: 'i am someone else',
    })
    expect(await stream.exchange(forged)).toMatchObject({
      status: AckStatus.ACK_STATUS_REJECTED,
      reason: 'SENDER_MISMATCH',
    })

    // Tampered body: the signature no longer matches.
    const tampered = { ...(await envelope('msg_tampered', 'original')), body: textBody('changed') }
    expect(await stream.exchange(tampered)).toMatchObject({
      status: AckStatus.ACK_STATUS_REJECTED,
      reason: 'SIGNATURE_INVALID',
    })

    // Wrong recipient and expired envelopes.
    const elsewhere = await textEnvelope(attacker.identity, {
      id: 'msg_else',
      to: victimOfForgery.did,
      text: 'x',
    })
    expect(await stream.exchange(elsewhere)).toMatchObject({
      status: AckStatus.ACK_STATUS_REJECTED,
      reason: 'WRONG_RECIPIENT',
    })
    const old = await textEnvelope(attacker.identity, {
      id: 'msg_old',
      to: b.did,
      text: 'x',
      createdAtMs: now - 10_000,
      expiresAtMs: now - 1,
    })
    expect(await stream.exchange(old)).toMatchObject({
      status: AckStatus.ACK_STATUS_REJECTED,
      reason: 'EXPIRED',
    })

    // A correctly signed message whose text part is not valid UTF-8 ("hi" + 0xFF): refused, not stored
    // with U+FFFD in place of the sender's bytes.
    const badText = Buffer.from([0x0a, 5, 0x0a, 3, 0x68, 0x69, 0xff])
    const notUtf8 = await textEnvelope(attacker.identity, {
      id: 'msg_not_utf8',
      to: b.did,
      body: badText,
      createdAtMs: now,
    })
    expect(await (await openMessaging(attacker, victimAddr)).exchange(notUtf8)).toMatchObject({
      status: AckStatus.ACK_STATUS_REJECTED,
      reason: 'INVALID_UTF8',
    })

    // Garbage bytes that are not a frame: the stream is closed.
    const garbage = await attacker.open(victimAddr, MESSAGING_PROTOCOL)
    await garbage.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]))
    expect(await garbage.closed()).toBe(true)

    // A frame over the size limit: the stream is closed before the body is buffered.
    const oversized = await attacker.open(victimAddr, MESSAGING_PROTOCOL)
    await oversized.write(Buffer.alloc(2 * 1024 * 1024, 7))
    expect(await oversized.closed()).toBe(true)

    // The daemon is fine, stored exactly the one legitimate message, and counted the rest.
    expect((await b.client.diag.health({})).ok).toBe(true)
    const inbox = await allInbox(b)
    expect(inbox.map((m) => m.id)).toEqual(['msg_legit'])
    const { prometheusText } = await b.client.diag.getMetrics({})
    for (const reason of [
      'SENDER_MISMATCH',
      'SIGNATURE_INVALID',
      'WRONG_RECIPIENT',
      'EXPIRED',
      'MALFORMED_FRAME',
      'FRAME_TOO_LARGE',
      'INVALID_UTF8',
    ]) {
      expect(prometheusText).toContain(`moltmesh_hostile_input_total{protocol="msg",reason="${reason}"} 1`)
    }
  })

  it('answers a flood with back-pressure (RETRY_LATER) instead of storing without limit', async () => {
    const b = await mesh.spawn('flooded', {
      env: { MOLTMESH_MESSAGING_RECEIVE_RATE_PER_SECOND: '5', MOLTMESH_MESSAGING_RECEIVE_BURST: '5' },
    })
    const attacker = await peers.create()
    const stream = await openMessaging(attacker, b.info!.tcpAddress)
    const statuses: number[] = []
    let retryAfter = 0
    for (let i = 0; i < 30; i++) {
      const ack = await stream.sendText(`msg_flood_${i}`, b.did, `f${i}`)
      statuses.push(ack.status)
      if (ack.status === AckStatus.ACK_STATUS_RETRY_LATER) {
        expect(ack.reason).toBe('RATE_LIMITED')
        retryAfter = ack.retryAfterMs
      }
    }
    const stored = statuses.filter((s) => s === AckStatus.ACK_STATUS_STORED).length
    expect(stored).toBeGreaterThanOrEqual(5)
    expect(stored).toBeLessThan(30)
    // Once paused, the stream stays paused: nothing later on it overtakes a refused frame.
    const firstRefused = statuses.indexOf(AckStatus.ACK_STATUS_RETRY_LATER)
    expect(statuses.slice(firstRefused).every((s) => s === AckStatus.ACK_STATUS_RETRY_LATER)).toBe(true)
    expect(retryAfter).toBeGreaterThan(0)
    expect((await allInbox(b)).length).toBe(stored)
    expect((await b.client.diag.health({})).ok).toBe(true)
  })
})
