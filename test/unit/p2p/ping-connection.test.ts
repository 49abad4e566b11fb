// pingOverConnection (daemon/p2p/ping-connection.ts), now used for every keep-alive ping: a stream
// that fails under it, or a peer that answers with the wrong bytes, is an error for that ping only,
// never an exception thrown in an event listener or an unhandled rejection (either ends the daemon).
import { describe, expect, it } from 'vitest'
import { pingOverConnection } from '../../../daemon/p2p/ping-connection.ts'

class FakeStream extends EventTarget {
  sent: Uint8Array[] = []
  aborted: Error | undefined
  private readonly onSend: (s: FakeStream, data: Uint8Array) => void
  constructor(onSend: (s: FakeStream, data: Uint8Array) => void) {
    super()
    this.onSend = onSend
  }
  send(data: Uint8Array): boolean {
    this.sent.push(data)
    this.onSend(this, data)
    return true
  }
  abort(err: Error): void {
    this.aborted = err
  }
  async close(): Promise<void> {}
  reply(bytes: Uint8Array): void {
    const evt = new Event('message') as Event & { data: { subarray(): Uint8Array } }
    evt.data = { subarray: () => bytes }
    this.dispatchEvent(evt)
  }
}

const connWith = (stream: FakeStream) => ({ newStream: async () => stream }) as never

describe('pingOverConnection', () => {
  it('measures a round trip when the peer echoes the 32 bytes', async () => {
    const stream = new FakeStream((s, data) => queueMicrotask(() => s.reply(data)))
    const rtt = await pingOverConnection(connWith(stream), AbortSignal.timeout(1_000))
    expect(rtt).toBeGreaterThanOrEqual(0)
    expect(stream.sent[0]).toHaveLength(32)
  })

  it('a send that throws fails the ping, and the timeout that follows is not an unhandled rejection', async () => {
    const stream = new FakeStream(() => {
      throw new Error('stream reset')
    })
    await expect(pingOverConnection(connWith(stream), AbortSignal.timeout(50))).rejects.toThrow(
      'stream reset',
    )
    expect(stream.aborted?.message).toBe('stream reset')
    // Let the signal fire: vitest fails the run on an unhandled rejection.
    await new Promise((r) => setTimeout(r, 120))
  })

  it('too many bytes in odd chunks are a wrong reply, not an exception in the listener', async () => {
    const stream = new FakeStream((s) =>
      queueMicrotask(() => {
        for (let i = 0; i < 4; i++) s.reply(new Uint8Array(20).fill(1))
      }),
    )
    await expect(pingOverConnection(connWith(stream), AbortSignal.timeout(1_000))).rejects.toThrow(
      'wrong ping reply',
    )
  })
})
