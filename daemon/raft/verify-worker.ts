// Worker thread of the signature pool (verify-pool.ts): checks batches of Ed25519 signatures by
// did:key members off the main event loop. No state beyond the verifier's parsed-key cache.

import { parentPort } from 'node:worker_threads'
import { ed25519DidVerifier } from './entry-auth.ts'

export interface VerifyJob {
  id: number
  items: { member: string; data: Uint8Array; signature: Uint8Array }[]
}

const verifier = ed25519DidVerifier()
parentPort?.on('message', (job: VerifyJob) => {
  const results = job.items.map((i) => verifier.verify(i.member, i.data, i.signature))
  parentPort?.postMessage({ id: job.id, results })
})
