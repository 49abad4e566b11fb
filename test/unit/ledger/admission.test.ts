// Ledger admission and settlement with a real LevelDB in a temporary dir and two identities: limits
// (own, network, default), atomic reservations under concurrency, single-use quotes, releases,
// receipts and settlements moving both books, and verify() agreeing with the entries.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterEach, describe, expect, it } from 'vitest'
import { createEventBus } from '../../../daemon/events/event-bus.ts'
import { createIdentity, type Identity } from '../../../daemon/identity/identity.ts'
import { createLedger, type Ledger } from '../../../daemon/ledger/ledger.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { openStore, type Store } from '../../../daemon/store/store.ts'

const stores: Store[] = []
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close()
})

interface Book {
  identity: Identity
  ledger: Ledger
  store: Store
  /** Network ids this agent shares with a peer (what the networks subsystem answers). */
  shared: Map<string, string[]>
}

async function book(defaultCreditLimit = '0', dir?: string, identity?: Identity): Promise<Book> {
  const store = await openStore(dir ?? (await mkdtemp(join(tmpdir(), 'ledger-unit-'))))
  stores.push(store)
  const id = identity ?? createIdentity(await generateKeyPair('Ed25519'))
  const shared = new Map<string, string[]>()
  const ledger = await createLedger(
    {
      identity: id,
      store,
      events: createEventBus(),
      logger: silentLogger(),
      sharedNetworks: (did) => shared.get(did) ?? [],
    },
    { defaultCreditLimit, quoteTtlMs: 60_000 },
  )
  return { identity: id, ledger, store, shared }
}

const credits = (n: number) => BigInt(n) * 1_000_000n

describe('ledger admission', () => {
  it('admits within the limit and refuses beyond it with a signed quote', async () => {
    const provider = await book('10')
    const requester = 'did:key:requester'
    const first = await provider.ledger.admit(requester, credits(6), 'task_1')
    expect('ops' in first).toBe(true)
    if ('ops' in first) await provider.ledger.commit(first.ops)
    const second = await provider.ledger.admit(requester, credits(6), 'task_2')
    expect('refusal' in second && second.refusal).toMatchObject({
      reason: 'CREDIT_LIMIT_EXCEEDED',
      quote: { price: '6', providerDid: provider.identity.did },
    })
    expect(provider.ledger.balance(requester)).toMatchObject({
      reserved: '6',
      creditLimit: '10',
      balance: '0',
    })
  })

  it('never overshoots the limit with concurrent offers', async () => {
    const provider = await book('10')
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => provider.ledger.admit('did:key:r', credits(3), `task_${i}`)),
    )
    expect(results.filter((r) => 'ops' in r)).toHaveLength(3)
    expect(provider.ledger.balance('did:key:r').reserved).toBe('9')
  })

  it('takes the peer own limit first, then the best shared network default, then the global default', async () => {
    const provider = await book('1')
    const peer = 'did:key:member'
    expect(provider.ledger.balance(peer).creditLimit).toBe('1')
    await provider.ledger.setNetworkLimit('net_a', '5')
    await provider.ledger.setNetworkLimit('net_b', '8')
    provider.shared.set(peer, ['net_a', 'net_b'])
    expect(provider.ledger.balance(peer).creditLimit).toBe('8')
    await provider.ledger.setLimit(peer, '2')
    expect(provider.ledger.balance(peer).creditLimit).toBe('2')
    await provider.ledger.setNetworkLimit('net_b', null)
    expect(provider.ledger.networkLimits()).toEqual([{ network: 'net_a', amount: '5' }])
    expect(await provider.ledger.setLimit(undefined, 'nope').catch((e) => e.reason)).toBe('INVALID_AMOUNT')
  })

  it('accepts a quote signed by the requester once, and refuses a forged or replayed one', async () => {
    const provider = await book('0')
    const requester = await book('0')
    const refused = await provider.ledger.admit(requester.identity.did, credits(4), 'task_1')
    if (!('refusal' in refused) || refused.refusal.quote == null) throw new Error('expected a quote')
    const auth = await requester.ledger.authorize(refused.refusal.quote)

    const stranger = await book('0')
    const forged = { ...auth, requesterDid: stranger.identity.did }
    const bad = await provider.ledger.admit(stranger.identity.did, credits(4), 'task_2', forged)
    expect('refusal' in bad && bad.refusal.reason).toBe('PAYMENT_INVALID')
    const cheaper = await provider.ledger.admit(requester.identity.did, credits(5), 'task_3', auth)
    expect('refusal' in cheaper && cheaper.refusal.message).toContain('does not cover')

    const [ok, replay] = await Promise.all([
      provider.ledger.admit(requester.identity.did, credits(4), 'task_4', auth),
      provider.ledger.admit(requester.identity.did, credits(4), 'task_5', auth),
    ])
    expect('ops' in ok).toBe(true)
    expect('refusal' in replay && replay.refusal.reason).toBe('NONCE_REPLAYED')
    if ('ops' in ok) await provider.ledger.commit(ok.ops)
    const later = await provider.ledger.admit(requester.identity.did, credits(4), 'task_6', auth)
    expect('refusal' in later && later.refusal.reason).toBe('NONCE_REPLAYED')
  })

  it('releases a reservation once, counting a failure', async () => {
    const provider = await book('10')
    const admitted = await provider.ledger.admit('did:key:r', credits(3), 'task_1')
    if (!('ops' in admitted)) throw new Error('expected admission')
    await provider.ledger.commit(admitted.ops)
    expect(provider.ledger.hasReservation('task_1')).toBe(true)
    await provider.ledger.commit(provider.ledger.release('task_1', true))
    expect(provider.ledger.release('task_1', true)).toEqual([])
    expect(provider.ledger.balance('did:key:r')).toMatchObject({ reserved: '0', tasksFailed: 1 })
    expect(await provider.ledger.verify()).toMatchObject({ ok: true, peersChecked: 1, entriesChecked: 2 })
  })

  it('reloads balances and reservations from the store after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ledger-unit-'))
    const first = await book('10', dir)
    const admitted = await first.ledger.admit('did:key:r', credits(7), 'task_1')
    if (!('ops' in admitted)) throw new Error('expected admission')
    await first.ledger.commit(admitted.ops)
    await first.store.close()
    stores.splice(stores.indexOf(first.store), 1)
    const again = await book('10', dir, first.identity)
    expect(again.ledger.balance('did:key:r').reserved).toBe('7')
    expect(again.ledger.hasReservation('task_1')).toBe(true)
    const over = await again.ledger.admit('did:key:r', credits(4), 'task_2')
    expect('refusal' in over).toBe(true)
  })
})

