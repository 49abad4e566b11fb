// Priority queue of simulation events ordered by (time, insertion order): ties resolve the same way
// on every replay.

interface Item<T> {
  time: number
  order: number
  value: T
}

export class EventQueue<T> {
  private heap: Item<T>[] = []
  private order = 0

  get size(): number {
    return this.heap.length
  }

  push(time: number, value: T): void {
    const item = { time, order: this.order++, value }
    const h = this.heap
    h.push(item)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(item, h[parent]!)) break
      h[i] = h[parent]!
      i = parent
    }
    h[i] = item
  }

  pop(): { time: number; value: T } | undefined {
    const h = this.heap
    const top = h[0]
    if (top === undefined) return undefined
    const last = h.pop()!
    if (h.length > 0) {
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = -1
        let best = last
        if (l < h.length && before(h[l]!, best)) {
          m = l
          best = h[l]!
        }
        if (r < h.length && before(h[r]!, best)) {
          m = r
          best = h[r]!
        }
        if (m < 0) break
        h[i] = best
        i = m
      }
      h[i] = last
    }
    return { time: top.time, value: top.value }
  }
}

function before<T>(a: Item<T>, b: Item<T>): boolean {
  return a.time < b.time || (a.time === b.time && a.order < b.order)
}
