// Networks in the DHT: each network this agent is a member of is announced as a provider record
// under a CID of its id, so joiners and returning members find each other; leaving a network stops
// the announcements. providers() finds the peers that announced one.

import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import type { Logger } from '../log/logger.ts'
import type { Host } from '../p2p/create-host.ts'

/** How long one provider lookup may take; announcing gets three times that. */
export const LOOKUP_TIMEOUT_MS = 10_000

export async function networkCid(id: string): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(`moltmesh:net:v1:${id}`)))
}

export interface DhtPresenceComponents {
  host: Pick<Host, 'services'>
  logger: Logger
  /** Aborted when the networks subsystem stops. */
  signal: AbortSignal
}

export function createDhtPresence(c: DhtPresenceComponents) {
  return {
    async provide(id: string): Promise<void> {
      try {
        const signal = AbortSignal.any([c.signal, AbortSignal.timeout(LOOKUP_TIMEOUT_MS * 3)])
        for await (const _ of c.host.services.dht.provide(await networkCid(id), { signal })) {
          // drain
        }
      } catch (err) {
        c.logger.debug({ network: id, err: (err as Error).message }, 'provide ended early')
      }
    },

    withdraw(id: string): void {
      void networkCid(id)
        .then((cid) => c.host.services.dht.cancelReprovide(cid))
        .catch(() => undefined)
    },

    /** The DHT's provider events for a network (the caller filters and stops early). */
    async *providers(id: string) {
      const signal = AbortSignal.any([c.signal, AbortSignal.timeout(LOOKUP_TIMEOUT_MS)])
      yield* c.host.services.dht.findProviders(await networkCid(id), { signal })
    },
  }
}

export type DhtPresence = ReturnType<typeof createDhtPresence>
