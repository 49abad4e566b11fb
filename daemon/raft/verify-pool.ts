// Entry signatures checked in worker threads before the core sees them. The core verifies
// synchronously inside `step` (it is a pure function); at thousands of entries a second on every
// member that is a large share of the event loop (an Ed25519 verify costs 80-200 µs here). The shell
// hands each incoming message's signatures to this pool first and steps the message once the results
// are in; the core's verifier then finds them in a cache (keyed by a hash of member, signed bytes and
// signature, so a result can only answer the exact question it was computed for) and falls back to
// verifying itself for anything not pre-checked.

import { createHash } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import type { EntryVerifier } from './entry-auth.ts'
import { signingBytes } from './entry-codec.ts'
import type { RaftMessage, SignedProposal } from './types.ts'
import type { VerifyJob } from './verify-worker.ts'

type Item = VerifyJob['items'][number]

export interface VerifyPool {
  /** Pre-checks the signatures in `message` (of group `groupId`); resolves when their results are cached. */
  precheck(groupId: string, message: RaftMessage): Promise<void>
  /** The verifier to give the core: cached results first, `fallback` otherwise. */
  readonly verifier: EntryVerifier
  close(): Promise<void>
}

/** Cached results kept at most; a result is used once and dropped. */
const MAX_CACHED = 100_000

function keyOf(member: string, data: Uint8Array, signature: Uint8Array): string {
  return createHash('sha256').update(member).update('\0').update(data).update(signature).digest('base64')
}

function proposalsOf(m: RaftMessage): SignedProposal[] {
  switch (m.type) {
    case 'append':
      return [...m.entries, ...(m.proof ?? [])]
    case 'snapshot':
      return m.snapshot.meta.memberChanges
    case 'forward':
      return [m.proposal]
    default:
      return []
  }
}

export function createVerifyPool(size: number, fallback: EntryVerifier): VerifyPool {
  const workers = Array.from({ length: Math.max(1, size) }, () => {
    const w = new Worker(new URL('./verify-worker.ts', import.meta.url))
    w.unref()
    return w
  })
  const pending = new Map<number, (results: boolean[]) => void>()
  const cache = new Map<string, boolean>()
  let nextId = 0
  let turn = 0
  for (const w of workers) {
    w.on('message', (msg: { id: number; results: boolean[] }) => {
      pending.get(msg.id)?.(msg.results)
      pending.delete(msg.id)
    })
  }

  function run(items: Item[]): Promise<boolean[]> {
    const id = nextId++
    const worker = workers[turn++ % workers.length] as Worker
    return new Promise((resolve) => {
      pending.set(id, resolve)
      worker.postMessage({ id, items } satisfies VerifyJob)
    })
  }

  return {
    async precheck(groupId, message) {
      const items: Item[] = []
      for (const p of proposalsOf(message)) {
        // Malformed entries are the core's to refuse; only well-typed ones are worth a worker's time.
        if (typeof p?.proposer !== 'string' || !(p.signature instanceof Uint8Array)) continue
        try {
          items.push({ member: p.proposer, data: signingBytes(groupId, p), signature: p.signature })
        } catch {
          // not encodable: the core will refuse it
        }
      }
      if (items.length === 0) return
      const results = await run(items)
      if (results.length !== items.length) return // the pool is closing: the core verifies itself
      if (cache.size > MAX_CACHED) cache.clear()
      items.forEach((i, n) => {
        cache.set(keyOf(i.member, i.data, i.signature), results[n] === true)
      })
    },
    verifier: {
      verify(member, data, signature) {
        const key = keyOf(member, data, signature)
        const cached = cache.get(key)
        if (cached !== undefined) {
          cache.delete(key)
          return cached
        }
        return fallback.verify(member, data, signature)
      },
    },
    async close() {
      for (const resolve of pending.values()) resolve([])
      pending.clear()
      await Promise.all(workers.map((w) => w.terminate()))
    },
  }
}
