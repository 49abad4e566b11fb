// Blob throughput over loopback: PutBlob into A (gRPC unix socket -> temp file, sha256, fsync), GetBlob
// of a local blob, and A -> B (GetBlob on B with from = A: B fetches over /moltmesh/blob/1.0.0 on TCP
// and streams to the client while the download runs, verifying incrementally; the stream ends once
// the whole is verified and stored). Beside that figure, in the same run, the floors it sits on:
//   - transportFloorMiBPerSec: one bare libp2p stream between two processes (TCP loopback, Noise,
//     Yamux), nothing else (floor/libp2p-stream.ts);
//   - localGetAtBMiBPerSec: GetBlob of the same blob at B once it is held there (B's gRPC path alone);
//   - cpuMsPerMiB: CPU time (all threads) of A, B and the client per MiB moved end to end, and the
//     rate two cores would allow at that cost (cpuBoundMiBPerSec = 2000 / sum): the machine has two.
// Prints one JSON line with medians over runs.
import { randomFillSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { a2a } from '../clients/ts/index.ts'
import { DaemonProcess } from '../test/harness/daemon-process.ts'
import { measureStreamFloor } from './floor/libp2p-stream.ts'
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

/** CPU time (user + system, every thread) a process has used, in ms (Linux). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 // clock ticks of 1/100 s
}
const ownCpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!
const mibps = (ms: number) => round(SIZE_MIB / (ms / 1000), 1)

async function getAll(d: DaemonProcess, req: Partial<a2a.GetBlobRequest>) {
  const t0 = performance.now()
  let first = 0
  let bytes = 0
  for await (const res of d.client.a2a.getBlob(req)) {
    if (first === 0 && res.chunk.length > 0) first = performance.now() - t0
    bytes += res.chunk.length
  }
  if (bytes !== SIZE_MIB * MiB) throw new Error(`GetBlob returned ${bytes} bytes`)
  return { ms: performance.now() - t0, firstMs: first }
}

const root = mkdtempSync(join(tmpdir(), 'mm-bench-'))
const a = new DaemonProcess({ name: 'a', root, env })
let b: DaemonProcess | undefined
try {
  await a.start()
  b = new DaemonProcess({ name: 'b', root, env, bootstrap: [a.info!.tcpAddress] })
  await b.start()
  await b.client.diag.connectPeer({ target: a.info!.tcpAddress })
  const pids = [a.child!.pid!, b.child!.pid!]

  const put: number[] = []
  const localGet: number[] = []
  const transfer: number[] = []
  const firstByte: number[] = []
  const localGetAtB: number[] = []
  const cpu = { a: [] as number[], b: [] as number[], client: [] as number[] }
  for (let run = 0; run < RUNS; run++) {
    let t0 = performance.now()
    const { artifact } = await a.client.a2a.putBlob(upload(run))
    put.push(performance.now() - t0)
    const cid = artifact!.cid

    t0 = performance.now()
    localGet.push((await getAll(a, { cid })).ms)

    const before = [...pids.map(cpuMsOf), ownCpuMs()]
    const remote = await getAll(b, { cid, from: a.did })
    const after = [...pids.map(cpuMsOf), ownCpuMs()]
    transfer.push(remote.ms)
    firstByte.push(remote.firstMs)
    cpu.a.push((after[0]! - before[0]!) / SIZE_MIB)
    cpu.b.push((after[1]! - before[1]!) / SIZE_MIB)
    cpu.client.push((after[2]! - before[2]!) / SIZE_MIB)

    localGetAtB.push((await getAll(b, { cid })).ms)
  }
  await b.stop()
  await a.stop()
  b = undefined
  // With the daemons gone, so that it has the machine they had.
  const floor = await measureStreamFloor(SIZE_MIB * MiB, RUNS)
  const cpuMs = { a: median(cpu.a), b: median(cpu.b), client: median(cpu.client) }
  console.log(
    JSON.stringify({
      bench: 'artifacts',
      path: 'PutBlob(A) -> disk; GetBlob(A) local; GetBlob(B, from A) = /moltmesh/blob/1.0.0 over TCP loopback, streamed to the client while B fetches, verified and stored before the stream ends',
      blobMiB: SIZE_MIB,
      runs: RUNS,
      putMiBPerSec: mibps(median(put)),
      localGetMiBPerSec: mibps(median(localGet)),
      transferMiBPerSec: mibps(median(transfer)),
      firstByteMs: round(median(firstByte), 1),
      floors: {
        transportFloorMiBPerSec: mibps(median(floor)),
        localGetAtBMiBPerSec: mibps(median(localGetAtB)),
        cpuMsPerMiB: { a: round(cpuMs.a, 1), b: round(cpuMs.b, 1), client: round(cpuMs.client, 1) },
        cpuBoundMiBPerSec: round((cpus().length * 1000) / (cpuMs.a + cpuMs.b + cpuMs.client), 1),
      },
      aim: '> 150 MiB/s end to end',
    }),
  )
} finally {
  await b?.stop()
  await a.stop()
  rmSync(root, { recursive: true, force: true })
}
