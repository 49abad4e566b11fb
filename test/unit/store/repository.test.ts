import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { json, pair, seq, single, text, unit } from '../../../daemon/store/codecs.ts'
import { num, object, str } from '../../../daemon/store/shape.ts'
import { openStore, type Store } from '../../../daemon/store/store.ts'

describe('key and value codecs', () => {
  it('encodes sequence numbers so that key order is numeric order, and decodes them back', () => {
    const keys = [0, 1, 9, 10, 99, 100, 12345, 2 ** 40].map(seq.encode)
    expect([...keys].sort()).toEqual(keys)
    expect(seq.encode(42)).toBe('0000000000000042')
    expect(seq.decode('0000000000000042')).toBe(42)
    expect(() => seq.decode('4x')).toThrow(/sequence key/)
  })

  it('joins pairs with "!", splits at the first one, and groups by the first part', () => {
    const key = pair(text, seq)
    expect(key.encode(['did:key:z6Mk', 7])).toBe('did:key:z6Mk!0000000000000007')
    expect(key.decode('did:key:z6Mk!0000000000000007')).toEqual(['did:key:z6Mk', 7])
    expect(key.group?.('did:key:z6Mk')).toBe('did:key:z6Mk!')
    // The second part may itself contain "!" (a broadcast id chosen by a peer).
    expect(pair(text, text).decode('net_a!id!x')).toEqual(['net_a', 'id!x'])
    expect(() => key.decode('no-separator')).toThrow(/no "!"/)
    expect(unit.encode(null)).toBe('')
    expect(() => unit.decode('x')).toThrow()
  })

  it('stores JSON text and refuses a stored value of the wrong shape with STORE_RECORD_MALFORMED', () => {
    const codec = json(object<{ a: number }>({ a: num }))
    expect(codec.encode({ a: 1 })).toBe('{"a":1}')
    expect(codec.decode('{"a":1}')).toEqual({ a: 1 })
    expect(() => codec.decode('{"a":"1"}')).toThrow(
      expect.objectContaining({ reason: 'STORE_RECORD_MALFORMED' }),
    )
    expect(() => codec.decode('{a')).toThrow(/not JSON/)
    expect(json(str).encode('')).toBe('""')
  })
})

describe('repositories', () => {
  let store: Store
  beforeEach(async () => {
    store = await openStore(mkdtempSync(join(tmpdir(), 'mm-repo-')))
  })
  afterEach(() => store.close())

  const collect = async <T>(items: AsyncIterable<T>) => {
    const out: T[] = []
    for await (const x of items) out.push(x)
    return out
  }

  it('scans a bucket, a group, and bounded ranges forward and backward', async () => {
    // Two buckets of one sublevel ("ledger"): entries <did>!<seq> and the history <seq>.
    const entries = store.repository('ledger.entries', pair(text, seq), json(num))
    const history = store.repository('ledger.history', single(seq), json(str))
    await store.commit([
      ...[1, 2, 3, 10].map((n) => entries.putOp(['did:a', n], n)),
      ...[4, 5].map((n) => entries.putOp(['did:b', n], n)),
      // "did:a2" sorts right after "did:a!…" keys only if the group range were sloppy.
      entries.putOp(['did:a2', 6], 6),
      ...[1, 2, 3].map((n) => history.putOp(n, `did:a!${n}`)),
    ])
    expect(await collect(entries.values({ group: 'did:a' }))).toEqual([1, 2, 3, 10])
    expect(await collect(entries.values({ group: 'did:a', gt: ['did:a', 2] }))).toEqual([3, 10])
    expect(
      await collect(entries.values({ group: 'did:a', lt: ['did:a', 10], reverse: true, limit: 2 })),
    ).toEqual([3, 2])
    expect(await collect(entries.keys())).toHaveLength(7)
    expect(await collect(history.entries({ gte: 2 }))).toEqual([
      [2, 'did:a!2'],
      [3, 'did:a!3'],
    ])
    expect(await collect(history.keys({ reverse: true, limit: 1 }))).toEqual([3])
    expect(
      await entries.getMany([
        ['did:b', 5],
        ['did:b', 6],
      ]),
    ).toEqual([5, undefined])
    expect(await entries.has(['did:a', 10])).toBe(true)
  })

  it('commits ops of several repositories atomically and applies deletes', async () => {
    const hooks = store.repository('webhooks.pending', single(text), json(str))
    const counter = store.repository('inbox.last-seq', unit, json(num))
    await store.commit([hooks.putOp('d1', ''), hooks.putOp('d2', ''), counter.putOp(null, 2)])
    await store.commit([hooks.delOp('d1'), counter.putOp(null, 3)])
    expect(await collect(hooks.keys())).toEqual(['d2'])
    expect(await counter.get(null)).toBe(3)
    await hooks.del('d2')
    expect(await hooks.get('d2')).toBeUndefined()
  })

  it('fails a read of a value that does not match the shape instead of returning it', async () => {
    await store.db.sublevel('webhooks').put('p!bad', '{"not":"a string"}')
    const pending = store.repository('webhooks.pending', single(text), json(str))
    await expect(pending.get('bad')).rejects.toMatchObject({
      reason: 'STORE_RECORD_MALFORMED',
      message:
        'stored record is malformed: bucket webhooks.pending, key "p!bad": value expected a string, got object',
    })
    await expect(collect(pending.values())).rejects.toMatchObject({ reason: 'STORE_RECORD_MALFORMED' })
  })
})
