// Standard Webhooks signatures (https://www.standardwebhooks.com): headers `webhook-id`,
// `webhook-timestamp` (Unix seconds) and `webhook-signature`, which lists `v1,<base64 HMAC-SHA256 of
// "id.timestamp.body" with the secret>` and `v1a,<base64 Ed25519 signature of the same bytes by the
// agent's key>`, so a receiver can check either the shared secret or the sender's DID.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

const PREFIX = 'whsec_'

export function newSecret(): string {
  return PREFIX + randomBytes(24).toString('base64')
}

export function isSecret(value: string): boolean {
  if (!value.startsWith(PREFIX)) return false
  const key = Buffer.from(value.slice(PREFIX.length), 'base64')
  return key.length >= 16 && key.length <= 64
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.slice(PREFIX.length), 'base64')
}

export function signedContent(id: string, timestampSec: number, body: string): Buffer {
  return Buffer.from(`${id}.${timestampSec}.${body}`)
}

export function hmacSignature(secret: string, content: Buffer): string {
  return createHmac('sha256', keyOf(secret)).update(content).digest('base64')
}

/** The three headers of one attempt; with no secret ("") the signature is only the `v1a` one. */
export async function signatureHeaders(
  secret: string,
  sign: (data: Uint8Array) => Promise<Uint8Array>,
  id: string,
  body: string,
  nowMs = Date.now(),
): Promise<Record<string, string>> {
  const timestamp = Math.floor(nowMs / 1000)
  const content = signedContent(id, timestamp, body)
  const ed25519 = Buffer.from(await sign(content)).toString('base64')
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature':
      secret === '' ? `v1a,${ed25519}` : `v1,${hmacSignature(secret, content)} v1a,${ed25519}`,
  }
}

/** Receiver side of `v1`: true when one of the listed v1 signatures matches. */
export function verifyHmac(
  secret: string,
  id: string,
  timestamp: string,
  body: string,
  header: string,
): boolean {
  const expected = Buffer.from(hmacSignature(secret, signedContent(id, Number(timestamp), body)))
  return header
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .some((s) => {
      const got = Buffer.from(s.slice(3))
      return got.length === expected.length && timingSafeEqual(got, expected)
    })
}
