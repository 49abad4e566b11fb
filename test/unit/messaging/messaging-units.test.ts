import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { createIdentity } from '../../../daemon/identity/identity.ts'
import { backoffDelay } from '../../../daemon/messaging/delivery.ts'
import { openInboxStore } from '../../../daemon/messaging/inbox-store.ts'
import { openOutboxStore } from '../../../daemon/messaging/outbox-store.ts'
import { createRateLimiter } from '../../../daemon/messaging/rate-limiter.ts'
import type { OutboxRecord } from '../../../daemon/messaging/records.ts'
import { openThreadIndex } from '../../../daemon/messaging/thread-index.ts'
import { validateParts } from '../../../daemon/messaging/validate-parts.ts'
import { openStore } from '../../../daemon/store/store.ts'
import { encodeBody, type Part, signEnvelope, verifyEnvelope } from '../../../daemon/wire/messaging-codec.ts'

const P = (p: Partial<Part>): Part => ({ mediaType: '', metadata: {}, ...p })

describe('envelope signatures', () => {
  it('verify for the signer and fail for any change', async () => {
    const id = createIdentity(await generateKeyPair('Ed25519'))
    const other = createIdentity(await generateKeyPair('Ed25519'))
    const body = Buffer.from(
      encodeBody({ parts: [P({ text: 'hi' })], contextId: '', threadId: '', replyTo: '' }),
    )
    const e = await signEnvelope(id, { id: 'msg_1', to: other.did, createdAtMs: 1, expiresAtMs: 2, body })
    expect(e.from).toBe(id.did)
    expect(await verifyEnvelope(e)).toBe(true)
    expect(await verifyEnvelope({ ...e, to: id.did })).toBe(false)
    expect(await verifyEnvelope({ ...e, expiresAtMs: 3 })).toBe(false)
    expect(await verifyEnvelope({ ...e, body: Buffer.from('x') })).toBe(false)
    expect(await verifyEnvelope({ ...e, from: other.did })).toBe(false)
    expect(await verifyEnvelope({ ...e, from: 'did:key:zBAD' })).toBe(false)
  })
})

describe('rate limiter', () => {
  it('allows the burst, then refuses with a retry time, then blocks a peer that ignores it', () => {
    let t = 0
    const limiter = createRateLimiter({
      ratePerSecond: 10,
      burst: 3,
      blockAfterRefusals: 2,
      blockMs: 1000,
      now: () => t,
    })
    expect([1, 2, 3].map(() => limiter.take('p').allowed)).toEqual([true, true, true])
    const refused = limiter.take('p')
    expect(refused).toMatchObject({ allowed: false, blocked: false })
    expect(refused.retryAfterMs).toBeGreaterThan(0)
    expect(limiter.take('p').blocked).toBe(false)
    expect(limiter.take('p').blocked).toBe(true)
    expect(limiter.isBlocked('p')).toBe(true)
    expect(limiter.take('other').allowed).toBe(true)
    t += 1001
    expect(limiter.isBlocked('p')).toBe(false)
    expect(limiter.take('p').allowed).toBe(true)
  })

  it('forgets idle peers under identity churn, but not blocked ones', () => {
    let t = 0
    const limiter = createRateLimiter({
      ratePerSecond: 10,
      burst: 3,
      blockAfterRefusals: 0,
      blockMs: 60_000,
      now: () => t,
    })
    for (let i = 0; i < 4; i++) limiter.take('flooder')
    expect(limiter.isBlocked('flooder')).toBe(true)
    for (let i = 0; i < 5000; i++) {
      t += 1
      limiter.take(`churn-${i}`)
    }
    expect(limiter.size).toBeLessThan(2100)
    expect(limiter.isBlocked('flooder')).toBe(true)
  })
})

