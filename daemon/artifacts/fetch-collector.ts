// Garbage collection during blob fetches. A fetch allocates short-lived buffers for every byte it
// receives (TCP reads, Noise's decrypted frames, the blob frames). The daemon runs with a 1 MiB young
// generation (cli/daemon-runtime.ts: less idle memory), so many of them are promoted before they die,
// and V8 frees promoted buffers only at a Mark-Compact, which it starts by the size of the old
// generation, not of the buffers. Measured (docs/benchmarks.md, "the fetch side"): a 100 MiB fetch
// during which V8 ran no Mark-Compact left the daemon holding dead buffers of about a third of the
// bytes fetched (arrayBuffers 8 -> 43 MiB, resident memory +19-31 MiB, +42 MiB in one CI run), so its
// memory grew with the blob; in other runs V8 collected on its own and nothing piled up.
//
// So the fetch watches the buffers: every CHECK_EVERY_BYTES received it reads the process's
// ArrayBuffer total, and when that stands PILE_UP_BYTES above the lowest level seen since the last
// collection it asks V8 for a major collection (run as a task of its own, not inside the read loop).
// A collection on every 32 MiB instead cost B 50-70% more CPU per MiB moved; this one costs nothing
// while V8 keeps up by itself.
//
// It needs `gc`, which `moltmesh start` exposes (--expose-gc, cli/daemon-runtime.ts); a daemon run
// without it (MOLTMESH_NODE_DEFAULTS=0) fetches as before.

const MiB = 1024 * 1024
/** How often the buffer total is read, in bytes received (across all fetches). */
export const CHECK_EVERY_BYTES = 4 * MiB
/** Buffers above the low-water mark that make a collection worth its cost. */
export const PILE_UP_BYTES = 24 * MiB

type Gc = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => unknown

export interface FetchCollector {
  /** Counts `bytes` received; may ask for a collection (see above). */
  received(bytes: number): void
  /** Collections asked for so far. */
  readonly collections: number
}

export interface FetchCollectorOptions {
  gc?: Gc | undefined
  /** Bytes held by ArrayBuffers now (process.memoryUsage().arrayBuffers). */
  arrayBuffers?: () => number
  checkEvery?: number
  pileUp?: number
}

export function createFetchCollector(o: FetchCollectorOptions = {}): FetchCollector {
  const gc = 'gc' in o ? o.gc : (globalThis as { gc?: Gc }).gc
  const arrayBuffers = o.arrayBuffers ?? (() => process.memoryUsage().arrayBuffers)
  const checkEvery = o.checkEvery ?? CHECK_EVERY_BYTES
  const pileUp = o.pileUp ?? PILE_UP_BYTES
  let since = 0
  let low = Number.POSITIVE_INFINITY
  let collections = 0
  let running = false
  return {
    received(bytes) {
      if (gc == null) return
      since += bytes
      if (since < checkEvery || running) return
      since = 0
      const now = arrayBuffers()
      low = Math.min(low, now)
      if (now - low < pileUp) return
      collections++
      running = true
      // 'async': V8 runs the collection as a task after this turn, not inside the read loop.
      Promise.resolve(gc({ type: 'major', execution: 'async' }))
        .catch(() => undefined)
        .finally(() => {
          running = false
          low = arrayBuffers()
        })
    },
    get collections() {
      return collections
    },
  }
}
