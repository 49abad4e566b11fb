// Meeting other moltmesh daemons through the public IPFS (Amino) DHT. Every joined daemon provides one
// well-known CID there (CIDv1 raw sha2-256 of "moltmesh/v1/rendezvous") and looks up who else provides
// it, then dials those providers. Once connected, the private /moltmesh DHT (cards, names, capability
// providers) takes over; nothing else ever goes into the public DHT.
//
// A provider record is only useful with an address others can dial, and public DHT servers drop
// private addresses (and ignore a provider with none): so this daemon provides only once it has a
// confirmed public address or a relay (/p2p-circuit) address, again before the record expires, and
// again whenever that set of addresses changes.

import type { PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { isPrivate } from '@libp2p/utils'
import { CODE_P2P, type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import type { Logger } from '../log/logger.ts'
import type { Host } from './create-host.ts'
import { countStored } from './dht-announce.ts'

export const RENDEZVOUS_KEY = 'moltmesh/v1/rendezvous'

/** Protocol every moltmesh daemon speaks: a provider without it is not one of us. */
const MOLTMESH_PROTOCOL_PREFIX = '/moltmesh/'
const QUERY_TIMEOUT_MS = 60_000
const DIAL_TIMEOUT_MS = 15_000
const FIRST_RETRY_MS = 5_000
const ADDRESS_CHANGE_DEBOUNCE_MS = 2_000

export async function rendezvousCid(key = RENDEZVOUS_KEY): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(key)))
}

export interface RendezvousComponents {
  host: Host
  /** The public DHT service (public-dht.ts), never the moltmesh one. */
  dht: KadDHT
  logger: Logger
}

export interface RendezvousOptions {
  bootstrapPeers: string[]
  findIntervalMs: number
  reprovideIntervalMs: number
}

export interface RendezvousStatus {
  /** Public DHT bootstrap peers we are connected to. */
  bootstrapConnected: number
  /** Whether a lookup found at least one other moltmesh daemon. */
  found: boolean
  /** Distinct moltmesh daemons found through the rendezvous and connected to. */
  peersFound: number
  /** When the rendezvous record was last stored, and on how many public DHT peers (0 = never). */
  lastProvidedAtMs: number
  providedTo: number
  lastFindAtMs: number
}

/** The peer id at the end of a multiaddr (for a relay address: the destination's). */
export function peerIdOf(ma: Multiaddr): string | undefined {
  return ma.getComponents().findLast((part) => part.code === CODE_P2P)?.value
}

/** Addresses worth putting into a public record: confirmed public ones and relay addresses. */
export function dialableFromOutside(addrs: Multiaddr[]): Multiaddr[] {
  return addrs.filter((ma) => ma.toString().includes('/p2p-circuit') || isPrivate(ma) !== true)
}

