// Message-id collisions (issue 15, item 4): message ids are chosen by the sender, and GetMessage /
// AckMessage look them up by id. A peer that reuses another sender's message id (or an id of a
// message the victim sent) is refused MESSAGE_ID_CONFLICT: GetMessage keeps returning the real
// message and AckMessage acks the right one.
import { describe, expect, it } from 'vitest'
import { AckStatus } from '../../daemon/wire/messaging-codec.ts'
import { sampleHealth } from '../harness/health-sampler.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { allInbox, sendText } from '../harness/messages.ts'
import { openMessaging } from '../harness/raw-messaging.ts'
import { useRawPeers } from '../harness/raw-peer-fixture.ts'

describe('message id collisions', () => {
  const mesh = useMesh()
  const peers = useRawPeers()

  it("refuses a peer's message that reuses another sender's id or one of the receiver's own", async () => {
    const [a, b] = await mesh.spawnMany(2)
    if (a == null || b == null) throw new Error('spawn failed')
    const sent = await sendText(a, b.did, 'the real message')
    await waitFor(async () => ((await allInbox(b)).length === 1 ? true : undefined), 20_000)
    const ownSent = await sendText(b, a.did, 'sent by b')

    const attacker = await peers.create()
    const stream = await openMessaging(attacker, b.info!.tcpAddress)
    const send = (id: string, text: string) => stream.sendText(id, b.did, text)
    const health = sampleHealth(b, 'message id collisions')
    const conflict = { status: AckStatus.ACK_STATUS_REJECTED, reason: 'MESSAGE_ID_CONFLICT' }
    expect(await send(sent.id, 'forged')).toMatchObject(conflict)
    expect(await send(ownSent.id, 'shadowing b')).toMatchObject(conflict)
    expect((await send('msg_attackers_own_id', 'fine')).status).toBe(AckStatus.ACK_STATUS_STORED)
    expect((await health.stop()).failures).toBe(0)

    const got = (await b.client.a2a.getMessage({ id: sent.id })).message!
    expect(got.from).toBe(a.did)
    expect(got.parts[0]?.text).toBe('the real message')
    const mine = (await b.client.a2a.getMessage({ id: ownSent.id })).message!
    expect(mine.from).toBe(b.did)
    await b.client.a2a.ackMessage({ ids: [sent.id] })
    const inbox = await allInbox(b)
    expect(inbox.map((m) => [m.from, m.parts[0]?.text])).toEqual([
      [a.did, 'the real message'],
      [attacker.identity.did, 'fine'],
    ])
    const metrics = (await b.client.diag.getMetrics({})).prometheusText
    expect(metrics).toContain('moltmesh_hostile_input_total{protocol="msg",reason="MESSAGE_ID_CONFLICT"} 2')
  }, 60_000)
})
