// A queued message changes state from two places: its delivery worker (a retry, delivered, refused)
// and the API (CancelMessage). Neither may undo the other: a retry recorded after a cancel must not
// put the message back in the queue (it would be sent after the user was told it was canceled, and a
// second cancel would succeed), and a cancel must not turn a delivered message into a failed one.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openOutboxStore } from '../../../daemon/messaging/outbox-store.ts'
import type { OutboxRecord } from '../../../daemon/messaging/records.ts'
import { openThreadIndex } from '../../../daemon/messaging/thread-index.ts'
import { openStore, type Store } from '../../../daemon/store/store.ts'

const stores: Store[] = []
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close()
})

async function queuedMessage() {
  const store = await openStore(await mkdtemp(join(tmpdir(), 'outbox-races-')))
  stores.push(store)
  const outbox = await openOutboxStore(store, await openThreadIndex(store))
  const record = await outbox.add({
    id: 'msg_1',
    from: 'did:me',
    to: 'did:them',
    createdAtMs: 1,
    expiresAtMs: Date.now() + 60_000,
    contextId: '',
    threadId: '',
    replyTo: '',
    body: '',
    signature: '',
    status: 'queued',
    attempts: 0,
    deliveredAtMs: 0,
    nextAttemptAtMs: 0,
    lastError: '',
    idempotencyKey: '',
  })
  return { outbox, record }
}

const cancel = (r: OutboxRecord) => ({
  record: r,
  status: 'failed' as const,
  patch: { lastError: 'CANCELED' },
})

describe('outbox: delivery worker and cancel', () => {
  it('a retry recorded while a cancel is written leaves the message canceled and off the queue', async () => {
    const { outbox, record } = await queuedMessage()
    // Both start from the same read of the record, as the worker and CancelMessage do.
    const [retried, canceled] = await Promise.all([
      outbox.update(record, { attempts: 1, lastError: 'NO_ROUTE' }),
      outbox.finish(record, 'failed', { lastError: 'CANCELED' }),
    ])
    expect(retried.status).toBe('queued') // the retry ran first, then the cancel
    expect(canceled?.status).toBe('failed')
    expect(await outbox.get(record.id)).toMatchObject({ status: 'failed', lastError: 'CANCELED' })
    expect(await outbox.queued(record.to, 10)).toEqual([])
  })

  it('a retry recorded after the cancel does not bring the message back', async () => {
    const { outbox, record } = await queuedMessage()
    const [canceled, retried] = await Promise.all([
      outbox.finish(record, 'failed', { lastError: 'CANCELED' }),
      outbox.update(record, { attempts: 1, lastError: 'NO_ROUTE' }),
    ])
    expect(canceled?.status).toBe('failed')
    expect(retried).toMatchObject({ status: 'failed', lastError: 'CANCELED' })
    expect(await outbox.get(record.id)).toMatchObject({ status: 'failed', lastError: 'CANCELED' })
  })

  it('a cancel after the delivery was recorded changes nothing and says so', async () => {
    const { outbox, record } = await queuedMessage()
    const [delivered, canceled] = await Promise.all([
      outbox.finishMany([{ record, status: 'delivered', patch: { deliveredAtMs: 5 } }]),
      outbox.finishMany([cancel(record)]),
    ])
    expect(delivered.map((r) => r.status)).toEqual(['delivered'])
    expect(canceled).toEqual([])
    expect(await outbox.get(record.id)).toMatchObject({ status: 'delivered', deliveredAtMs: 5 })
  })
})
