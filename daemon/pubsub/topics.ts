// Public topic names and payload limits. Topics under the reserved prefix belong to the daemon itself
// (network topics are "/moltmesh/net/1/<network id>") and are refused by the public API.

import { invalidArgument } from '../errors/moltmesh-error.ts'

export const RESERVED_TOPIC_PREFIX = '/moltmesh/'
export const MAX_TOPIC_LENGTH = 256
const TOPIC = /^[A-Za-z0-9._/-]+$/

/** Throws INVALID_TOPIC or TOPIC_RESERVED for a name the public API must not use. */
export function checkTopic(topic: string): string {
  if (topic.length === 0 || topic.length > MAX_TOPIC_LENGTH || !TOPIC.test(topic))
    throw invalidArgument(
      'INVALID_TOPIC',
      `topic "${topic.slice(0, 80)}" must be 1-${MAX_TOPIC_LENGTH} characters of A-Z a-z 0-9 . _ / -`,
    )
  if (topic.startsWith(RESERVED_TOPIC_PREFIX))
    throw invalidArgument(
      'TOPIC_RESERVED',
      `topics starting with "${RESERVED_TOPIC_PREFIX}" are reserved for the daemon's own use`,
    )
  return topic
}

/** Throws PAYLOAD_TOO_LARGE when a payload exceeds `pubsub.max_payload_bytes`. */
export function checkPayload(payload: Uint8Array, maxBytes: number): void {
  if (payload.length > maxBytes)
    throw invalidArgument(
      'PAYLOAD_TOO_LARGE',
      `payload is ${payload.length} bytes; the limit is ${maxBytes} (pubsub.max_payload_bytes; send large content as an artifact)`,
    )
}
