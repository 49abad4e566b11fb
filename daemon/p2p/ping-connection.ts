// libp2p ping (/ipfs/ping/1.0.0) over one given connection. The ping service picks a connection by
// itself, but Diag.Ping must test the path the user named (e.g. a QUIC multiaddr while a TCP
// connection is also open), and report sub-millisecond round trips.

import type { Connection } from '@libp2p/interface'
import { PING_PROTOCOL } from '@libp2p/ping'

const PING_LENGTH = 32

export async function pingOverConnection(conn: Connection, signal: AbortSignal): Promise<number> {
  const data = crypto.getRandomValues(new Uint8Array(PING_LENGTH))
  const stream = await conn.newStream(PING_PROTOCOL, { signal, runOnLimitedConnection: true })
  try {
    const received = new Uint8Array(PING_LENGTH)
    let length = 0
    const start = performance.now()
    let onAbort = () => {}
    const pong = new Promise<number>((resolve, reject) => {
      onAbort = () => reject(signal.reason ?? new Error('aborted'))
      signal.addEventListener('abort', onAbort, { once: true })
      stream.addEventListener('message', (evt) => {
        const chunk = evt.data.subarray()
        // Bytes past the 32 expected (a faulty or hostile peer) only make the reply wrong.
        if (length < PING_LENGTH) received.set(chunk.subarray(0, PING_LENGTH - length), length)
        length += chunk.byteLength
        if (length >= PING_LENGTH) {
          const rtt = performance.now() - start
          if (length > PING_LENGTH || !received.every((b, i) => b === data[i]))
            reject(new Error('wrong ping reply'))
          else resolve(rtt)
        }
      })
      stream.addEventListener('close', () => {
        if (length < PING_LENGTH) reject(new Error('stream closed before the ping reply'))
      })
    })
    // If send() throws, nobody awaits the reply: its later rejection (the timeout) must not become an
    // unhandled rejection, which ends the process (seen in a 100-host mesh, where streams get reset).
    pong.catch(() => undefined).finally(() => signal.removeEventListener('abort', onAbort))
    stream.send(data)
    const rtt = await pong
    await stream.close({ signal }).catch(() => undefined)
    return rtt
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}
