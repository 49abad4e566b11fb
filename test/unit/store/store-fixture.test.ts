// The on-disk format stays readable: a database written by the store code before typed repositories
// (test/fixtures/store-v1/main-dump.json, made by generate-from-main.ts with main at 0d3937f) opens and
// reads the same with the current code, and the current code writes the same records byte for byte.

import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { describe, expect, it } from 'vitest'
import { openBlobIndex } from '../../../daemon/artifacts/blob-index.ts'
import { cardStateShape } from '../../../daemon/cards/card-state.ts'
import { createDemandStore } from '../../../daemon/discovery/demand-store.ts'
import { createEventBus } from '../../../daemon/events/event-bus.ts'
import { openLedgerStore } from '../../../daemon/ledger/ledger-store.ts'
import { createTrackRecords } from '../../../daemon/ledger/track-record.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { openInboxStore } from '../../../daemon/messaging/inbox-store.ts'
import { openOutboxStore } from '../../../daemon/messaging/outbox-store.ts'
import { openThreadIndex } from '../../../daemon/messaging/thread-index.ts'
import { heldShape, pinShape } from '../../../daemon/names/names-service.ts'
import { openNetworkStore } from '../../../daemon/networks/network-store.ts'
import { json, single, text, unit } from '../../../daemon/store/codecs.ts'
import { openStore, type Store } from '../../../daemon/store/store.ts'
import { openTaskStore } from '../../../daemon/tasks/task-store.ts'
import { openWebhookStore } from '../../../daemon/webhooks/webhook-store.ts'
import * as d from '../../fixtures/store-v1/dataset.ts'

const dumpPath = join(import.meta.dirname, '../../fixtures/store-v1/main-dump.json')
const mainDump: Array<[string, string]> = JSON.parse(readFileSync(dumpPath, 'utf8'))
const limits = { maxMessages: 100, maxAgeMs: 86_400_000 }

async function rawDump(dir: string): Promise<Array<[string, string]>> {
  const db = new ClassicLevel<string, string>(join(dir, 'db'))
  const rows: Array<[string, string]> = []
  for await (const row of db.iterator()) rows.push(row)
  await db.close()
  return rows
}

// Names and the card are written by services that need a libp2p host: their repositories, directly.
const heldNames = (store: Store) => store.repository('names.held', single(text), json(heldShape))
const pins = (store: Store) => store.repository('names.pins', single(text), json(pinShape))
const card = (store: Store) => store.repository('cards.local', unit, json(cardStateShape))

/** The same writes generate-from-main.ts makes, through the current store APIs. */
async function writeDataset(store: Store): Promise<void> {
  const threads = await openThreadIndex(store)
  const inbox = await openInboxStore(store, threads)
  const outbox = await openOutboxStore(store, threads)
  for (const m of d.inboxMessages) await inbox.add(m)
  await inbox.update(['msg_in1'], { read: true })
  const sent = await outbox.add(d.outboxMessage)
  await outbox.add(d.outboxFrame)
  await outbox.finish(sent, 'delivered', { deliveredAtMs: d.NOW, attempts: 1 })

  const tasks = await openTaskStore(store)
  tasks.nextOrder()
  await store.commit(tasks.ops(d.task, d.taskEvents, true))

  const ledger = await openLedgerStore(store)
  const { ops: entryOps } = ledger.entryOps(d.entry)
  const { taskId, ...reservation } = d.reservation
  const { nonce, ...quote } = d.quote
  await ledger.commit([
    ledger.accountOp(d.account),
    ...entryOps,
    ledger.reservationOp(taskId, reservation),
    ledger.quoteOp(nonce, quote),
    ledger.receiptOp(d.receipt.taskId, d.receipt),
    ledger.settlementOp(d.settlement),
    ledger.networkLimitOp(d.networkLimit.network, d.networkLimit.amount),
    ledger.defaultLimitOp(d.defaultLimit),
  ])
  const events = createEventBus()
  const track = await createTrackRecords({ store, events, logger: silentLogger() })
  events.emit('task.completed', { task: d.completedTask })
  await track.close()

  const networks = await openNetworkStore(store, limits)
  await networks.commit([
    networks.descriptorOp(d.NET, d.descriptorText),
    ...networks.opOps(d.NET, [d.opEntry]),
    networks.sentInvitationOp(d.NET, d.BOB, d.sentInvitation),
  ])
  await networks.putReceivedInvitation(d.NET, d.receivedInvitation)
  await networks.addBroadcast(d.broadcast)

  const blobs = await openBlobIndex(store)
  await blobs.put(d.blob)
  await blobs.addReference(d.blob.cid, 'task:task_1')
  await blobs.noteHolder(d.blob.cid, d.BOB)

  const webhooks = await openWebhookStore(store)
  await webhooks.putWebhook(d.webhook)
  await webhooks.saveDeliveries(d.deliveries)
  await webhooks.putPushTarget(d.pushTarget)

  await createDemandStore(store).record(d.demandCapability, d.NOW)
  await heldNames(store).put(d.heldName.name, d.heldName)
  const { name: pinned, ...pin } = d.pinnedName
  await pins(store).put(pinned, pin)
  await card(store).put(null, d.cardState)
}

