// Encoding, signing and verification of messaging envelopes (/moltmesh/msg/1.0.0). The signature
// covers every routing-relevant field plus the hash of the body, as JCS-canonical JSON, so the bytes
// signed do not depend on any protobuf encoder.

import { createHash } from 'node:crypto'
import { BinaryReader } from '@bufbuild/protobuf/wire'
import canonicalize from 'canonicalize'
import { verifyDidSignature } from '../identity/did.ts'
import type { Identity } from '../identity/identity.ts'
import {
  AckStatus,
  type DeliveryAck,
  type Envelope,
  MessageBody,
  MessagingFrame,
} from './gen/moltmesh/wire/v1/messaging.ts'
import type { Part } from './gen/moltmesh/wire/v1/parts.ts'
import { strictReader } from './strict-utf8.ts'

export type { DeliveryAck, Envelope, Part }
export { AckStatus, MessageBody, MessagingFrame }

export const MESSAGING_PROTOCOL = '/moltmesh/msg/1.0.0'

export interface BodyFields {
  parts: Part[]
  contextId: string
  threadId: string
  replyTo: string
}

export function encodeBody(body: BodyFields): Uint8Array {
  return MessageBody.encode(MessageBody.fromPartial(body)).finish()
}

export function decodeBody(bytes: Uint8Array): MessageBody {
  return MessageBody.decode(bytes)
}

/**
 * The channel fields of MessageBody. A body with one of them set is a frame for the subsystem that
 * registered that channel with messaging (daemon/messaging/channels.ts), never an inbox message. A new
 * channel is a new MessageBody field, listed here.
 */
export const CHANNEL_NAMES = ['task', 'network', 'orderedThread'] as const
export type ChannelName = (typeof CHANNEL_NAMES)[number]
/** The frame a channel carries: the message type of its MessageBody field. */
export type ChannelFrame<K extends ChannelName = ChannelName> = NonNullable<MessageBody[K]>

/**
 * Which channel a body belongs to: undefined for a plain message, 'several' when more than one channel
 * field is set (no sender does that; the receiver refuses it).
 */
export function channelOf(
  body: MessageBody,
): { name: ChannelName; frame: ChannelFrame } | 'several' | undefined {
  let found: { name: ChannelName; frame: ChannelFrame } | undefined
  for (const name of CHANNEL_NAMES) {
    const frame = body[name]
    if (frame == null) continue
    if (found != null) return 'several'
    found = { name, frame }
  }
  return found
}

/**
 * Field numbers of MessageBody this daemon knows (proto/moltmesh/wire/v1/messaging.proto; a unit test
 * keeps the two equal). A new channel is a new field: a daemon that predates it must not take such a
 * frame for an empty message, see unknownBodyFields.
 */
export const KNOWN_BODY_FIELDS: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6, 7])

/**
 * Top-level field numbers of an encoded MessageBody that this daemon does not know (the generated
 * decoder skips them silently). Throws on bytes that are not protobuf.
 */
export function unknownBodyFields(bytes: Uint8Array): number[] {
  const reader = new BinaryReader(bytes)
  const unknown = new Set<number>()
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag()
    if (!KNOWN_BODY_FIELDS.has(field)) unknown.add(field)
    reader.skip(wireType)
  }
  return [...unknown]
}

/**
 * A body received from a peer: throws InvalidUtf8Error when one of its strings (a text part, a task
 * frame's text) is not valid UTF-8. (Stored bodies, checked on arrival, decode with decodeBody.)
 */
export function decodeReceivedBody(bytes: Uint8Array): MessageBody {
  return MessageBody.decode(strictReader(bytes))
}

function signingBytes(e: Omit<Envelope, 'signature'>): Uint8Array {
  const text = canonicalize({
    v: 1,
    id: e.id,
    from: e.from,
    to: e.to,
    created_at_ms: e.createdAtMs,
    expires_at_ms: e.expiresAtMs,
    body_sha256: createHash('sha256').update(e.body).digest('hex'),
  })
  return new TextEncoder().encode(text)
}

export async function signEnvelope(
  identity: Identity,
  e: Omit<Envelope, 'signature' | 'from'>,
): Promise<Envelope> {
  const unsigned = { ...e, from: identity.did }
  return { ...unsigned, signature: Buffer.from(await identity.sign(signingBytes(unsigned))) }
}

/** True when `signature` is the sender DID's Ed25519 signature over the envelope. */
export async function verifyEnvelope(e: Envelope): Promise<boolean> {
  return verifyDidSignature(e.from, signingBytes(e), e.signature)
}

export function encodeFrame(frame: Partial<MessagingFrame>): Uint8Array {
  return MessagingFrame.encode(MessagingFrame.fromPartial(frame)).finish()
}

export function decodeFrame(bytes: Uint8Array): MessagingFrame {
  return MessagingFrame.decode(bytes)
}
