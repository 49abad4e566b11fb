// FindAgents against a scripted DHT and card source: the provider query is stopped once the card
// fetches under way can satisfy the limit (and run again when they fall short), and the cards of
// connected peers are fetched only after the DHT went first, never before a provider's.
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import type { SignedCard } from '../../../daemon/cards/card-record.ts'
import type { CardsService } from '../../../daemon/cards/cards-service.ts'
import type { DemandStore } from '../../../daemon/discovery/demand-store.ts'
import {
  CONNECTED_FETCH_CONCURRENCY,
  createFindAgents,
  FETCH_CONCURRENCY,
  type FoundAgent,
} from '../../../daemon/discovery/find-agents.ts'
import { didFromPeerId } from '../../../daemon/identity/did.ts'
import type { Logger } from '../../../daemon/log/logger.ts'
import type { Host } from '../../../daemon/p2p/create-host.ts'

const peer = async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
const cardOf = (id: PeerId, skills: string[]): SignedCard =>
  ({
    did: didFromPeerId(id),
    skills: skills.map((s) => ({ id: s, tags: [] })),
    published_at_ms: Date.now(),
    expires_at_ms: Date.now() + 60_000,
  }) as unknown as SignedCard

interface World {
  connected: PeerId[]
  /** Provider events the DHT yields, one round per findProviders call. */
  rounds: PeerId[][][]
  cards: Map<string, SignedCard | undefined>
  /** Card fetch delay, ms. */
  fetchMs?: number
}

function setup(w: World) {
  const log: string[] = []
  const queries = { started: 0, returned: 0, eventsYielded: 0 }
  const host = {
    getPeers: () => w.connected,
    getConnections: (p: PeerId) => (w.connected.some((c) => c.equals(p)) ? [{}] : []),
    peerStore: { merge: async () => undefined },
    services: {
      dht: {
        async *findProviders(_cid: unknown, { signal }: { signal: AbortSignal }) {
          const round = w.rounds[queries.started++] ?? []
          try {
            for (const providers of round) {
              await new Promise((r) => setTimeout(r, 5))
              signal.throwIfAborted()
              queries.eventsYielded++
              yield { name: 'PROVIDER', providers: providers.map((id) => ({ id, multiaddrs: [] })) }
            }
          } finally {
            queries.returned++
          }
        },
      },
    },
  } as unknown as Host
  const inFlight = { provider: 0, connected: 0, maxProvider: 0, maxConnected: 0, maxAll: 0 }
  const cards = {
    async fetchDirect(id: PeerId) {
      const kind = w.connected.some((c) => c.equals(id)) ? 'connected' : 'provider'
      log.push(`fetch ${kind} ${id}`)
      inFlight[kind]++
      inFlight.maxProvider = Math.max(inFlight.maxProvider, inFlight.provider)
      inFlight.maxConnected = Math.max(inFlight.maxConnected, inFlight.connected)
      inFlight.maxAll = Math.max(inFlight.maxAll, inFlight.provider + inFlight.connected)
      await new Promise((r) => setTimeout(r, w.fetchMs ?? 1))
      inFlight[kind]--
      return w.cards.get(id.toString())
    },
    resolve: async () => undefined,
    recentDirect: () => undefined,
  } as unknown as CardsService
  const find = createFindAgents({
    host,
    cards,
    demand: { record: async () => undefined } as unknown as DemandStore,
    logger: { debug: () => undefined, warn: () => undefined } as unknown as Logger,
    selfDid: 'did:key:self',
    defaultTimeoutMs: 5_000,
  })
  const run = async (limit: number) => {
    const out: FoundAgent[] = []
    for await (const a of find(
      { capability: 'summarize', tags: [], limit, timeoutMs: 5_000 },
      new AbortController().signal,
    ))
      out.push(a)
    return out
  }
  return { run, log, queries, inFlight }
}

describe('find agents', () => {
  it('stops the provider query once a provider fetch can satisfy the limit, before connected peers', async () => {
    const [p1, p2, c1] = [await peer(), await peer(), await peer()]
    const w: World = {
      connected: [c1],
      rounds: [[[p1], [p2]]],
      cards: new Map([
        [p1.toString(), cardOf(p1, ['summarize'])],
        [p2.toString(), cardOf(p2, ['summarize'])],
        [c1.toString(), cardOf(c1, ['translate'])],
      ]),
    }
    const { run, log, queries } = setup(w)
    const found = await run(1)
    expect(found.map((f) => f.card.did)).toEqual([didFromPeerId(p1)])
    // The query ended after its first provider event; the connected peer's card was never fetched.
    expect(queries).toEqual({ started: 1, returned: 1, eventsYielded: 1 })
    expect(log).toEqual([`fetch provider ${p1}`])
  })

  it('runs the query again, skipping agents already seen, when the stopped-early fetches fall short', async () => {
    const [dead, p2] = [await peer(), await peer()]
    const w: World = {
      connected: [],
      rounds: [[[dead]], [[dead], [p2]]],
      cards: new Map([[p2.toString(), cardOf(p2, ['summarize'])]]),
    }
    const { run, log, queries } = setup(w)
    const found = await run(1)
    expect(found.map((f) => f.card.did)).toEqual([didFromPeerId(p2)])
    expect(queries.started).toBe(2)
    expect(log).toEqual([`fetch provider ${dead}`, `fetch provider ${p2}`])
  })

  it('finds a connected peer no DHT query knows (mDNS), after the query', async () => {
    const c1 = await peer()
    const w: World = {
      connected: [c1],
      rounds: [[]],
      cards: new Map([[c1.toString(), cardOf(c1, ['summarize'])]]),
      fetchMs: 20,
    }
    const { run, log } = setup(w)
    const found = await run(5)
    expect(found.map((f) => f.connected)).toEqual([true])
    expect(log).toEqual([`fetch connected ${c1}`])
  })

  it('keeps the query running for a larger limit and returns every provider', async () => {
    const ps = await Promise.all([peer(), peer(), peer()])
    const w: World = {
      connected: [],
      rounds: [ps.map((p) => [p])],
      cards: new Map(ps.map((p) => [p.toString(), cardOf(p, ['summarize'])])),
    }
    const { run, queries } = setup(w)
    const found = await run(10)
    expect(new Set(found.map((f) => f.card.did))).toEqual(new Set(ps.map((p) => didFromPeerId(p))))
    expect(queries).toEqual({ started: 1, returned: 1, eventsYielded: 3 })
  })

  it('fetches many providers at once, and connected peers fewer at a time', async () => {
    const providers = await Promise.all(Array.from({ length: 40 }, peer))
    const connected = await Promise.all(Array.from({ length: 20 }, peer))
    const w: World = {
      connected,
      rounds: [[providers]],
      cards: new Map([...providers, ...connected].map((p) => [p.toString(), cardOf(p, ['summarize'])])),
      fetchMs: 30,
    }
    const { run, inFlight } = setup(w)
    const found = await run(100)
    expect(found).toHaveLength(60)
    expect(FETCH_CONCURRENCY).toBeGreaterThan(CONNECTED_FETCH_CONCURRENCY)
    expect(inFlight.maxProvider).toBe(FETCH_CONCURRENCY)
    expect(inFlight.maxConnected).toBe(CONNECTED_FETCH_CONCURRENCY)
    expect(inFlight.maxAll).toBe(FETCH_CONCURRENCY)
  })
})