describe('receipts and settlements', () => {
  it('moves both books only with both signatures', async () => {
    const provider = await book('100')
    const requester = await book('100')
    const p = provider.identity.did
    const r = requester.identity.did
    const admitted = await provider.ledger.admit(r, credits(5), 'task_1')
    if (!('ops' in admitted)) throw new Error('expected admission')
    await provider.ledger.commit(admitted.ops)
    const task = { id: 'task_1', requester: r, assignee: p, skill: 'echo', output: ['b3V0'], maxPrice: '5' }
    const issued = await provider.ledger.issueReceipt(task, credits(5))
    await provider.ledger.commit(issued.ops)

    // A receipt for a different output is disputed, and moves nothing.
    const disputed = await requester.ledger.countersign(task, issued.receipt, ['b3RoZXI='])
    expect(disputed.receipt.status).toBe('disputed')
    expect(requester.ledger.balance(p).balance).toBe('0')

    const signed = await requester.ledger.countersign(task, issued.receipt, task.output)
    expect(signed.receipt.status).toBe('settled')
    await requester.ledger.commit(signed.ops)
    expect(await provider.ledger.receiptAnswer(r, { ...signed.receipt, requesterSignature: 'AAAA' })).toEqual(
      {
        reason: 'SIGNATURE_INVALID',
      },
    )
    const answer = await provider.ledger.receiptAnswer(r, signed.receipt)
    if (!Array.isArray(answer)) throw new Error(answer.reason)
    await provider.ledger.commit(answer)
    expect(provider.ledger.balance(r)).toMatchObject({ balance: '5', reserved: '0', tasksCompleted: 1 })
    expect(requester.ledger.balance(p)).toMatchObject({ balance: '-5', tasksCompleted: 1 })
    // The answer again changes nothing.
    expect(await provider.ledger.receiptAnswer(r, signed.receipt)).toEqual([])

    // The requester pays 5 back: a settlement proposed, countersigned, applied on both sides.
    const proposal = await requester.ledger.propose(p, '5', 'invoice 1')
    await requester.ledger.commit(proposal.ops)
    const received = await provider.ledger.settlementFrame(r, proposal.settlement)
    if (!Array.isArray(received)) throw new Error(received.reason)
    await provider.ledger.commit(received)
    const accepted = await provider.ledger.respond(proposal.settlement.id, true)
    await provider.ledger.commit(accepted.ops)
    const back = await requester.ledger.settlementFrame(p, accepted.settlement)
    if (!Array.isArray(back)) throw new Error(back.reason)
    await requester.ledger.commit(back)
    expect(provider.ledger.balance(r).balance).toBe('0')
    expect(requester.ledger.balance(p).balance).toBe('0')
    expect(await provider.ledger.respond(proposal.settlement.id, true).catch((e) => e.reason)).toBe(
      'SETTLEMENT_CLOSED',
    )
    expect((await provider.ledger.verify()).ok).toBe(true)
    expect((await requester.ledger.verify()).ok).toBe(true)
  })

  it('refuses settlements that are not ours or not signed', async () => {
    const a = await book()
    const b = await book()
    expect(await a.ledger.propose(a.identity.did, '1', '').catch((e) => e.reason)).toBe('SELF_TARGET')
    expect(await a.ledger.propose(b.identity.did, '-1', '').catch((e) => e.reason)).toBe('INVALID_AMOUNT')
    const { settlement } = await a.ledger.propose(b.identity.did, '2', '')
    expect(await b.ledger.settlementFrame(a.identity.did, { ...settlement, amount: '3' })).toEqual({
      reason: 'SIGNATURE_INVALID',
    })
    expect(await b.ledger.settlementFrame(b.identity.did, { ...settlement, status: 'accepted' })).toEqual({
      reason: 'SETTLEMENT_NOT_FOUND',
    })
    expect(await b.ledger.respond('stl_missing', true).catch((e) => e.reason)).toBe('SETTLEMENT_NOT_FOUND')
  })
})
