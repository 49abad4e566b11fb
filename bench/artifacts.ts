// Blob throughput over loopback: PutBlob into A (gRPC unix socket -> temp file, sha256, fsync), GetBlob
// of a local blob, and A -> B (GetBlob on B with from = A: B fetches over /moltmesh/blob/1.0.0 on TCP,
// verifies and stores, then streams it to the client). Prints one JSON line with medians over runs.
import { randomFillSync } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { a2a } from '../clients/ts/index.ts'
import { DaemonProcess } from '../test/harness/daemon-process.ts'
import { round } from './stats.ts'

const SIZE_MIB = Number(process.env.BENCH_BLOB_MIB ?? 64)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const MiB = 1024 * 1024
const env = { MOLTMESH_LOG_LEVEL: 'warn' }

// Content generated once: the bench measures the daemon, not the random generator. Each run changes
// the first bytes, so every upload is a new blob.
const content = Array.from({ length: SIZE_MIB }, () => randomFillSync(Buffer.alloc(MiB)))

async function* upload(run: number): AsyncGenerator<Partial<a2a.PutBlobRequest>> {
  yield {
    metadata: { name: `bench-${run}.bin`, mediaType: 'application/octet-stream', size: SIZE_MIB * MiB },
  }
  content[0]!.writeUInt32BE(run ^ (Date.now() % 2 ** 31), 0)
  for (const chunk of content) yield { chunk }
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!
const mibps = (ms: number) => round(SIZE_MIB / (ms / 1000), 1)

const root = mkdtempSync(join(tmpdir(), 'mm-bench-'))
const a = new DaemonProcess({ name: 'a', root, env })
let b: DaemonProcess | undefined
try {
  await a.start()
  b = new DaemonProcess({ name: 'b', root, env, bootstrap: [a.info!.tcpAddress] })
  await b.start()
  await b.client.diag.connectPeer({ target: a.info!.tcpAddress })

  const put: number[] = []
  const localGet: number[] = []
  const fetch: number[] = []
  const transfer: number[] = []
  for (let run = 0; run < RUNS; run++) {
    let t0 = performance.now()
    const { artifact } = await a.client.a2a.putBlob(upload(run))
    put.push(performance.now() - t0)
    const cid = artifact!.cid

    t0 = performance.now()
    let bytes = 0
    for await (const res of a.client.a2a.getBlob({ cid })) bytes += res.chunk.length
    localGet.push(performance.now() - t0)

    // B answers GetBlob only after the whole blob is fetched and verified: the first message marks
    // the end of the peer-to-peer transfer, the last one the end of streaming it to the client.
    t0 = performance.now()
    let first = 0
    bytes = 0
    for await (const res of b.client.a2a.getBlob({ cid, from: a.did })) {
      if (first === 0) first = performance.now() - t0
      bytes += res.chunk.length
    }
    transfer.push(performance.now() - t0)
    fetch.push(first)
    if (bytes !== SIZE_MIB * MiB) throw new Error(`B returned ${bytes} bytes`)
  }
  console.log(
    JSON.stringify({
      bench: 'artifacts',
      path: 'PutBlob(A) -> disk; GetBlob(A) local; GetBlob(B, from A) = /moltmesh/blob/1.0.0 over TCP loopback + verify + store, then stream to client',
      blobMiB: SIZE_MIB,
      runs: RUNS,
      putMiBPerSec: mibps(median(put)),
      localGetMiBPerSec: mibps(median(localGet)),
      peerFetchMiBPerSec: mibps(median(fetch)),
      transferMiBPerSec: mibps(median(transfer)),
      aim: '> 100 MiB/s',
    }),
  )
} finally {
  await b?.stop()
  await a.stop()
  rmSync(root, { recursive: true, force: true })
}
