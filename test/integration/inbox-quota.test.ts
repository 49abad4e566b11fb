// Per-peer inbox quotas (issue 15, item 6): a flooding peer keeps only its quota of unacknowledged
// messages, a swarm of fresh identities fills only the strangers' share of the inbox, and a peer this
// agent has worked with still gets through. Over quota, senders are told to retry later.
import { describe, expect, it } from 'vitest'
import { AckStatus } from '../../daemon/wire/messaging-codec.ts'
import { sampleHealth } from '../harness/health-sampler.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { allInbox, sendText } from '../harness/messages.ts'
import { openMessaging } from '../harness/raw-messaging.ts'
import type { RawPeer } from '../harness/raw-peer.ts'
import { useRawPeers } from '../harness/raw-peer-fixture.ts'
import { isTerminalState, offerSkills, startWorker } from '../harness/tasks.ts'

describe('per-peer inbox quotas', () => {
  const mesh = useMesh()
  const peers = useRawPeers()

  it('bounds each flooder, keeps room for peers worked with, and frees quota on ack', async () => {
    const b = await mesh.spawn('owner', {
      env: {
        MOLTMESH_MESSAGING_PEER_MAX_UNACKED_MESSAGES: '20',
        MOLTMESH_MESSAGING_INBOX_MAX_MESSAGES: '100',
      },
    })
    const a = await mesh.spawn('contact', { bootstrap: [b.info!.tcpAddress] })
    // b has worked with a: it delegated a task that a completed.
    await offerSkills(a, [{ id: 'echo' }])
    const worker = startWorker(a, 'echo', async () => [{ text: 'done' }])
    const { task } = await b.client.a2a.createTask({ to: a.did, skill: 'echo', input: [{ text: 'x' }] })
    await waitFor(async () => {
      const t = (await b.client.a2a.getTask({ id: task!.id })).task
      return t != null && isTerminalState(t.state) ? t : undefined
    }, 20_000)
    await worker.stop()

    const flood = async (peer: RawPeer, n: number, tag: string) => {
      const stream = await openMessaging(peer, b.info!.tcpAddress)
      const acks = []
      for (let i = 0; i < n; i++) acks.push(await stream.sendText(`msg_${tag}_${i}`, b.did, `${tag} ${i}`))
      return acks
    }
    const stored = (acks: Array<{ status: AckStatus }>) =>
      acks.filter((x) => x.status === AckStatus.ACK_STATUS_STORED).length

    const health = sampleHealth(b, 'message floods')
    const flooders = await Promise.all([peers.create(), peers.create(), peers.create()])
    const first = await flood(flooders[0]!, 25, 'f0')
    expect(stored(first)).toBe(20)
    expect(first[20]).toMatchObject({
      status: AckStatus.ACK_STATUS_RETRY_LATER,
      reason: 'PEER_QUOTA_EXCEEDED',
    })
    expect(stored(await flood(flooders[1]!, 25, 'f1'))).toBe(20)
    // Strangers together may fill half of the 100-message inbox: the third gets only 10 in.
    const third = await flood(flooders[2]!, 25, 'f2')
    expect(stored(third)).toBe(10)
    expect(third[10]).toMatchObject({ status: AckStatus.ACK_STATUS_RETRY_LATER, reason: 'INBOX_FULL' })
    expect((await health.stop()).failures).toBe(0)

    // The real contact still gets through, beyond a stranger's quota.
    for (let i = 0; i < 25; i++) await sendText(a, b.did, `real ${i}`)
    await waitFor(
      async () => ((await allInbox(b)).filter((m) => m.from === a.did).length === 25 ? true : undefined),
      30_000,
      'contact messages',
    )

    // Acknowledging a flooder's messages gives its quota back.
    const ids = (await allInbox(b)).filter((m) => m.from === flooders[0]!.identity.did).map((m) => m.id)
    // The ack updates the per-sender count before it returns (and a stale strangers' total is counted
    // again before a refusal): no wait needed.
    await b.client.a2a.ackMessage({ ids })
    expect(stored(await flood(flooders[0]!, 5, 'f0again'))).toBe(5)
    const metrics = (await b.client.diag.getMetrics({})).prometheusText
    expect(metrics).toMatch(/moltmesh_hostile_input_total\{protocol="msg",reason="PEER_QUOTA_EXCEEDED"\} \d+/)
  }, 90_000)
})
