// Checks message content before it is signed and queued, so bad input is refused at SendMessage with a
// reason code instead of failing later on the wire.

import { invalidArgument } from '../errors/moltmesh-error.ts'
import type { Part } from '../wire/messaging-codec.ts'

export const MAX_PARTS = 256

export function validateParts(parts: Part[]): void {
  if (parts.length === 0) throw invalidArgument('EMPTY_MESSAGE', 'a message needs at least one part')
  if (parts.length > MAX_PARTS)
    throw invalidArgument('TOO_MANY_PARTS', `a message has at most ${MAX_PARTS} parts`)
  parts.forEach((p, i) => {
    const set = [p.text, p.dataJson, p.raw, p.artifact].filter((x) => x !== undefined)
    if (set.length !== 1) {
      throw invalidArgument(
        'INVALID_PART',
        `part ${i} must have exactly one of text, data_json, raw or artifact`,
      )
    }
    if (p.dataJson !== undefined) {
      try {
        JSON.parse(p.dataJson)
      } catch (err) {
        throw invalidArgument(
          'INVALID_JSON',
          `part ${i}: data_json is not valid JSON: ${(err as Error).message}`,
        )
      }
    }
    if (p.artifact !== undefined && p.artifact.cid === '') {
      throw invalidArgument('INVALID_PART', `part ${i}: an artifact reference needs a cid`)
    }
  })
}
