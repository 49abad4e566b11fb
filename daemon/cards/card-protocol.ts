// /moltmesh/card/1.0.0: ask a connected peer for its current signed card. The responder writes one
// length-prefixed frame (its card) and closes; the asker verifies the card and that it belongs to the
// authenticated peer. Used for LAN discovery (mDNS peers, no DHT needed) and to get the newest card of
// a provider found in the DHT without another DHT round.

import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { didFromPeerId } from '../identity/did.ts'
import type { Host } from '../p2p/create-host.ts'
import { openProtocolStream } from '../p2p/open-stream.ts'
import { decodeCard, encodeCard, MAX_CARD_BYTES, type SignedCard } from './card-record.ts'

export const CARD_PROTOCOL = '/moltmesh/card/1.0.0'
const FRAME_SLACK = 64

export function cardHandler(current: () => SignedCard | undefined) {
  return async (stream: Stream, _connection: Connection): Promise<void> => {
    const card = current()
    if (card == null) {
      stream.abort(new Error('no card published'))
      return
    }
    try {
      const lp = lpStream(stream)
      await lp.write(encodeCard(card), { signal: AbortSignal.timeout(5_000) })
      await stream.close()
    } catch (err) {
      stream.abort(err as Error)
    }
  }
}

/** Fetches and verifies a peer's card; throws with a CardRejection message or a transport error. */
export async function fetchCard(host: Host, peer: PeerId, timeoutMs: number): Promise<SignedCard> {
  const signal = AbortSignal.timeout(timeoutMs)
  const stream = await openProtocolStream(host, peer, CARD_PROTOCOL, { signal })
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_CARD_BYTES + FRAME_SLACK })
    const bytes = (await lp.read({ signal })).subarray()
    return await decodeCard(bytes, didFromPeerId(peer))
  } finally {
    stream.abort(new Error('done'))
  }
}
