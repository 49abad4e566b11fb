// Per-key serialisation: calls for the same key run one after another, in call order; calls for
// different keys do not wait for each other. For read-check-write sequences on one record (a task, a
// network's state, an outbox message) that must not interleave with another write of that record.

export type KeyedLock = <T>(key: string, fn: () => Promise<T>) => Promise<T>

export function createKeyedLock(): KeyedLock {
  const tails = new Map<string, Promise<unknown>>()
  return <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve()
    const next = previous.then(fn, fn)
    const tail = next.catch(() => undefined)
    tails.set(key, tail)
    // The map holds only keys with work queued or running.
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key)
    })
    return next
  }
}
