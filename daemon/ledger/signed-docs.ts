// The ledger's signed documents: receipts, quotes, payment authorisations and settlements. Each is
// signed over the JCS-canonical JSON of its content fields (never over a protobuf encoding), by the
// DID key of the party named in it, so either side can re-verify it at any time.

import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import { verifyDidSignature } from '../identity/did.ts'
import type { Identity } from '../identity/identity.ts'
import type {
  PaymentAuthorization,
  PaymentQuote,
  Receipt,
  Settlement,
} from '../wire/gen/moltmesh/wire/v1/ledger.ts'

export type { PaymentAuthorization, PaymentQuote, Receipt, Settlement }

function bytes(doc: Record<string, unknown>): Uint8Array {
  return new TextEncoder().encode(canonicalize(doc) as string)
}

export function receiptBytes(r: Receipt): Uint8Array {
  return bytes({
    v: 1,
    type: 'moltmesh.receipt',
    task_id: r.taskId,
    requester: r.requester,
    provider: r.provider,
    skill: r.skill,
    price: r.price,
    result_hash: r.resultHash,
    issued_at_ms: r.issuedAtMs,
  })
}

export function quoteBytes(q: PaymentQuote): Uint8Array {
  return bytes({
    v: 1,
    type: 'moltmesh.quote',
    price: q.price,
    nonce: q.nonce,
    expires_at_ms: q.expiresAtMs,
    provider: q.providerDid,
  })
}

/** What a requester signs to accept a quote: the quote (with the provider's signature) and itself. */
export function authorizationBytes(q: PaymentQuote, requesterDid: string): Uint8Array {
  return bytes({
    v: 1,
    type: 'moltmesh.payment-authorization',
    quote: {
      price: q.price,
      nonce: q.nonce,
      expires_at_ms: q.expiresAtMs,
      provider: q.providerDid,
      signature: q.signature,
    },
    requester: requesterDid,
  })
}

export function settlementBytes(s: Settlement): Uint8Array {
  return bytes({
    v: 1,
    type: 'moltmesh.settlement',
    id: s.id,
    proposer: s.proposer,
    counterparty: s.counterparty,
    amount: s.amount,
    reference: s.reference,
    created_at_ms: s.createdAtMs,
  })
}

export async function sign(identity: Identity, data: Uint8Array): Promise<string> {
  return Buffer.from(await identity.sign(data)).toString('base64')
}

export function verify(did: string, data: Uint8Array, signature: string): Promise<boolean> {
  if (signature === '') return Promise.resolve(false)
  return verifyDidSignature(did, data, Buffer.from(signature, 'base64'))
}

/** sha2-256 (hex) of the output parts, each as its stored protobuf encoding, length-prefixed. */
export function resultHash(storedParts: string[]): string {
  const h = createHash('sha256')
  for (const p of storedParts) {
    const b = Buffer.from(p, 'base64')
    const len = Buffer.alloc(4)
    len.writeUInt32BE(b.length)
    h.update(len).update(b)
  }
  return h.digest('hex')
}
