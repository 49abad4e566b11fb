// /moltmesh/blob/1.0.0 between real libp2p hosts: fetch with verification, known holders, resume after
// an interruption, streaming while fetching (and failing when the content then does not verify),
// corrupt and oversending holders, shared downloads, hostile requesters, credit-based flow control
// and stream limits.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Libp2p, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { afterAll, describe, expect, it } from 'vitest'
import { createBlobFiles } from '../../../daemon/artifacts/blob-files.ts'
import { didFromPeerId } from '../../../daemon/identity/did.ts'
import {
  BLOB_PROTOCOL,
  BlobStatus,
  decodeBlobFrame,
  encodeBlobFrame,
} from '../../../daemon/wire/blob-codec.ts'
import { waitFor } from '../../harness/wait-for.ts'
import {
  asAsync,
  cidOf,
  collect,
  createBareHost,
  createNode,
  metricValue,
  type Node,
  pseudoRandomChunks,
  removeDataDirs,
} from './fixtures.ts'

const stops: Array<() => Promise<void>> = []
afterAll(async () => {
  await Promise.all(stops.map((s) => s().catch(() => undefined)))
  removeDataDirs()
})
async function node(options: Parameters<typeof createNode>[0] = {}): Promise<Node> {
  const n = await createNode(options)
  stops.push(() => n.stop())
  return n
}
async function bare(): Promise<Libp2p> {
  const h = await createBareHost()
  stops.push(async () => {
    await h.stop()
  })
  return h
}
const meta = { name: 'payload.bin', mediaType: 'application/x-test', size: 0 }
const content = (bytes: number, seed = 1) => Buffer.concat([...pseudoRandomChunks(bytes, 256 * 1024, seed)])
const hostileCount = (n: Node, reason: string) =>
  metricValue(n.metrics, 'moltmesh_hostile_input_total', { protocol: 'blob', reason })

async function connect(from: Libp2p, to: Libp2p): Promise<void> {
  await from.dial(to.getMultiaddrs()[0]!)
}

const MiB = 1024 * 1024

/**
 * A holder that answers any request with an OK header announcing `size` bytes, then sends `chunks`
 * in sequence, holding back everything after the first until `gate` resolves.
 */
async function scriptedHolder(size: number, chunks: Buffer[], gate: Promise<void>): Promise<Libp2p> {
  const holder = await bare()
  await holder.handle(BLOB_PROTOCOL, async (stream: Stream) => {
    const lp = lpStream(stream)
    await lp.read()
    await lp.write(
      encodeBlobFrame({
        header: { status: BlobStatus.BLOB_STATUS_OK, size, mediaType: '', name: 'scripted', reason: '' },
      }),
    )
    let offset = 0
    for (const [i, data] of chunks.entries()) {
      if (i === 1) await gate
      await lp.write(encodeBlobFrame({ chunk: { offset, data } }))
      offset += data.length
    }
    await stream.close().catch(() => undefined)
  })
  return holder
}

/** GetBlob as a client sees it: the whole content, or the error the stream ends with. */
async function getAll(n: Node, cid: string, from: string, signal?: AbortSignal, offset = 0): Promise<Buffer> {
  const { chunks } = await n.artifacts.service.get(cid, { offset, from }, signal)
  return collect(chunks)
}

