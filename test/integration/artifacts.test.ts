// Artifacts between real daemons: streamed uploads, local reads with the hash checked, fetches from a
// peer by DID (verified, resumable from an offset), streaming while fetching from a holder whose
// content then fails its hash, error reasons, hostile blob requests, a 100 MiB
// transfer in bounded memory, the CLI round trip and garbage collection.
import { createHash, randomFillSync } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { status } from '@grpc/grpc-js'
import { lpStream } from '@libp2p/utils'
import { beforeAll, describe, expect, it } from 'vitest'
import { type a2a, MoltmeshError, type types } from '../../clients/ts/index.ts'
import { cidOfDigest } from '../../daemon/artifacts/cid.ts'
import { BLOB_PROTOCOL, BlobStatus, decodeBlobFrame, encodeBlobFrame } from '../../daemon/wire/blob-codec.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { metricValue } from '../harness/metric-value.ts'
import { createRawPeer } from '../harness/raw-peer.ts'

const MiB = 1024 * 1024

/** An upload of `size` random bytes generated 1 MiB at a time; `digest()` is their sha256 after. */
function generatedUpload(size: number, metadata: Partial<a2a.PutBlobMetadata> = {}) {
  const hash = createHash('sha256')
  async function* requests(): AsyncGenerator<Partial<a2a.PutBlobRequest>> {
    yield { metadata: { name: 'generated.bin', mediaType: 'application/octet-stream', size, ...metadata } }
    for (let sent = 0; sent < size; ) {
      const chunk = randomFillSync(Buffer.allocUnsafe(Math.min(MiB, size - sent)))
      hash.update(chunk)
      sent += chunk.length
      yield { chunk }
    }
  }
  return { requests: requests(), cid: () => cidOfDigest(hash.digest()) }
}

/** Streams a GetBlob, hashing (and optionally keeping) the bytes; checks offsets are contiguous. */
async function download(d: DaemonProcess, req: Partial<a2a.GetBlobRequest>, keep = false) {
  const hash = createHash('sha256')
  const kept: Buffer[] = []
  let artifact: types.Artifact | undefined
  let expected = req.offset ?? 0
  let bytes = 0
  for await (const res of d.client.a2a.getBlob(req)) {
    if (artifact == null) {
      expect(res.artifact, 'the first message carries the artifact').toBeDefined()
      artifact = res.artifact
    } else expect(res.artifact).toBeUndefined()
    expect(res.offset).toBe(expected)
    expected += res.chunk.length
    bytes += res.chunk.length
    hash.update(res.chunk)
    if (keep) kept.push(res.chunk)
  }
  return { artifact: artifact!, bytes, sha256: hash.digest(), data: Buffer.concat(kept) }
}

async function failure(p: Promise<unknown>): Promise<MoltmeshError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(MoltmeshError)
  return err as MoltmeshError
}

/** Peak resident memory of a process so far (Linux). */
function peakRssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'))
  return Number(line?.split(/\s+/)[1] ?? 0) * 1024
}

