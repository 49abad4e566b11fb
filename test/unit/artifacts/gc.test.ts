// Garbage collection: uploads are pinned for the grace period, references keep blobs, a dry run
// changes nothing, stale partial downloads are cleared.
import { existsSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { waitFor } from '../../harness/wait-for.ts'
import { asAsync, cidOf, createNode, metricValue, type Node, removeDataDirs } from './fixtures.ts'

const nodes: Node[] = []
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop().catch(() => undefined)))
  removeDataDirs()
})
const meta = { name: '', mediaType: '', size: 0 }

describe('blob garbage collection', () => {
  it('removes only unreferenced blobs whose pin has run out; dry runs remove nothing', async () => {
    const n = await createNode({ gcGraceMs: 300 })
    nodes.push(n)
    const svc = n.artifacts.service
    const a = await svc.put(meta, asAsync([Buffer.from('blob a')]))
    const b = await svc.put(meta, asAsync([Buffer.from('blob bb')]))
    // Pinned: a collection right after the upload keeps everything.
    expect(await svc.collect({ dryRun: false })).toMatchObject({ removed: 0, bytesFreed: 0 })

    await svc.addReference(a.cid, 'task:t1')
    await svc.addReference(a.cid, 'message:m1')
    expect((await svc.stat(a.cid)).references.sort()).toEqual(['message:m1', 'task:t1'])
    // Once the 300 ms pin has run out, the unreferenced blob is collectable.
    await waitFor(
      async () => (await svc.collect({ dryRun: true })).removed === 1,
      10_000,
      'the pin to run out',
      20,
    )

    const dry = await svc.collect({ dryRun: true })
    expect(dry).toMatchObject({ removed: 1, bytesFreed: b.size, cids: [b.cid] })
    expect((await svc.stat(b.cid)).record.cid).toBe(b.cid)

    const real = await svc.collect({ dryRun: false })
    expect(real).toMatchObject({ removed: 1, bytesFreed: b.size, cids: [b.cid] })
    await expect(svc.stat(b.cid)).rejects.toMatchObject({ reason: 'BLOB_NOT_FOUND' })
    expect(existsSync(join(n.dataDir, 'blobs', 'data', b.cid.slice(-3, -1), b.cid))).toBe(false)
    expect(metricValue(n.metrics, 'moltmesh_blobs')).toBe(1)

    // One reference left still keeps it; the last one gone, it is collected.
    expect(await svc.removeReference(a.cid, 'task:t1')).toBe(true)
    expect(await svc.removeReference(a.cid, 'task:t1')).toBe(false)
    expect((await svc.collect({ dryRun: false })).removed).toBe(0)
    await svc.removeReference(a.cid, 'message:m1')
    expect(await svc.collect({ dryRun: false })).toMatchObject({ removed: 1, bytesFreed: a.size })
    expect(metricValue(n.metrics, 'moltmesh_blob_store_bytes')).toBe(0)
  })

  it('re-uploading extends the pin; references may name blobs not held yet', async () => {
    const n = await createNode({ gcGraceMs: 1000 })
    nodes.push(n)
    const svc = n.artifacts.service
    const r = await svc.put(meta, asAsync([Buffer.from('again')]))
    await waitFor(() => Date.now() >= r.pinnedUntilMs - 300, 10_000, 'late in the first pin', 10)
    const again = await svc.put(meta, asAsync([Buffer.from('again')]))
    expect(again.pinnedUntilMs).toBeGreaterThan(r.pinnedUntilMs)
    // Past the first upload's pin, within the second's.
    await waitFor(() => Date.now() > r.pinnedUntilMs, 10_000, 'the first pin to run out', 10)
    expect((await svc.collect({ dryRun: false })).removed).toBe(0)
    expect((await svc.stat(r.cid)).record.cid).toBe(r.cid)

    const future = cidOf(Buffer.from('fetched later'))
    await svc.addReference(future, 'task:t9')
    await expect(svc.addReference('not-a-cid', 'x')).rejects.toMatchObject({ reason: 'INVALID_CID' })
    await expect(svc.addReference(future, '')).rejects.toMatchObject({ reason: 'INVALID_ARGUMENT' })
  })

  it('clears partial downloads untouched for the grace period', async () => {
    const n = await createNode({ gcGraceMs: 60_000 })
    nodes.push(n)
    const stale = join(n.dataDir, 'blobs', 'partial', cidOf(Buffer.from('stale')))
    const fresh = join(n.dataDir, 'blobs', 'partial', cidOf(Buffer.from('fresh')))
    writeFileSync(stale, Buffer.alloc(100))
    writeFileSync(fresh, Buffer.alloc(10))
    const old = (Date.now() - 120_000) / 1000
    utimesSync(stale, old, old)
    expect(await n.artifacts.service.collect({ dryRun: true })).toMatchObject({ removed: 0, bytesFreed: 100 })
    expect(existsSync(stale)).toBe(true)
    expect(await n.artifacts.service.collect({ dryRun: false })).toMatchObject({
      removed: 0,
      bytesFreed: 100,
    })
    expect(existsSync(stale)).toBe(false)
    expect(existsSync(fresh)).toBe(true)
  })
})