describe('blob protocol', () => {
  it('fetches a blob from its holder, verified, and remembers the holder for later fetches', async () => {
    const [a, b, c] = [await node(), await node(), await node()]
    const bytes = content(5 * 1024 * 1024 + 3)
    const stored = await a.artifacts.service.put(meta, asAsync([bytes]))
    await connect(b.host, a.host)
    const got = await b.artifacts.service.get(stored.cid, { offset: 0, from: a.did })
    expect(got.record).toMatchObject({
      cid: stored.cid,
      size: bytes.length,
      name: 'payload.bin',
      mediaType: 'application/x-test',
      origin: 'fetch',
      fetchedFrom: a.did,
    })
    expect((await collect(got.chunks)).equals(bytes)).toBe(true)
    expect(metricValue(a.metrics, 'moltmesh_blob_bytes_total', { direction: 'served' })).toBe(bytes.length)
    expect(metricValue(b.metrics, 'moltmesh_blob_bytes_total', { direction: 'fetched' })).toBe(bytes.length)
    expect(existsSync(join(b.dataDir, 'blobs', 'partial', stored.cid))).toBe(false)

    // C learns that B holds it (as the tasks subsystem does from an artifact reference).
    await connect(c.host, b.host)
    await expect(c.artifacts.service.get(stored.cid, { offset: 0, from: '' })).rejects.toMatchObject({
      reason: 'BLOB_NOT_FOUND',
    })
    await c.artifacts.service.noteHolder(stored.cid, b.did)
    const viaHolder = await c.artifacts.service.get(stored.cid, { offset: 100, from: '' })
    expect((await collect(viaHolder.chunks)).equals(bytes.subarray(100))).toBe(true)
    // fetchFrom is what the tasks subsystem calls; for a local blob it just returns the record.
    expect((await c.artifacts.service.fetchFrom(stored.cid, a.did)).fetchedFrom).toBe(b.did)
  })

  it('resumes an interrupted download from the bytes already on disk', async () => {
    const [a, b] = [await node(), await node()]
    const bytes = content(24 * 1024 * 1024, 2)
    const stored = await a.artifacts.service.put(
      meta,
      asAsync(pseudoRandomChunks(bytes.length, 256 * 1024, 2)),
    )
    await connect(b.host, a.host)
    const fetched = () => metricValue(b.metrics, 'moltmesh_blob_bytes_total', { direction: 'fetched' })

    const abort = new AbortController()
    const first = getAll(b, stored.cid, a.did, abort.signal)
    first.catch(() => undefined)
    while (fetched() < 2 * 1024 * 1024) await new Promise((r) => setImmediate(r))
    abort.abort(new Error('caller went away'))
    await expect(first).rejects.toThrow('caller went away')
    // The download notices that its only caller left, and stops.
    while (b.artifacts.service.fetching().size > 0) await new Promise((r) => setTimeout(r, 10))
    const partial = join(b.dataDir, 'blobs', 'partial', stored.cid)
    const kept = statSync(partial).size
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThan(bytes.length)
    expect(readFileSync(partial).equals(bytes.subarray(0, kept))).toBe(true)

    const before = fetched()
    const second = await b.artifacts.service.get(stored.cid, { offset: 0, from: a.did })
    expect((await collect(second.chunks)).equals(bytes)).toBe(true)
    expect(fetched() - before).toBe(bytes.length - kept) // only the rest crossed the wire
    expect(existsSync(partial)).toBe(false)
  })

  it('refuses content that does not hash to the CID, stores nothing, and recovers', async () => {
    const [a, b] = [await node(), await node()]
    const bytes = content(3 * 1024 * 1024, 3)
    const stored = await a.artifacts.service.put(meta, asAsync([bytes]))
    await connect(b.host, a.host)
    // A corrupt partial download (e.g. written before a crash): the resumed whole does not verify.
    const partial = join(b.dataDir, 'blobs', 'partial', stored.cid)
    writeFileSync(partial, Buffer.alloc(1000, 0xee))
    await expect(getAll(b, stored.cid, a.did)).rejects.toMatchObject({ reason: 'BLOB_HASH_MISMATCH' })
    expect(existsSync(partial)).toBe(false)
    await expect(b.artifacts.service.stat(stored.cid)).rejects.toMatchObject({ reason: 'BLOB_NOT_FOUND' })
    expect(hostileCount(b, 'HASH_MISMATCH')).toBe(1)
    // Without the bad prefix the next attempt fetches everything and verifies.
    const ok = await b.artifacts.service.get(stored.cid, { offset: 0, from: a.did })
    expect((await collect(ok.chunks)).equals(bytes)).toBe(true)

    // A lying holder: claims the CID, serves other bytes.
    const liar = await bare()
    const wanted = cidOf(Buffer.from('what the requester wants'))
    await liar.handle(BLOB_PROTOCOL, async (stream: Stream) => {
      const lp = lpStream(stream)
      await lp.read()
      const junk = Buffer.from('something else entirely!')
      await lp.write(
        encodeBlobFrame({
          header: {
            status: BlobStatus.BLOB_STATUS_OK,
            size: junk.length,
            mediaType: '',
            name: '',
            reason: '',
          },
        }),
      )
      await lp.write(encodeBlobFrame({ chunk: { offset: 0, data: junk } }))
      await stream.close()
    })
    await connect(b.host, liar)
    await expect(getAll(b, wanted, didFromPeerId(liar.peerId))).rejects.toMatchObject({
      reason: 'BLOB_HASH_MISMATCH',
      kind: 'unavailable',
    })
    await expect(b.artifacts.service.stat(wanted)).rejects.toMatchObject({ reason: 'BLOB_NOT_FOUND' })
    expect(existsSync(join(b.dataDir, 'blobs', 'partial', wanted))).toBe(false)
  })

  it('streams while fetching; content that then fails its hash ends the stream in an error and is not kept', async () => {
    const [a, b] = [await node(), await node()]
    const bytes = content(3 * MiB, 6)
    const stored = await a.artifacts.service.put(meta, asAsync([bytes]))
    // Right but for the very last byte: only the hash of the whole can tell.
    const forged = Buffer.from(bytes)
    forged[forged.length - 1]! ^= 1
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const liar = await scriptedHolder(
      forged.length,
      [forged.subarray(0, MiB), forged.subarray(MiB, 2 * MiB), forged.subarray(2 * MiB)],
      gate,
    )
    await connect(b.host, liar)

    const { record, chunks } = await b.artifacts.service.get(stored.cid, {
      offset: 0,
      from: didFromPeerId(liar.peerId),
    })
    expect(record).toMatchObject({ cid: stored.cid, size: bytes.length, name: 'scripted' })
    const iterator = chunks[Symbol.asyncIterator]()
    const received: Uint8Array[] = []
    // The first bytes reach the client while the holder still holds back the rest.
    const first = await iterator.next()
    expect(first.done).toBe(false)
    received.push(first.value as Uint8Array)
    expect(b.artifacts.service.fetching().has(stored.cid)).toBe(true)
    release()
    const rest = (async () => {
      for (let next = await iterator.next(); !next.done; next = await iterator.next())
        received.push(next.value)
    })()
    await expect(rest).rejects.toMatchObject({ reason: 'BLOB_HASH_MISMATCH', kind: 'unavailable' })
    expect(Buffer.concat(received).equals(forged.subarray(0, Buffer.concat(received).length))).toBe(true)

    // Nothing of it kept: no partial file, no stored file, no record.
    expect(existsSync(join(b.dataDir, 'blobs', 'partial', stored.cid))).toBe(false)
    expect(existsSync(createBlobFiles(b.dataDir).finalPath(stored.cid))).toBe(false)
    await expect(b.artifacts.service.stat(stored.cid)).rejects.toMatchObject({ reason: 'BLOB_NOT_FOUND' })
    expect(hostileCount(b, 'HASH_MISMATCH')).toBe(1)
    // A good holder serves it next, whole.
    await connect(b.host, a.host)
    expect((await getAll(b, stored.cid, a.did)).equals(bytes)).toBe(true)
    expect((await b.artifacts.service.stat(stored.cid)).record.fetchedFrom).toBe(a.did)
  })

  it('drops what a holder sent past the size it announced, and counts it as hostile', async () => {
    const b = await node()
    const bytes = content(2 * MiB, 7)
    const cid = cidOf(bytes)
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    // Announces one byte less than it sends.
    const liar = await scriptedHolder(bytes.length - 1, [bytes.subarray(0, MiB), bytes.subarray(MiB)], gate)
    await connect(b.host, liar)
    const { chunks } = await b.artifacts.service.get(cid, { offset: 0, from: didFromPeerId(liar.peerId) })
    const iterator = chunks[Symbol.asyncIterator]()
    expect((await iterator.next()).done).toBe(false)
    release()
    const rest = (async () => {
      for (let next = await iterator.next(); !next.done; next = await iterator.next());
    })()
    await expect(rest).rejects.toMatchObject({ reason: 'BLOB_UNAVAILABLE' })
    expect(hostileCount(b, 'SIZE_EXCEEDED')).toBe(1)
    // Not kept for a resume either: a hostile holder's prefix would only poison the next download.
    expect(existsSync(join(b.dataDir, 'blobs', 'partial', cid))).toBe(false)
    await expect(b.artifacts.service.stat(cid)).rejects.toMatchObject({ reason: 'BLOB_NOT_FOUND' })
  })

  it('shares one download between concurrent GetBlobs of the same blob, at any offset', async () => {
    const [a, b] = [await node(), await node()]
    const bytes = content(12 * MiB + 5, 8)
    const stored = await a.artifacts.service.put(meta, asAsync([bytes]))
    await connect(b.host, a.host)
    const [whole, again, tail] = await Promise.all([
      getAll(b, stored.cid, a.did),
      getAll(b, stored.cid, a.did),
      getAll(b, stored.cid, a.did, undefined, 5 * MiB + 3),
    ])
    expect(whole.equals(bytes)).toBe(true)
    expect(again.equals(bytes)).toBe(true)
    expect(tail.equals(bytes.subarray(5 * MiB + 3))).toBe(true)
    // One download crossed the wire.
    expect(metricValue(b.metrics, 'moltmesh_blob_bytes_total', { direction: 'fetched' })).toBe(bytes.length)
    expect((await b.artifacts.service.stat(stored.cid)).record.size).toBe(bytes.length)
  })

  it('reports an unreachable holder as BLOB_UNAVAILABLE and a holder without the blob as not found', async () => {
    const [a, b] = [await node(), await node()]
    await connect(b.host, a.host)
    const missing = cidOf(Buffer.from('nobody has this'))
    await expect(b.artifacts.service.get(missing, { offset: 0, from: a.did })).rejects.toMatchObject({
      reason: 'BLOB_NOT_FOUND',
      kind: 'not_found',
    })
    const gone = await bare()
    const goneDid = didFromPeerId(gone.peerId)
    await gone.stop()
    await expect(b.artifacts.service.get(missing, { offset: 0, from: goneDid })).rejects.toMatchObject({
      reason: 'BLOB_UNAVAILABLE',
      kind: 'unavailable',
    })
  })

  it('refuses hostile requests, counts them, and keeps serving', async () => {
    const a = await node()
    const stored = await a.artifacts.service.put(meta, asAsync([content(1000, 4)]))
    const attacker = await bare()
    const open = async () => {
      const stream = await attacker.dialProtocol(a.host.getMultiaddrs()[0]!, BLOB_PROTOCOL)
      return { stream, lp: lpStream(stream, { maxDataLength: 2 * 1024 * 1024 }) }
    }
    const ended = async (lp: ReturnType<typeof lpStream>) =>
      lp.read({ signal: AbortSignal.timeout(5_000) }).then(
        () => false,
        (err: Error) => err.name !== 'TimeoutError',
      )

    let s = await open()
    await s.lp.write(encodeBlobFrame({ request: { cid: 'bafy-not-a-cid', offset: 0, window: 1024 } }))
    const header = decodeBlobFrame((await s.lp.read()).subarray()).header!
    expect(header).toMatchObject({ status: BlobStatus.BLOB_STATUS_INVALID, reason: 'INVALID_CID' })
    expect(hostileCount(a, 'INVALID_CID')).toBe(1)

    s = await open()
    await s.lp.write(Buffer.alloc(4096, 1)) // a 4 KiB "request"
    expect(await ended(s.lp)).toBe(true)
    expect(hostileCount(a, 'FRAME_TOO_LARGE')).toBe(1)

    s = await open()
    await s.lp.write(encodeBlobFrame({ credit: { bytes: 10 } }))
    expect(await ended(s.lp)).toBe(true)
    expect(hostileCount(a, 'MALFORMED_FRAME')).toBe(1)

    s = await open()
    await s.lp.write(encodeBlobFrame({ request: { cid: stored.cid, offset: -5, window: 1024 } }))
    expect(decodeBlobFrame((await s.lp.read()).subarray()).header?.status).toBe(
      BlobStatus.BLOB_STATUS_INVALID,
    )
    expect(hostileCount(a, 'INVALID_REQUEST')).toBe(1)

    // Still serving.
    s = await open()
    await s.lp.write(encodeBlobFrame({ request: { cid: stored.cid, offset: 0, window: 1024 * 1024 } }))
    expect(decodeBlobFrame((await s.lp.read()).subarray()).header).toMatchObject({
      status: BlobStatus.BLOB_STATUS_OK,
      size: 1000,
    })
    expect(decodeBlobFrame((await s.lp.read()).subarray()).chunk?.data.length).toBe(1000)
  })

  it('never sends more than the credit granted, and answers BUSY beyond the streams per peer', async () => {
    const a = await node({ maxStreamsPerPeer: 1 })
    const stored = await a.artifacts.service.put(
      meta,
      asAsync(pseudoRandomChunks(8 * 1024 * 1024, 1024 * 1024, 5)),
    )
    const requester = await bare()
    const stream = await requester.dialProtocol(a.host.getMultiaddrs()[0]!, BLOB_PROTOCOL)
    const lp = lpStream(stream, { maxDataLength: 2 * 1024 * 1024 })
    const window = 1024 * 1024
    await lp.write(encodeBlobFrame({ request: { cid: stored.cid, offset: 0, window } }))
    expect(decodeBlobFrame((await lp.read()).subarray()).header?.size).toBe(8 * 1024 * 1024)
    let received = 0
    const reading = (async () => {
      while (true) {
        const chunk = decodeBlobFrame((await lp.read()).subarray()).chunk
        if (chunk == null) throw new Error('expected a chunk')
        expect(chunk.offset).toBe(received)
        received += chunk.data.length
      }
    })()
    reading.catch(() => undefined)
    await waitFor(() => received >= window, 10_000, 'the first window', 10)
    expect(received).toBe(window) // all of the window, and not a byte more (the credit below proves it)

    // A second transfer from the same peer while the first is open: refused politely.
    const second = await requester.dialProtocol(a.host.getMultiaddrs()[0]!, BLOB_PROTOCOL)
    const lp2 = lpStream(second)
    await lp2.write(encodeBlobFrame({ request: { cid: stored.cid, offset: 0, window } }))
    expect(decodeBlobFrame((await lp2.read()).subarray()).header).toMatchObject({
      status: BlobStatus.BLOB_STATUS_BUSY,
      reason: 'TOO_MANY_STREAMS',
    })

    await lp.write(encodeBlobFrame({ credit: { bytes: 512 * 1024 } }))
    // Exactly the credit more: had the holder sent past the first window, the total would be over.
    await waitFor(() => received >= window + 512 * 1024, 10_000, 'the credited bytes', 10)
    expect(received).toBe(window + 512 * 1024)
    stream.abort(new Error('done'))
  })
})