describe('artifacts', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess
  beforeAll(async () => {
    a = await mesh.spawn('art-a')
    b = await mesh.spawn('art-b', { bootstrap: [a.info!.tcpAddress] })
    await waitFor(async () => (await b.client.diag.health({})).peerCount === 1, 20_000, 'B connected to A')
  })

  it('stores an upload and reads it back locally, whole and from an offset, with the hash checked', async () => {
    const upload = generatedUpload(3 * MiB + 123, { name: 'report.bin', mediaType: 'application/x-report' })
    const { artifact } = await a.client.a2a.putBlob(upload.requests)
    expect(artifact).toMatchObject({
      cid: upload.cid(),
      size: 3 * MiB + 123,
      name: 'report.bin',
      mediaType: 'application/x-report',
      holderDid: a.did,
    })
    expect(artifact!.cid).toMatch(/^bafkrei[a-z2-7]{52}$/)
    const stat = await a.client.a2a.statBlob({ cid: artifact!.cid })
    expect(stat).toMatchObject({ artifact: { cid: artifact!.cid, size: artifact!.size }, references: 0 })

    const whole = await download(a, { cid: artifact!.cid }, true)
    expect(cidOfDigest(whole.sha256)).toBe(artifact!.cid)
    expect(whole.artifact).toMatchObject({ cid: artifact!.cid, size: artifact!.size, name: 'report.bin' })
    const tail = await download(a, { cid: artifact!.cid, offset: 2 * MiB + 7 }, true)
    expect(tail.data.equals(whole.data.subarray(2 * MiB + 7))).toBe(true)

    const empty = await a.client.a2a.putBlob([{ metadata: { name: 'empty' } }])
    const none = await download(a, { cid: empty.artifact!.cid })
    expect(none).toMatchObject({ bytes: 0, artifact: { size: 0, name: 'empty' } })
  })

  it('B fetches a blob from A by DID: identical bytes, then served locally and resumable', async () => {
    const upload = generatedUpload(5 * MiB + 1)
    const { artifact } = await a.client.a2a.putBlob(upload.requests)
    const cid = artifact!.cid
    const err = await failure(b.client.a2a.statBlob({ cid }))
    expect([err.code, err.reason]).toEqual([status.NOT_FOUND, 'BLOB_NOT_FOUND'])

    const fetched = await download(b, { cid, from: a.did }, true)
    expect(fetched.bytes).toBe(artifact!.size)
    expect(cidOfDigest(fetched.sha256)).toBe(cid)
    const original = await download(a, { cid }, true)
    expect(fetched.data.equals(original.data)).toBe(true)
    expect(fetched.artifact).toMatchObject({
      cid,
      size: artifact!.size,
      name: 'generated.bin',
      holderDid: b.did,
    })
    expect(
      await metricValue(b, 'moltmesh_blob_bytes_total', { direction: 'fetched' }),
    ).toBeGreaterThanOrEqual(artifact!.size)

    // Held by B now: StatBlob answers, and a download resumed at an offset returns exactly the rest.
    expect((await b.client.a2a.statBlob({ cid })).artifact?.size).toBe(artifact!.size)
    const resumed = await download(b, { cid, offset: 4 * MiB }, true)
    expect(resumed.data.equals(original.data.subarray(4 * MiB))).toBe(true)
  })

  it('answers BLOB_NOT_FOUND, INVALID_CID, BLOB_SIZE_MISMATCH and refuses hostile blob requests', async () => {
    const unknown = cidOfDigest(createHash('sha256').update('never stored anywhere').digest())
    let err = await failure(download(a, { cid: unknown }))
    expect([err.code, err.reason]).toEqual([status.NOT_FOUND, 'BLOB_NOT_FOUND'])
    err = await failure(download(b, { cid: unknown, from: a.did }))
    expect([err.code, err.reason]).toEqual([status.NOT_FOUND, 'BLOB_NOT_FOUND'])
    err = await failure(download(a, { cid: 'QmNotARawCid' }))
    expect([err.code, err.reason]).toEqual([status.INVALID_ARGUMENT, 'INVALID_CID'])
    err = await failure(a.client.a2a.statBlob({ cid: 'bafy' }))
    expect([err.code, err.reason]).toEqual([status.INVALID_ARGUMENT, 'INVALID_CID'])
    err = await failure(a.client.a2a.putBlob(generatedUpload(1000, { size: 999 }).requests))
    expect([err.code, err.reason]).toEqual([status.INVALID_ARGUMENT, 'BLOB_SIZE_MISMATCH'])
    err = await failure(a.client.a2a.putBlob([{ chunk: Buffer.from('no metadata first') }]))
    expect([err.code, err.reason]).toEqual([status.INVALID_ARGUMENT, 'INVALID_ARGUMENT'])

    const attacker = await createRawPeer()
    try {
      const lp = await attacker.open(a.info!.tcpAddress, BLOB_PROTOCOL)
      await lp.write(encodeBlobFrame({ request: { cid: '../../../etc/passwd', offset: 0, window: MiB } }))
      expect(decodeBlobFrame((await lp.read()).subarray()).header).toMatchObject({
        status: BlobStatus.BLOB_STATUS_INVALID,
        reason: 'INVALID_CID',
      })
      const big = await attacker.open(a.info!.tcpAddress, BLOB_PROTOCOL)
      await big.write(Buffer.alloc(64 * 1024, 7))
      expect(await big.closed()).toBe(true)
    } finally {
      await attacker.stop()
    }
    expect(
      await metricValue(a, 'moltmesh_hostile_input_total', { protocol: 'blob', reason: 'INVALID_CID' }),
    ).toBe(1)
    expect(
      await metricValue(a, 'moltmesh_hostile_input_total', { protocol: 'blob', reason: 'FRAME_TOO_LARGE' }),
    ).toBe(1)
    expect((await a.client.diag.health({})).ok).toBe(true)
  })

  it('streams a blob while B fetches it; content that then fails its hash ends the stream in BLOB_HASH_MISMATCH and B keeps nothing', async () => {
    const upload = generatedUpload(3 * MiB + 17)
    const { artifact } = await a.client.a2a.putBlob(upload.requests)
    const cid = artifact!.cid
    const original = (await download(a, { cid }, true)).data
    // A holder that claims the CID and serves its bytes with the last one flipped: only the hash of
    // the whole can tell. It holds back everything after the first 1 MiB until the client has bytes.
    const forged = Buffer.from(original)
    forged[forged.length - 1]! ^= 1
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const liar = await createRawPeer()
    try {
      await liar.node.handle(BLOB_PROTOCOL, async (stream) => {
        const lp = lpStream(stream, { maxDataLength: 2 * MiB })
        await lp.read()
        await lp.write(
          encodeBlobFrame({
            header: {
              status: BlobStatus.BLOB_STATUS_OK,
              size: forged.length,
              mediaType: '',
              name: 'forged',
              reason: '',
            },
          }),
        )
        for (let offset = 0; offset < forged.length; offset += MiB) {
          if (offset > 0) await gate
          await lp.write(encodeBlobFrame({ chunk: { offset, data: forged.subarray(offset, offset + MiB) } }))
        }
        await stream.close().catch(() => undefined)
      })
      await b.client.diag.connectPeer({ target: liar.node.getMultiaddrs()[0]!.toString() })

      let received = 0
      const streamed = (async () => {
        for await (const res of b.client.a2a.getBlob({ cid, from: liar.identity.did })) {
          expect(res.offset).toBe(received)
          received += res.chunk.length
          // Bytes arrive while the holder is still holding back the rest: B streams as it fetches.
          if (received > 0) release()
        }
      })()
      const err = await failure(streamed)
      expect([err.code, err.reason]).toEqual([status.UNAVAILABLE, 'BLOB_HASH_MISMATCH'])
      expect(received).toBeGreaterThan(0)
      // The SDK's downloadFile only replaces its file with a stream that ended well: the file keeps
      // what it held, and no temporary file is left beside it.
      const dir = mkdtempSync(join(tmpdir(), 'moltmesh-download-'))
      const target = join(dir, 'blob.bin')
      writeFileSync(target, 'before')
      const fileErr = await failure(b.client.downloadFile(cid, target, { from: liar.identity.did }))
      expect(fileErr.reason).toBe('BLOB_HASH_MISMATCH')
      expect(readFileSync(target, 'utf8')).toBe('before')
      expect(readdirSync(dir)).toEqual(['blob.bin'])
      rmSync(dir, { recursive: true })
    } finally {
      release()
      await liar.stop()
    }
    // Nothing of it kept: no record, no partial download; counted as hostile.
    const missing = await failure(b.client.a2a.statBlob({ cid }))
    expect(missing.reason).toBe('BLOB_NOT_FOUND')
    expect(existsSync(join(b.dataDir, 'blobs', 'partial', cid))).toBe(false)
    expect(
      await metricValue(b, 'moltmesh_hostile_input_total', { protocol: 'blob', reason: 'HASH_MISMATCH' }),
    ).toBe(2) // the streamed GetBlob and the downloadFile
    // A good holder serves it next, whole and verified, and B keeps that.
    const good = await download(b, { cid, from: a.did }, true)
    expect(good.data.equals(original)).toBe(true)
    expect((await b.client.a2a.statBlob({ cid })).artifact?.size).toBe(original.length)
  })

  it('moves a 100 MiB artifact from A to B with the hash verified, in bounded memory', async () => {
    // A fetch from A followed by streaming it out of B, with B's peak resident memory read before and
    // after. A first, smaller transfer warms B up (heap growth, JIT, allocator arenas), so what the big
    // one adds to the peak is what the transfer itself holds. Memory that followed the blob's size
    // would add at least the 84 MiB the two sizes differ by; a bounded transfer adds next to nothing.
    const pid = b.child!.pid!
    const transfer = async (size: number) => {
      const upload = generatedUpload(size)
      const { artifact } = await a.client.a2a.putBlob(upload.requests)
      expect(artifact).toMatchObject({ cid: upload.cid(), size })
      let rssMax = 0
      let sampling = true
      const sampler = (async () => {
        while (sampling) {
          rssMax = Math.max(rssMax, await metricValue(b, 'process_resident_memory_bytes'))
          await new Promise((r) => setTimeout(r, 100))
        }
      })()
      const got = await download(b, { cid: artifact!.cid, from: a.did })
      sampling = false
      await sampler
      expect(got.bytes).toBe(size)
      expect(cidOfDigest(got.sha256)).toBe(artifact!.cid)
      return { peak: peakRssBytes(pid), rssMax }
    }
    const small = await transfer(16 * MiB)
    const large = await transfer(100 * MiB)
    console.log(
      `B peak RSS after 16 MiB ${(small.peak / MiB).toFixed(0)} MiB, after 100 MiB ${(large.peak / MiB).toFixed(0)} MiB; sampled max ${(small.rssMax / MiB).toFixed(0)} / ${(large.rssMax / MiB).toFixed(0)} MiB`,
    )
    expect(large.rssMax).toBeGreaterThan(0)
    expect(large.peak - small.peak).toBeLessThan(32 * MiB)
    expect(large.rssMax - small.rssMax).toBeLessThan(32 * MiB)
  })

  it('CLI: blob put, get (file and stdout, --from, --offset) and stat round trip', async () => {
    const file = join(a.home, 'notes.md')
    const content = Buffer.concat([Buffer.from('# notes\n'), randomFillSync(Buffer.alloc(200_000))])
    writeFileSync(file, content)
    const put = await a.cli('blob', 'put', file, '--json')
    expect(put.code, put.stderr).toBe(0)
    const { artifact } = put.json<{
      artifact: { cid: string; size: number; name: string; mediaType: string }
    }>()
    expect(artifact).toMatchObject({ size: content.length, name: 'notes.md', mediaType: 'text/markdown' })
    expect(artifact.cid).toBe(cidOfDigest(createHash('sha256').update(content).digest()))

    const out = join(b.home, 'copy.md')
    const get = await b.cli('blob', 'get', artifact.cid, '--from', a.did, '-o', out)
    expect(get.code, get.stderr).toBe(0)
    expect(get.stdout).toContain(`CID`)
    expect(get.stdout).toContain(artifact.cid)
    expect(readFileSync(out).equals(content)).toBe(true)

    // Resume into a truncated copy: only the rest is written, at its place.
    writeFileSync(out, content.subarray(0, 50_000))
    const resumed = await b.cli('blob', 'get', artifact.cid, '-o', out, '--offset', '50000')
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(readFileSync(out).equals(content)).toBe(true)

    const stdout = await b.cli('blob', 'get', artifact.cid, '--offset', '8')
    expect(stdout.code, stdout.stderr).toBe(0)
    expect(Buffer.from(stdout.stdout, 'latin1').length).toBeGreaterThan(0)
    const stat = await b.cli('blob', 'stat', artifact.cid)
    expect(stat.code, stat.stderr).toBe(0)
    expect(stat.stdout).toMatch(/Size\s+195\.3 KiB \(200008 bytes\)/)
    expect(stat.stdout).toMatch(/References\s+0/)

    const bad = await b.cli('blob', 'stat', 'not-a-cid')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('[INVALID_CID]')
  })

  it('GC keeps uploads for the grace period, then removes unreferenced blobs (dry run first)', async () => {
    const g = await mesh.spawn('art-gc', { env: { MOLTMESH_ARTIFACTS_GC_GRACE_MS: '1500' } })
    const { artifact } = await g.client.a2a.putBlob(generatedUpload(300_000).requests)
    expect(await g.client.a2a.collectBlobs({})).toEqual({ removed: 0, bytesFreed: 0 })
    // Pinned for the 1.5 s grace period, then collectable.
    await waitFor(
      async () => (await g.client.a2a.collectBlobs({ dryRun: true })).removed === 1,
      20_000,
      'the grace period to pass',
    )

    const dry = await g.cli('blob', 'gc', '--dry-run')
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toContain('Would remove 1 blob, freeing 293.0 KiB (300000 bytes)')
    expect((await g.client.a2a.statBlob({ cid: artifact!.cid })).artifact?.size).toBe(300_000)

    const real = await g.cli('blob', 'gc', '--json')
    expect(real.code, real.stderr).toBe(0)
    expect(real.json()).toEqual({ removed: 1, bytesFreed: 300_000 })
    const err = await failure(g.client.a2a.statBlob({ cid: artifact!.cid }))
    expect(err.reason).toBe('BLOB_NOT_FOUND')
    expect(await metricValue(g, 'moltmesh_blobs')).toBe(0)
  })
})
