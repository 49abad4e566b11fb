// Turns push-style event listeners into an async iterable that buffers while the consumer is busy.
// Listening starts at once (not at the first iteration), so a caller can subscribe, then replay stored
// items, then iterate without missing what arrived in between. Ends on close() or when the signal aborts.

export interface EventQueue<T> extends AsyncIterable<T> {
  close(): void
}

export function eventQueue<T>(
  register: (push: (item: T) => void) => () => void,
  signal: AbortSignal,
): EventQueue<T> {
  const queue: T[] = []
  let wake: (() => void) | undefined
  let closed = false
  const unregister = register((item) => {
    queue.push(item)
    wake?.()
  })
  const close = () => {
    if (closed) return
    closed = true
    unregister()
    signal.removeEventListener('abort', close)
    wake?.()
  }
  signal.addEventListener('abort', close)
  if (signal.aborted) close()

  return {
    close,
    async *[Symbol.asyncIterator]() {
      try {
        while (!closed) {
          const next = queue.shift()
          if (next !== undefined) {
            yield next
            continue
          }
          await new Promise<void>((resolve) => {
            wake = resolve
          })
          wake = undefined
        }
      } finally {
        close()
      }
    },
  }
}
