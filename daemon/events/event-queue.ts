// Turns push-style event listeners into an async iterable that buffers while the consumer is busy.
// Listening starts at once (not at the first iteration), so a caller can subscribe, then replay stored
// items, then iterate without missing what arrived in between. Ends on close() or when the signal aborts.
//
// The buffer is bounded: a consumer that falls more than `maxBuffered` items behind (a gRPC client
// not reading its stream) stops listening, gets what was buffered, then RESOURCE_EXHAUSTED
// `SLOW_CONSUMER`. Every stream built on this can be resumed from its last cursor or sequence.

import { MoltmeshError } from '../errors/moltmesh-error.ts'

/** Items a consumer may fall behind by before its stream is ended. */
export const DEFAULT_MAX_BUFFERED = 10_000

export interface EventQueue<T> extends AsyncIterable<T> {
  close(): void
}

export function eventQueue<T>(
  register: (push: (item: T) => void) => () => void,
  signal: AbortSignal,
  maxBuffered = DEFAULT_MAX_BUFFERED,
): EventQueue<T> {
  const queue: T[] = []
  let wake: (() => void) | undefined
  let closed = false
  let overflowed = false
  const unregister = register((item) => {
    if (closed) return
    if (queue.length >= maxBuffered) {
      overflowed = true
      close()
      return
    }
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
        // A closed queue ends at once, except after an overflow: then what was buffered goes out first.
        while (!closed || overflowed) {
          const next = queue.shift()
          if (next !== undefined) {
            yield next
            continue
          }
          if (closed) break
          await new Promise<void>((resolve) => {
            wake = resolve
          })
          wake = undefined
        }
        if (overflowed)
          throw new MoltmeshError(
            'resource_exhausted',
            'SLOW_CONSUMER',
            `the stream fell more than ${maxBuffered} items behind; reconnect from the last cursor or sequence`,
          )
      } finally {
        close()
      }
    },
  }
}