describe('store format (schema version 1)', () => {
  it('reads a database written by the code before typed repositories', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-fixture-'))
    const raw = new ClassicLevel<string, string>(join(dir, 'db'))
    await raw.batch(mainDump.map(([key, value]) => ({ type: 'put', key, value })))
    await raw.close()
    const store = await openStore(dir)
    try {
      const threads = await openThreadIndex(store)
      const inbox = await openInboxStore(store, threads)
      const outbox = await openOutboxStore(store, threads)
      expect(await threads.catchUp(inbox.threadRefsAfter, outbox.threadRefsAfter)).toBe(0)
      expect(inbox.lastSeq).toBe(2)
      expect(inbox.unreadCount).toBe(0)
      expect(inbox.unackedFrom(d.BOB)).toEqual({ messages: 1, bytes: 6 })
      expect(await inbox.list({}, 0, 10)).toEqual([
        { ...d.inboxMessages[0], seq: 1, read: true },
        { ...d.inboxMessages[1], seq: 2 },
      ])
      expect(await inbox.isDuplicate(d.BOB, 'msg_in2')).toBe(true)
      expect((await inbox.getById('msg_in1'))?.seq).toBe(1)
      const delivered = { ...d.outboxMessage, seq: 1, status: 'delivered', deliveredAtMs: d.NOW, attempts: 1 }
      expect(await outbox.byIdempotencyKey('idem-1')).toEqual(delivered)
      expect(await outbox.list({}, 0, 10)).toEqual([delivered])
      expect(await outbox.queuedRecipients()).toEqual([d.BOB])
      expect(await outbox.queued(d.BOB, 10)).toEqual([{ ...d.outboxFrame, seq: 2 }])
      const thread = await threads.get('thread-1')
      expect(thread).toMatchObject({ count: 2, lastSeq: 2, peers: [{ did: d.BOB, lastSeq: 2 }] })
      expect(await threads.list({ peer: d.BOB }, 0, 10)).toEqual([{ thread, cursor: 2 }])
      expect(await threads.entries('thread-1', 0, 10)).toEqual([
        { seq: 1, entry: { in: 1 } },
        { seq: 2, entry: { out: 'msg_out1' } },
      ])

      const tasks = await openTaskStore(store)
      expect(await tasks.get('task_1')).toEqual(d.task)
      expect(await tasks.byIdempotencyKey('task-idem')).toEqual(d.task)
      expect(await tasks.events('task_1', 1, 10)).toEqual([d.taskEvents[1]])
      expect(await tasks.list({ states: new Set() }, 0, 10)).toEqual([d.task])
      expect(await tasks.open()).toEqual([])
      expect(tasks.nextOrder()).toBe(2)

      const ledger = await openLedgerStore(store)
      expect(await ledger.accounts()).toEqual([d.account])
      const entry = { ...d.entry, id: 'le_0000000000000001' }
      expect(await ledger.entries(undefined, 0, 10)).toEqual([entry])
      expect(await ledger.entries(d.BOB, 0, 10)).toEqual([entry])
      expect(await ledger.reservations()).toEqual([[d.reservation.taskId, { did: d.BOB, amount: '1000000' }]])
      expect(await ledger.quote(d.quote.nonce)).toMatchObject({ requester: d.BOB, used: false })
      expect(await ledger.receipt('task_1')).toEqual(d.receipt)
      expect(await ledger.settlements()).toEqual([d.settlement])
      expect(await ledger.networkLimits()).toEqual([[d.NET, '7']])
      expect(await ledger.defaultLimit()).toBe('9')
      const track = await createTrackRecords({ store, events: createEventBus(), logger: silentLogger() })
      expect(track.get(d.BOB)).toEqual({ completed: 1, failed: 0, latencyMs: 1000 })
      await track.close()

      const networks = await openNetworkStore(store, limits)
      expect(await networks.descriptors()).toEqual([{ id: d.NET, text: d.descriptorText }])
      expect(await networks.ops(d.NET)).toEqual([d.opEntry.json])
      expect(await networks.receivedInvitations()).toEqual([{ id: d.NET, received: d.receivedInvitation }])
      expect(await networks.historyPage(d.NET, 0, 10)).toEqual([{ ...d.broadcast, seq: 1 }])
      expect(await networks.historyIndex(d.NET)).toEqual([{ id: 'bc-1', seq: 1 }])
      expect(networks.hasBroadcast(d.NET, 'bc-1')).toBe(true)
      expect(networks.lastSeqOf(d.NET)).toBe(1)

      const blobs = await openBlobIndex(store)
      expect(await blobs.get(d.blob.cid)).toEqual(d.blob)
      expect(await blobs.references(d.blob.cid)).toEqual(['task:task_1'])
      expect(await blobs.holders(d.blob.cid)).toEqual([d.BOB])

      const webhooks = await openWebhookStore(store)
      expect(await webhooks.webhooks()).toEqual([d.webhook])
      expect(await webhooks.pending()).toEqual([d.deliveries[0]])
      expect(await webhooks.pushTargets()).toEqual([d.pushTarget])
      expect(await webhooks.deliveries({}, '', 10)).toEqual([d.deliveries[1], d.deliveries[0]])

      expect(await createDemandStore(store).list()).toEqual([
        { capability: 'translate', count: 1, lastAskedAtMs: d.NOW },
      ])
      expect(await heldNames(store).get('alice')).toEqual(d.heldName)
      const { name: _, ...pin } = d.pinnedName
      expect(await pins(store).get('bob')).toEqual(pin)
      expect(await card(store).get(null)).toEqual(d.cardState)
    } finally {
      await store.close()
    }
  })

  it('writes the same keys and bytes as the code before typed repositories', async () => {
    const realNow = Date.now
    Date.now = () => d.NOW
    const dir = mkdtempSync(join(tmpdir(), 'mm-fixture-'))
    try {
      const store = await openStore(dir)
      await writeDataset(store)
      await store.close()
    } finally {
      Date.now = realNow
    }
    expect(await rawDump(dir)).toEqual(mainDump)
  })
})