describe('backoff', () => {
  it('grows exponentially with jitter and is capped', () => {
    expect(backoffDelay(1, 60_000, () => 0)).toBe(250)
    expect(backoffDelay(1, 60_000, () => 1)).toBe(500)
    expect(backoffDelay(4, 60_000, () => 1)).toBe(4000)
    expect(backoffDelay(30, 60_000, () => 1)).toBe(60_000)
    expect(backoffDelay(30, 60_000, () => 0)).toBe(30_000)
  })
})

describe('part validation', () => {
  it('accepts well-formed parts and names the problem otherwise', () => {
    expect(() =>
      validateParts([P({ text: 'a' }), P({ dataJson: '{"a":1}' }), P({ raw: Buffer.from('x') })]),
    ).not.toThrow()
    const reason = (fn: () => void) => {
      try {
        fn()
      } catch (e) {
        return (e as { reason: string }).reason
      }
    }
    expect(reason(() => validateParts([]))).toBe('EMPTY_MESSAGE')
    expect(reason(() => validateParts([P({})]))).toBe('INVALID_PART')
    expect(reason(() => validateParts([P({ text: 'a', dataJson: '1' })]))).toBe('INVALID_PART')
    expect(reason(() => validateParts([P({ dataJson: '{' })]))).toBe('INVALID_JSON')
    expect(reason(() => validateParts(Array.from({ length: 300 }, () => P({ text: 'a' }))))).toBe(
      'TOO_MANY_PARTS',
    )
  })
})

describe('inbox and outbox stores', () => {
  it('keep order, dedupe, and survive reopening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-msg-'))
    let store = await openStore(dir)
    let threads = await openThreadIndex(store)
    let inbox = await openInboxStore(store, threads)
    const base = {
      to: 'did:me',
      createdAtMs: 1,
      expiresAtMs: 2,
      contextId: 'c',
      threadId: '',
      replyTo: '',
      body: '',
      receivedAtMs: 5,
      read: false,
      acked: false,
    }
    await inbox.add({ ...base, id: 'm1', from: 'did:a' })
    await inbox.add({ ...base, id: 'm2', from: 'did:b' })
    expect(await inbox.isDuplicate('did:a', 'm1')).toBe(true)
    expect(await inbox.isDuplicate('did:b', 'm1')).toBe(false)
    expect(await inbox.update(['m1', 'm1', 'nope'], { read: true })).toBe(1)

    const outbox = await openOutboxStore(store, threads)
    const rec = (id: string, to: string): Omit<OutboxRecord, 'seq'> => ({
      id,
      from: 'did:me',
      to,
      createdAtMs: 1,
      expiresAtMs: 2,
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
      idempotencyKey: id === 'o1' ? 'key' : '',
    })
    const o1 = await outbox.add(rec('o1', 'did:x'))
    await outbox.add(rec('o2', 'did:x'))
    await outbox.add(rec('o3', 'did:y'))
    expect((await outbox.nextQueued('did:x'))?.id).toBe('o1')
    await outbox.finish(o1, 'delivered', { deliveredAtMs: 9 })
    expect((await outbox.nextQueued('did:x'))?.id).toBe('o2')
    expect((await outbox.queuedRecipients()).sort()).toEqual(['did:x', 'did:y'])
    expect((await outbox.byIdempotencyKey('key'))?.status).toBe('delivered')
    await store.close()

    store = await openStore(dir)
    threads = await openThreadIndex(store)
    inbox = await openInboxStore(store, threads)
    expect(inbox.size).toBe(2)
    expect(inbox.unreadCount).toBe(1)
    expect((await inbox.list({}, 0, 10)).map((r) => r.id)).toEqual(['m1', 'm2'])
    expect((await inbox.list({ from: 'did:b' }, 0, 10)).map((r) => r.id)).toEqual(['m2'])
    expect((await inbox.list({ unreadOnly: true }, 0, 10)).map((r) => r.id)).toEqual(['m2'])
    const reopened = await openOutboxStore(store, threads)
    expect((await reopened.list({ status: 'queued' }, 0, 10)).map((r) => r.id)).toEqual(['o2', 'o3'])
    await store.close()
  })
})
