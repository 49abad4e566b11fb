import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { json, single, text } from '../../../daemon/store/codecs.ts'
import { type BatchWriter, createGroupCommit } from '../../../daemon/store/group-commit.ts'
import type { StoreOp, WriteOptions } from '../../../daemon/store/repository.ts'
import { str } from '../../../daemon/store/shape.ts'
import { openStore, type Store } from '../../../daemon/store/store.ts'

/** A put op for the fake writer (it never looks at the sublevel). */
const put = (key: string, value = key): StoreOp =>
  ({ type: 'put', key, value, sublevel: undefined }) as unknown as StoreOp

/** A writer that records each batch and fails any batch holding a key in `poison`. */
function fakeWriter(poison = new Set<string>()) {
  const batches: Array<{ keys: string[]; options: WriteOptions }> = []
  const write: BatchWriter = async (ops, options) => {
    await new Promise((r) => setTimeout(r, 1))
    if (ops.some((op) => poison.has(op.key))) throw new Error('bad op')
    batches.push({ keys: ops.map((op) => op.key), options })
  }
  return { batches, write }
}

describe('group commit (fake writer)', () => {
  it('writes the commits of one turn as one batch, in call order', async () => {
    const w = fakeWriter()
    const g = createGroupCommit(w.write)
    await Promise.all([g.commit([put('a'), put('b')]), g.commit([put('c')]), g.commit([put('d')])])
    expect(w.batches).toEqual([{ keys: ['a', 'b', 'c', 'd'], options: { sync: false } }])
  })

  it('groups commits made while a batch is being written into the next one', async () => {
    const w = fakeWriter()
    const g = createGroupCommit(w.write)
    const first = g.commit([put('a')])
    await new Promise((r) => setImmediate(r)) // the first batch is now being written
    const later = [g.commit([put('b')]), g.commit([put('c')])]
    await Promise.all([first, ...later])
    expect(w.batches.map((b) => b.keys)).toEqual([['a'], ['b', 'c']])
  })

  it('writes with sync when any caller of the batch asked for it, and only then', async () => {
    const w = fakeWriter()
    const g = createGroupCommit(w.write)
    await Promise.all([g.commit([put('a')]), g.commit([put('b')], { sync: true })])
    await g.commit([put('c')], { sync: false })
    expect(w.batches).toEqual([
      { keys: ['a', 'b'], options: { sync: true } },
      { keys: ['c'], options: { sync: false } },
    ])
  })

  it('fails only the caller whose ops cannot be written; the others are written alone, in order', async () => {
    const w = fakeWriter(new Set(['bad']))
    const g = createGroupCommit(w.write)
    const results = await Promise.allSettled([
      g.commit([put('a')]),
      g.commit([put('x'), put('bad')]),
      g.commit([put('c')], { sync: true }),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(w.batches).toEqual([
      { keys: ['a'], options: { sync: false } },
      { keys: ['c'], options: { sync: true } },
    ])
  })

  it('closes a batch at maxBatchOps and keeps each caller whole', async () => {
    const w = fakeWriter()
    const g = createGroupCommit(w.write, { maxBatchOps: 3 })
    await Promise.all([g.commit([put('a'), put('b')]), g.commit([put('c'), put('d')]), g.commit([put('e')])])
    expect(w.batches.map((b) => b.keys)).toEqual([['a', 'b', 'c', 'd'], ['e']])
  })

  it('drain waits for every commit made so far', async () => {
    const w = fakeWriter()
    const g = createGroupCommit(w.write)
    void g.commit([put('a')])
    await g.drain()
    expect(w.batches).toHaveLength(1)
    await g.drain() // nothing pending: resolves at once
  })
})

describe('group commit in the store (real LevelDB)', () => {
  let dir: string
  let store: Store
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mm-group-commit-'))
    store = await openStore(dir)
  })
  afterEach(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const repo = () => store.repository('outbox.idempotency', single(text), json(str))

  it('many concurrent callers make few batches, and every write is there', async () => {
    const r = repo()
    const batch = vi.spyOn(store.db, 'batch')
    const writes = Array.from({ length: 200 }, (_, i) => store.commit([r.putOp(`k${i}`, `v${i}`)]))
    await Promise.all(writes)
    expect(batch.mock.calls.length).toBeGreaterThanOrEqual(1)
    expect(batch.mock.calls.length).toBeLessThanOrEqual(2)
    expect(await r.getMany(['k0', 'k199'])).toEqual(['v0', 'v199'])
  })

  it('a later put of the same key wins, across callers of one batch', async () => {
    const r = repo()
    await Promise.all([r.put('k', 'first'), store.commit([r.putOp('k', 'second')]), r.put('k', 'third')])
    expect(await r.get('k')).toBe('third')
    await Promise.all([r.put('d', 'x'), r.del('d')])
    expect(await r.get('d')).toBeUndefined()
  })

  it("a caller's bad op fails its own commit only, and none of its ops are written", async () => {
    const r = repo()
    const good = r.putOp('ok', 'yes')
    const partner = r.putOp('partner', 'written?')
    const bad = { ...r.putOp('bad', 'x'), value: undefined } as unknown as StoreOp
    const batch = vi.spyOn(store.db, 'batch')
    const results = await Promise.allSettled([
      store.commit([good]),
      store.commit([partner, bad]),
      r.put('after', 'yes'),
    ])
    expect(results.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(await r.getMany(['ok', 'partner', 'after'])).toEqual(['yes', undefined, 'yes'])
    // One grouped attempt, then each caller alone.
    expect(batch.mock.calls.length).toBe(4)
  })

  it('passes sync to LevelDB for a batch holding a sync commit', async () => {
    const r = repo()
    const batch = vi.spyOn(store.db, 'batch')
    await Promise.all([r.put('a', '1'), store.commit([r.putOp('b', '2')], { sync: true })])
    await r.put('c', '3')
    expect(batch.mock.calls.map((call) => ((call as unknown[])[1] as WriteOptions).sync)).toEqual([
      true,
      false,
    ])
  })

  it('close writes the commits already made', async () => {
    const r = repo()
    const pending = r.put('late', 'kept')
    await store.close()
    await pending
    store = await openStore(dir)
    expect(await repo().get('late')).toBe('kept')
  })
})
