// The local blob store: streamed uploads verified by size, content addressing, durability layout,
// restart reconciliation, and the service's read and stat paths.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { INLINE_ARTIFACT_MAX_BYTES } from '../../../daemon/artifacts/artifact-part.ts'
import { waitFor } from '../../harness/wait-for.ts'
import {
  asAsync,
  cidOf,
  collect,
  createNode,
  metricValue,
  type Node,
  pseudoRandomChunks,
  removeDataDirs,
} from './fixtures.ts'

const nodes: Node[] = []
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop().catch(() => undefined)))
  removeDataDirs()
})
async function node(...args: Parameters<typeof createNode>): Promise<Node> {
  const n = await createNode(...args)
  nodes.push(n)
  return n
}
const meta = (over: Partial<{ name: string; mediaType: string; size: number }> = {}) => ({
  name: 'file.bin',
  mediaType: 'application/octet-stream',
  size: 0,
  ...over,
})
const tmpFiles = (n: Node) => readdirSync(join(n.dataDir, 'blobs', 'tmp'))

describe('blob store', () => {
  it('stores a streamed upload under its CID and reads it back from any offset', async () => {
    const n = await node()
    const content = Buffer.concat([...pseudoRandomChunks(3 * 1024 * 1024 + 17, 100_000)])
    const record = await n.artifacts.service.put(
      meta({ name: 'data.bin', size: content.length }),
      asAsync(pseudoRandomChunks(content.length, 100_000)),
    )
    expect(record).toMatchObject({
      cid: cidOf(content),
      size: content.length,
      name: 'data.bin',
      origin: 'upload',
    })
    const file = join(n.dataDir, 'blobs', 'data', record.cid.slice(-3, -1), record.cid)
    expect(readFileSync(file).equals(content)).toBe(true)
    expect(tmpFiles(n)).toEqual([])

    const whole = await n.artifacts.service.get(record.cid, { offset: 0, from: '' })
    expect((await collect(whole.chunks)).equals(content)).toBe(true)
    const tail = await n.artifacts.service.get(record.cid, { offset: 1_234_567, from: '' })
    expect((await collect(tail.chunks)).equals(content.subarray(1_234_567))).toBe(true)
    const end = await n.artifacts.service.get(record.cid, { offset: content.length, from: '' })
    expect((await collect(end.chunks)).length).toBe(0)

    const { record: stat, references } = await n.artifacts.service.stat(record.cid)
    expect(stat).toEqual(record)
    expect(references).toEqual([])
    expect(metricValue(n.metrics, 'moltmesh_blobs')).toBe(1)
    expect(metricValue(n.metrics, 'moltmesh_blob_store_bytes')).toBe(content.length)
    expect(metricValue(n.metrics, 'moltmesh_blob_bytes_total', { direction: 'uploaded' })).toBe(
      content.length,
    )
  })

  it('stores the same content once; a new upload renames it and extends its pin', async () => {
    const n = await node({ gcGraceMs: 60_000 })
    const a = await n.artifacts.service.put(
      meta({ name: 'a.txt', mediaType: 'text/plain' }),
      asAsync([Buffer.from('same')]),
    )
    // The clock moves past the first upload (pinned for the 60 s grace) so the second's pin ends later.
    const storedAt = a.pinnedUntilMs - 60_000
    await waitFor(() => Date.now() > storedAt, 1_000, 'the clock to tick', 1)
    const b = await n.artifacts.service.put(
      meta({ name: 'b.txt', mediaType: '' }),
      asAsync([Buffer.from('sa'), Buffer.from('me')]),
    )
    expect(b.cid).toBe(a.cid)
    expect(b).toMatchObject({ name: 'b.txt', mediaType: 'text/plain', createdAtMs: a.createdAtMs })
    expect(b.pinnedUntilMs).toBeGreaterThan(a.pinnedUntilMs)
    expect(metricValue(n.metrics, 'moltmesh_blobs')).toBe(1)
  })

  it('stores an empty blob', async () => {
    const n = await node()
    const r = await n.artifacts.service.put(meta(), asAsync([]))
    expect(r).toMatchObject({ cid: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku', size: 0 })
    expect(
      (await collect((await n.artifacts.service.get(r.cid, { offset: 0, from: '' })).chunks)).length,
    ).toBe(0)
  })

  it('refuses uploads over the size limit or off their declared size, and keeps nothing of them', async () => {
    const n = await node({ maxBlobBytes: 1000 })
    const put = (m: ReturnType<typeof meta>, sizes: number[]) =>
      n.artifacts.service.put(m, asAsync(sizes.map((s) => Buffer.alloc(s, 7))))
    await expect(put(meta({ size: 1001 }), [])).rejects.toMatchObject({
      reason: 'BLOB_TOO_LARGE',
      kind: 'resource_exhausted',
    })
    await expect(put(meta(), [600, 600])).rejects.toMatchObject({ reason: 'BLOB_TOO_LARGE' })
    await expect(put(meta({ size: 10 }), [6, 6])).rejects.toMatchObject({
      reason: 'BLOB_SIZE_MISMATCH',
      kind: 'invalid_argument',
    })
    await expect(put(meta({ size: 10 }), [6])).rejects.toMatchObject({ reason: 'BLOB_SIZE_MISMATCH' })
    await expect(put(meta({ name: 'x'.repeat(2000) }), [1])).rejects.toMatchObject({
      reason: 'INVALID_ARGUMENT',
    })
    expect(tmpFiles(n)).toEqual([])
    expect(metricValue(n.metrics, 'moltmesh_blobs')).toBe(0)
    expect(await put(meta({ size: 1000 }), [500, 500])).toMatchObject({ size: 1000 })
  })

  it('drops an upload whose source fails or is cancelled half-way', async () => {
    const n = await node()
    async function* failing() {
      yield Buffer.alloc(1000, 1)
      throw new Error('client went away')
    }
    await expect(n.artifacts.service.put(meta(), failing())).rejects.toThrow('client went away')
    const abort = new AbortController()
    async function* slow() {
      yield Buffer.alloc(1000, 2)
      abort.abort(new Error('cancelled'))
      yield Buffer.alloc(1000, 3)
    }
    await expect(n.artifacts.service.put(meta(), slow(), abort.signal)).rejects.toThrow('cancelled')
    expect(tmpFiles(n)).toEqual([])
    expect(metricValue(n.metrics, 'moltmesh_blobs')).toBe(0)
  })

  it('answers INVALID_CID, BLOB_NOT_FOUND and INVALID_ARGUMENT for bad reads', async () => {
    const n = await node()
    const r = await n.artifacts.service.put(meta(), asAsync([Buffer.from('abc')]))
    const unknown = cidOf(Buffer.from('never stored'))
    await expect(n.artifacts.service.get('nope', { offset: 0, from: '' })).rejects.toMatchObject({
      reason: 'INVALID_CID',
      kind: 'invalid_argument',
    })
    await expect(n.artifacts.service.get(unknown, { offset: 0, from: '' })).rejects.toMatchObject({
      reason: 'BLOB_NOT_FOUND',
      kind: 'not_found',
    })
    await expect(n.artifacts.service.get(unknown, { offset: 0, from: n.did })).rejects.toMatchObject({
      reason: 'BLOB_NOT_FOUND',
    })
    await expect(n.artifacts.service.stat(unknown)).rejects.toMatchObject({ reason: 'BLOB_NOT_FOUND' })
    await expect(n.artifacts.service.get(r.cid, { offset: 4, from: '' })).rejects.toMatchObject({
      reason: 'INVALID_ARGUMENT',
    })
    await expect(n.artifacts.service.get(r.cid, { offset: -1, from: '' })).rejects.toMatchObject({
      reason: 'INVALID_ARGUMENT',
    })
  })

  it('reconciles files and records at start: unacknowledged files go, lost files are forgotten', async () => {
    const first = await createNode()
    const kept = await first.artifacts.service.put(meta({ name: 'kept' }), asAsync([Buffer.from('kept')]))
    const lost = await first.artifacts.service.put(meta(), asAsync([Buffer.from('lost')]))
    await first.stop()
    const blobs = join(first.dataDir, 'blobs')
    rmSync(join(blobs, 'data', lost.cid.slice(-3, -1), lost.cid))
    // A file renamed into place by an upload that crashed before its record was written.
    const orphan = cidOf(Buffer.from('orphan'))
    mkdirSync(join(blobs, 'data', orphan.slice(-3, -1)), { recursive: true })
    writeFileSync(join(blobs, 'data', orphan.slice(-3, -1), orphan), 'orphan')
    writeFileSync(join(blobs, 'tmp', 'crashed-upload'), 'half')
    writeFileSync(join(blobs, 'partial', orphan), 'orp')

    const again = await node({}, first.dataDir)
    expect((await again.artifacts.service.stat(kept.cid)).record.name).toBe('kept')
    await expect(again.artifacts.service.stat(lost.cid)).rejects.toMatchObject({ reason: 'BLOB_NOT_FOUND' })
    await expect(again.artifacts.service.stat(orphan)).rejects.toMatchObject({ reason: 'BLOB_NOT_FOUND' })
    expect(existsSync(join(blobs, 'data', orphan.slice(-3, -1), orphan))).toBe(false)
    expect(tmpFiles(again)).toEqual([])
    expect(readFileSync(join(blobs, 'partial', orphan), 'utf8')).toBe('orp') // kept for resuming
    expect(metricValue(again.metrics, 'moltmesh_blobs')).toBe(1)
  })

  it('turns a small blob into an inline artifact part and a large one into a reference', async () => {
    const n = await node()
    const small = Buffer.alloc(INLINE_ARTIFACT_MAX_BYTES, 5)
    const large = Buffer.alloc(INLINE_ARTIFACT_MAX_BYTES + 1, 6)
    const s = await n.artifacts.service.put(meta({ mediaType: 'image/png' }), asAsync([small]))
    const l = await n.artifacts.service.put(meta(), asAsync([large]))
    const sp = await n.artifacts.service.artifactPart(s.cid)
    expect(sp.mediaType).toBe('image/png')
    expect(sp.artifact).toMatchObject({ cid: s.cid, size: small.length, holderDid: n.did })
    expect(Buffer.from(sp.artifact!.inlineData).equals(small)).toBe(true)
    const lp = await n.artifacts.service.artifactPart(l.cid)
    expect(lp.artifact).toMatchObject({ cid: l.cid, size: large.length, holderDid: n.did })
    expect(lp.artifact!.inlineData.length).toBe(0)
  })
})
