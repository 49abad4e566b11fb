// A receiver (daemon/messaging/receiver.ts) over stub stores for unit tests: the inbox only records the
// ids it would store, quotas and own ids never refuse, and the rate limit is out of the way.
import { createEventBus } from '../../../daemon/events/event-bus.ts'
import type { Identity } from '../../../daemon/identity/identity.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { createChannelRegistry } from '../../../daemon/messaging/channels.ts'
import type { InboxStore } from '../../../daemon/messaging/inbox-store.ts'
import { createRateLimiter } from '../../../daemon/messaging/rate-limiter.ts'
import { createReceiver, type ReceiverComponents } from '../../../daemon/messaging/receiver.ts'
import type { InboxRecord } from '../../../daemon/messaging/records.ts'
import { createMetrics } from '../../../daemon/metrics/metrics.ts'
import { signEnvelope } from '../../../daemon/wire/messaging-codec.ts'

export function stubReceiver(c: { did: string } & Partial<Pick<ReceiverComponents, 'metrics' | 'channels'>>) {
  const stored: string[] = []
  const inbox = {
    size: 0,
    isDuplicate: async () => false,
    idTaken: async () => false,
    add: async (r: Omit<InboxRecord, 'seq'>) => {
      stored.push(r.id)
      return { ...r, seq: stored.length }
    },
  } as unknown as InboxStore
  const receiver = createReceiver({
    did: c.did,
    inbox,
    ownIdTaken: async () => false,
    quota: { check: () => undefined, stored: () => undefined },
    events: createEventBus(),
    logger: silentLogger(),
    metrics: c.metrics ?? createMetrics(),
    limiter: createRateLimiter({ ratePerSecond: 1000, burst: 1000, blockAfterRefusals: 1000, blockMs: 1000 }),
    maxPayloadBytes: 1 << 20,
    inboxMaxMessages: 10,
    channels: c.channels ?? createChannelRegistry({ logger: silentLogger() }),
  })
  return { receiver, stored }
}

/** An envelope from `from` to `to` with this body, signed, valid for a minute. */
export const signedEnvelope = (from: Identity, to: string, id: string, body: Uint8Array) =>
  signEnvelope(from, {
    id,
    to,
    createdAtMs: Date.now(),
    expiresAtMs: Date.now() + 60_000,
    body: Buffer.from(body),
  })
