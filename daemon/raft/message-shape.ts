// Shape checks for messages from members. The shell decodes protobuf, so types are right, but a
// confused or hostile member can still send numbers that make no sense (negative, fractional, beyond
// 2^53) or entries with missing bytes. The core drops such a message rather than let NaN or a bogus
// index into its bookkeeping.

import type { Entry, RaftMessage } from './types.ts'

const KINDS = new Set(['data', 'config', 'noop'])

const count = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0

function entryOk(e: Entry): boolean {
  return (
    e != null &&
    count(e.index) &&
    count(e.term) &&
    count(e.seq) &&
    KINDS.has(e.kind) &&
    typeof e.proposer === 'string' &&
    typeof e.client === 'string' &&
    e.payload instanceof Uint8Array &&
    e.signature instanceof Uint8Array &&
    e.prevHash instanceof Uint8Array &&
    e.hash instanceof Uint8Array
  )
}

/** Why the message is malformed, or undefined when its fields are usable. */
export function messageProblem(m: RaftMessage): string | undefined {
  if (!count(m.term)) return 'bad term'
  switch (m.type) {
    case 'append':
      if (![m.prevIndex, m.prevTerm, m.commit, m.round].every(count)) return 'bad append numbers'
      if (!Array.isArray(m.entries) || !m.entries.every(entryOk)) return 'bad entries'
      if (m.proof != null && (!Array.isArray(m.proof) || !m.proof.every(entryOk))) return 'bad proof'
      return undefined
    case 'append-response':
      // A rejection hint may be -1 (nothing matches), never less.
      if (!Number.isSafeInteger(m.index) || m.index < -1 || !count(m.hintTerm) || !count(m.round)) {
        return 'bad append-response numbers'
      }
      return typeof m.success === 'boolean' ? undefined : 'bad success flag'
    case 'vote':
      return count(m.lastIndex) && count(m.lastTerm) && typeof m.pre === 'boolean' ? undefined : 'bad vote'
    case 'vote-response':
      return typeof m.pre === 'boolean' && typeof m.granted === 'boolean' ? undefined : 'bad vote response'
    case 'snapshot': {
      const meta = m.snapshot?.meta
      if (meta == null || !count(meta.index) || !count(meta.term) || !count(m.round)) return 'bad snapshot'
      if (!(meta.hash instanceof Uint8Array) || !(m.snapshot.data instanceof Uint8Array))
        return 'bad snapshot'
      if (!Array.isArray(meta.membership?.voters) || !Array.isArray(meta.membership?.learners))
        return 'bad snapshot'
      if (!Array.isArray(meta.memberChanges) || !meta.memberChanges.every(entryOk)) return 'bad snapshot'
      if (!Array.isArray(meta.dedupe) || !meta.dedupe.every((r) => count(r.seq) && count(r.index))) {
        return 'bad snapshot'
      }
      return undefined
    }
    case 'forward':
      return typeof m.requestId === 'string' && m.proposal != null && count(m.proposal.seq)
        ? undefined
        : 'bad forward'
    case 'forward-response':
      return typeof m.requestId === 'string' && m.outcome != null ? undefined : 'bad forward response'
    case 'read-index':
      return typeof m.requestId === 'string' ? undefined : 'bad read-index'
    case 'read-index-response':
      return typeof m.requestId === 'string' && Number.isSafeInteger(m.index) && m.index >= -1
        ? undefined
        : 'bad read-index response'
    default:
      return `unknown message type ${String((m as { type: unknown }).type)}`
  }
}
