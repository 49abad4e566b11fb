// Pruning of finished webhook deliveries on a real LevelDB: old succeeded and dead-lettered ones go,
// pending ones and recent ones stay, and the pending index is untouched.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { newId } from '../../../daemon/common/ids.ts'
import { openStore } from '../../../daemon/store/store.ts'
import type { DeliveryRecord, DeliveryStatus } from '../../../daemon/webhooks/records.ts'
import { openWebhookStore } from '../../../daemon/webhooks/webhook-store.ts'

const delivery = (createdAtMs: number, status: DeliveryStatus): DeliveryRecord => ({
  id: newId('whd', createdAtMs),
  webhookId: 'wh_1',
  eventType: 'message.received',
  body: '{}',
  status,
  attempts: 1,
  lastStatusCode: status === 'succeeded' ? 200 : 500,
  lastError: '',
  nextAttemptAtMs: 0,
  createdAtMs,
})

describe('webhook delivery pruning', () => {
  it('removes finished deliveries older than the cutoff and keeps pending and recent ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-whs-'))
    const store = await openStore(dir)
    try {
      const webhooks = await openWebhookStore(store)
      const day = 86_400_000
      const now = Date.now()
      const old = Array.from({ length: 1200 }, (_, i) =>
        delivery(now - 10 * day + i, i % 2 === 0 ? 'succeeded' : 'failed'),
      )
      const oldPending = delivery(now - 9 * day, 'pending')
      const recent = [delivery(now - day, 'succeeded'), delivery(now - day + 1, 'failed')]
      await webhooks.saveDeliveries([...old, oldPending, ...recent])

      expect(await webhooks.prune(now - 7 * day)).toBe(old.length)
      const left = await webhooks.deliveries({}, '', 10_000)
      expect(left.map((d) => d.id).sort()).toEqual([oldPending, ...recent].map((d) => d.id).sort())
      expect((await webhooks.pending()).map((d) => d.id)).toEqual([oldPending.id])
      // Nothing more to do the second time.
      expect(await webhooks.prune(now - 7 * day)).toBe(0)
    } finally {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
