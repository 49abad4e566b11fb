// Time-ordered unique ids ("msg_" + 10 chars of time + 16 random chars, Crockford base32).
import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

export function newId(prefix: string, now = Date.now()): string {
  let time = ''
  let t = now
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time
    t = Math.floor(t / 32)
  }
  const bytes = randomBytes(16)
  let rand = ''
  for (const b of bytes) rand += ALPHABET[b % 32]
  return `${prefix}_${time}${rand}`
}

/** Zero-padded decimal so that lexicographic key order is numeric order. */
export function seqKey(seq: number): string {
  return seq.toString().padStart(16, '0')
}