export function createRendezvous(c: RendezvousComponents, o: RendezvousOptions) {
  const log = c.logger
  const bootstrap = o.bootstrapPeers.map((a) => multiaddr(a))
  const bootstrapIds = new Set(bootstrap.map(peerIdOf).filter((id) => id != null))
  const found = new Set<string>()
  const status: RendezvousStatus = {
    bootstrapConnected: 0,
    found: false,
    peersFound: 0,
    lastProvidedAtMs: 0,
    providedTo: 0,
    lastFindAtMs: 0,
  }
  const stopController = new AbortController()
  let cid: CID | undefined
  let findTimer: NodeJS.Timeout | undefined
  let provideTimer: NodeJS.Timeout | undefined
  let changeTimer: NodeJS.Timeout | undefined
  let providedAddrs = ''
  let findDelay = FIRST_RETRY_MS
  let providing: Promise<void> | undefined

  const stopping = () => stopController.signal.aborted
  const timeout = (ms: number) => AbortSignal.any([stopController.signal, AbortSignal.timeout(ms)])

  function countBootstrap(): number {
    return c.host.getPeers().filter((p) => bootstrapIds.has(p.toString())).length
  }

  async function connectBootstrap(): Promise<void> {
    await Promise.all(
      bootstrap.map(async (addr) => {
        const id = peerIdOf(addr)
        if (id != null && c.host.getPeers().some((p) => p.toString() === id)) return
        try {
          await c.host.dial(addr, { signal: timeout(DIAL_TIMEOUT_MS) })
        } catch (err) {
          log.debug(
            { addr: addr.toString(), err: (err as Error).message },
            'public DHT bootstrap dial failed',
          )
        }
      }),
    )
    status.bootstrapConnected = countBootstrap()
    log.info({ connected: status.bootstrapConnected, of: bootstrap.length }, 'public DHT bootstrap')
  }

  async function isMoltmesh(peer: PeerId): Promise<boolean> {
    try {
      const p = await c.host.peerStore.get(peer)
      return p.protocols.some((proto) => proto.startsWith(MOLTMESH_PROTOCOL_PREFIX))
    } catch {
      return false
    }
  }

  async function meet(peer: PeerId, addrs: Multiaddr[]): Promise<void> {
    const key = peer.toString()
    if (peer.equals(c.host.peerId) || bootstrapIds.has(key)) return
    try {
      if (c.host.getConnections(peer).length === 0) {
        if (addrs.length > 0) await c.host.peerStore.merge(peer, { multiaddrs: addrs })
        await c.host.dial(peer, { signal: timeout(DIAL_TIMEOUT_MS) })
      }
      // identify runs right after connecting; give it a moment before judging the peer.
      for (let i = 0; i < 20 && !(await isMoltmesh(peer)); i++) await new Promise((r) => setTimeout(r, 100))
      if (!(await isMoltmesh(peer))) {
        log.debug({ peer: key }, 'rendezvous provider does not speak moltmesh; ignored')
        return
      }
      if (!found.has(key)) {
        found.add(key)
        log.info({ peer: key, total: found.size }, 'found a moltmesh daemon through the public DHT')
      }
    } catch (err) {
      log.debug({ peer: key, err: (err as Error).message }, 'could not reach rendezvous provider')
    }
  }

  async function find(): Promise<void> {
    if (cid == null || stopping()) return
    if (countBootstrap() === 0) await connectBootstrap()
    status.lastFindAtMs = Date.now()
    const meetings: Promise<void>[] = []
    try {
      for await (const event of c.dht.findProviders(cid, { signal: timeout(QUERY_TIMEOUT_MS) })) {
        if (event.name === 'PROVIDER')
          for (const p of event.providers) meetings.push(meet(p.id, p.multiaddrs))
      }
    } catch (err) {
      if (!stopping()) log.debug({ err: (err as Error).message }, 'rendezvous lookup ended')
    }
    await Promise.all(meetings)
    status.found = found.size > 0
    status.peersFound = found.size
  }

  function scheduleFind(): void {
    if (stopping()) return
    findTimer = setTimeout(() => {
      void find().finally(() => {
        // Quick retries while nobody was found (the network may just be starting), then slow.
        findDelay = found.size > 0 ? o.findIntervalMs : Math.min(findDelay * 2, o.findIntervalMs)
        scheduleFind()
      })
    }, findDelay)
    findTimer.unref()
  }

  function currentAddrs(): Multiaddr[] {
    return dialableFromOutside(c.host.getMultiaddrs())
  }

  async function provide(reason: string): Promise<void> {
    if (cid == null || stopping()) return
    const addrs = currentAddrs()
    if (addrs.length === 0) {
      log.debug({ reason }, 'not providing the rendezvous yet: no address reachable from outside')
      return
    }
    if (countBootstrap() === 0) await connectBootstrap()
    const key = addrs.map((a) => a.toString()).join(',')
    try {
      const stored = await countStored(
        c.dht.provide(cid, { signal: timeout(QUERY_TIMEOUT_MS) }),
        'ADD_PROVIDER',
      )
      if (stored > 0) {
        providedAddrs = key
        status.lastProvidedAtMs = Date.now()
        status.providedTo = stored
      }
      log.info(
        { reason, stored, addresses: addrs.map((a) => a.toString()) },
        'provided the rendezvous record',
      )
    } catch (err) {
      if (!stopping()) log.warn({ reason, err: (err as Error).message }, 'providing the rendezvous failed')
    }
  }

  /** One provide at a time; a request while one runs is served by running again after it. */
  function requestProvide(reason: string): void {
    if (providing != null) {
      void providing.then(() => requestProvide(reason))
      return
    }
    providing = provide(reason).finally(() => {
      providing = undefined
    })
  }

  const onSelfUpdate = () => {
    clearTimeout(changeTimer)
    changeTimer = setTimeout(() => {
      const key = currentAddrs()
        .map((a) => a.toString())
        .join(',')
      if (key !== '' && key !== providedAddrs) requestProvide('addresses changed')
    }, ADDRESS_CHANGE_DEBOUNCE_MS)
    changeTimer.unref()
  }

  return {
    cid: () => cid,
    status: (): RendezvousStatus => ({ ...status, bootstrapConnected: countBootstrap() }),

    async start(): Promise<void> {
      cid = await rendezvousCid()
      c.host.addEventListener('self:peer:update', onSelfUpdate)
      void connectBootstrap().then(() => {
        requestProvide('start')
        void find()
      })
      scheduleFind()
      provideTimer = setInterval(() => requestProvide('reprovide'), o.reprovideIntervalMs)
      provideTimer.unref()
    },

    stop(): void {
      stopController.abort()
      clearTimeout(findTimer)
      clearInterval(provideTimer)
      clearTimeout(changeTimer)
      c.host.removeEventListener('self:peer:update', onSelfUpdate)
    },
  }
}

export type Rendezvous = ReturnType<typeof createRendezvous>
