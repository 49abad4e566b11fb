// Runs one long-lived loop per named config entry ([[mcp.servers]], [[a2a.remote]]) and reconciles
// the set on a config reload: entries that are new start, entries that are gone stop, entries whose
// settings changed stop and start again; untouched entries keep running (their open tasks too).

export interface Named {
  name: string
}

/** Waits `ms`, or less when `signal` aborts (a stop must not wait out a back-off). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}

export function createSupervisor<T extends Named>(run: (entry: T, signal: AbortSignal) => Promise<void>) {
  const running = new Map<string, { key: string; abort: AbortController; done: Promise<void> }>()
  let stopped = false

  async function halt(name: string): Promise<void> {
    const r = running.get(name)
    if (r == null) return
    running.delete(name)
    r.abort.abort()
    await r.done
  }

  return {
    /** Makes the running set equal `entries`; resolves once removed and changed entries stopped. */
    async reconcile(entries: T[]): Promise<{ started: string[]; stopped: string[] }> {
      if (stopped) return { started: [], stopped: [] }
      const wanted = new Map(entries.map((e) => [e.name, e]))
      const out = { started: [] as string[], stopped: [] as string[] }
      for (const [name, r] of [...running]) {
        const next = wanted.get(name)
        if (next == null || JSON.stringify(next) !== r.key) {
          await halt(name)
          out.stopped.push(name)
        }
      }
      for (const [name, entry] of wanted) {
        if (running.has(name)) continue
        const abort = new AbortController()
        const done = run(entry, abort.signal).catch(() => undefined)
        running.set(name, { key: JSON.stringify(entry), abort, done })
        out.started.push(name)
      }
      return out
    },
    names: (): string[] => [...running.keys()],
    async stop(): Promise<void> {
      stopped = true
      await Promise.all([...running.keys()].map(halt))
    },
  }
}
