// kad-dht validator and selector for the /mm-name/ namespace. The validator also feeds the name cache:
// every record kad-dht verifies (incoming PUT, local read, peer response) is remembered.
import type { SelectFn, ValidateFn } from '@libp2p/kad-dht'
import { refused } from '../errors/moltmesh-error.ts'
import type { NameCache } from './name-cache.ts'
import { compareClaims, decodeClaim, NAME_NAMESPACE, type SignedNameClaim } from './name-record.ts'

function nameOfKey(key: Uint8Array): string {
  return new TextDecoder().decode(key).slice(NAME_NAMESPACE.length + 2)
}

export const selectNameRecord: SelectFn = async (key, records) => {
  const name = nameOfKey(key)
  let best = -1
  let bestClaim: SignedNameClaim | undefined
  for (const [i, bytes] of records.entries()) {
    const claim = await decodeClaim(bytes, name).catch(() => undefined)
    if (claim == null) continue
    if (bestClaim == null || compareClaims(claim, bestClaim) < 0) {
      best = i
      bestClaim = claim
    }
  }
  return Math.max(0, best)
}

export function nameDhtHooks(cache: NameCache): {
  validators: Record<string, ValidateFn>
  selectors: Record<string, SelectFn>
} {
  const validate: ValidateFn = async (key, value) => {
    const claim = await decodeClaim(value, nameOfKey(key))
    // kad-dht stores an incoming PUT without asking the selector: refuse an older record of a holder
    // this node has seen newer, so a replay cannot undo a release or a renewal here.
    if (claim.seq < cache.highestSeq(claim.name, claim.did))
      throw refused('RECORD_REPLAYED', `name record seq ${claim.seq} is older than one seen before`)
    // A competing claim that loses to a holder this node saw first (e.g. one back-dated by its
    // author) is neither stored nor served from here, so the holder's record keeps spreading.
    const refusal = cache.refusal(claim)
    if (refusal != null) throw refused(refusal, `"${claim.name}" is held by an earlier claim`)
    cache.observe(claim)
  }
  return { validators: { [NAME_NAMESPACE]: validate }, selectors: { [NAME_NAMESPACE]: selectNameRecord } }
}
