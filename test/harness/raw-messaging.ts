// A raw peer speaking /moltmesh/msg/1.0.0 by hand: sign an envelope as it likes (forged sender, reused
// id, back-dated), write it as one frame and read the receiver's ack. Hostile-peer tests and
// bench/hostile.ts use it to reach the receiver's checks without the sending daemon's.
import type { Identity } from '../../daemon/identity/identity.ts'
import { Part } from '../../daemon/wire/gen/moltmesh/wire/v1/parts.ts'
import {
  type DeliveryAck as Ack,
  decodeFrame,
  type Envelope,
  encodeBody,
  encodeFrame,
  MESSAGING_PROTOCOL,
  signEnvelope,
} from '../../daemon/wire/messaging-codec.ts'
import type { RawPeer } from './raw-peer.ts'

/** The body of a message with one text part, as the wire carries it. */
export function textBody(text: string): Buffer {
  return Buffer.from(
    encodeBody({ parts: [Part.fromPartial({ text })], contextId: '', threadId: '', replyTo: '' }),
  )
}

/**
 * An envelope signed by `signer`: a text message `id` to `to`, created now and valid for `ttlMs`
 * (both times can be set, e.g. to send an expired one). `body` replaces the text body.
 */
export function textEnvelope(
  signer: Identity,
  fields: {
    id: string
    to: string
    text?: string
    body?: Buffer
    createdAtMs?: number
    expiresAtMs?: number
  },
  ttlMs = 60_000,
): Promise<Envelope> {
  const createdAtMs = fields.createdAtMs ?? Date.now()
  return signEnvelope(signer, {
    id: fields.id,
    to: fields.to,
    createdAtMs,
    expiresAtMs: fields.expiresAtMs ?? createdAtMs + ttlMs,
    body: fields.body ?? textBody(fields.text ?? ''),
  })
}

export interface MessagingStream {
  /** Writes one envelope frame and returns the ack the receiver answers with. */
  exchange(envelope: Envelope, signal?: AbortSignal): Promise<Ack>
  /** Signs a text message from the peer's own identity to `to` and exchanges it. */
  sendText(id: string, to: string, text: string): Promise<Ack>
}

/** Opens a messaging stream from `peer` to the daemon at `address` (a multiaddr with /p2p/). */
export async function openMessaging(peer: RawPeer, address: string): Promise<MessagingStream> {
  const lp = await peer.open(address, MESSAGING_PROTOCOL)
  const exchange = async (envelope: Envelope, signal?: AbortSignal): Promise<Ack> => {
    await lp.write(encodeFrame({ envelope }))
    const ack = decodeFrame((await lp.read({ signal })).subarray()).ack
    if (ack == null) throw new Error('the receiver answered a frame that is not an ack')
    return ack
  }
  return {
    exchange,
    sendText: async (id, to, text) => exchange(await textEnvelope(peer.identity, { id, to, text })),
  }
}
