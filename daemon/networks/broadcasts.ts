// Broadcasts of a network: the checks every received broadcast passes (live from GossipSub or fetched
// from another member's history), storage in the bounded history with de-duplication by id, the
// `network.broadcast` event, and the history a member serves to others.

import type { EventBus } from '../events/event-bus.ts'
import { isDid } from '../identity/did.ts'
import type { Logger } from '../log/logger.ts'
import type { Counter } from '../metrics/metrics.ts'
import type { NetworkBroadcast } from '../wire/gen/moltmesh/wire/v1/networks.ts'
import { wasMemberAt } from './membership.ts'
import type { NetworkStore } from './network-store.ts'
import { type BroadcastRecord, CLOCK_SKEW_MS, MAX_MESSAGE_ID_LENGTH, verifyBroadcast } from './records.ts'
import type { NetState, Registry } from './registry.ts'

export interface BroadcastsComponents {
  registry: Registry
  store: NetworkStore
  events: EventBus
  logger: Logger
  hostile: Counter
  maxPayloadBytes: number
  maxAgeMs: number
  maxMessages: number
}

/** How long a live broadcast from an unknown sender waits for that sender's join to arrive. */
const MEMBER_WAIT_MS = 1_000
const MAX_MEMBER_WAITS = 64

interface Waiting {
  b: NetworkBroadcast
  resolve: (record: BroadcastRecord | undefined) => void
  reject: (err: unknown) => void
}

/** 'OK', or why a broadcast is not stored: DUPLICATE and TOO_OLD are harmless, the rest are refusals. */
export type Verdict = string

export function createBroadcasts(c: BroadcastsComponents) {
  let waits = 0

  /** Resolves true once `did` is a member of the network, false after the wait. */
  function waitForMember(state: NetState, did: string): Promise<boolean> {
    if (waits >= MAX_MEMBER_WAITS) return Promise.resolve(false)
    waits++
    return new Promise((resolve) => {
      const done = (result: boolean) => {
        clearTimeout(timer)
        off()
        waits--
        resolve(result)
      }
      const off = c.events.on('network.member_joined', ({ networkId, member }) => {
        if (networkId === state.id && member.did === did) done(true)
      })
      const timer = setTimeout(() => done(state.view.members.has(did)), MEMBER_WAIT_MS)
    })
  }

  /**
   * Checks a broadcast. `author` is the GossipSub signer for live messages (it must be the sender).
   * Live broadcasts must come from a current member; history from someone who was a member when sending.
   */
  async function check(
    state: NetState,
    b: NetworkBroadcast,
    author: string | undefined,
    mode: 'live' | 'history',
  ): Promise<Verdict> {
    if (b.networkId !== state.id) return 'WRONG_NETWORK'
    if (b.id === '' || b.id.length > MAX_MESSAGE_ID_LENGTH || !isDid(b.from)) return 'MALFORMED'
    if (b.payload.length > c.maxPayloadBytes) return 'PAYLOAD_TOO_LARGE'
    if (author != null && author !== b.from) return 'SENDER_MISMATCH'
    const now = Date.now()
    if (b.sentAtMs > now + CLOCK_SKEW_MS) return 'FROM_THE_FUTURE'
    if (b.sentAtMs < now - c.maxAgeMs) return 'TOO_OLD'
    if (!(await verifyBroadcast(b))) return 'SIGNATURE_INVALID'
    const member =
      mode === 'live'
        ? state.view.members.has(b.from) || (await waitForMember(state, b.from))
        : wasMemberAt(state.view, b.from, b.sentAtMs)
    if (!member) return 'NOT_A_MEMBER'
    if (c.store.hasBroadcast(state.id, b.id)) return 'DUPLICATE'
    return 'OK'
  }

  /** Counts and logs a refusal; harmless verdicts are not counted. */
  function refused(state: NetState, verdict: Verdict, peer: string, id: string): void {
    if (verdict === 'OK' || verdict === 'DUPLICATE' || verdict === 'TOO_OLD') return
    c.hostile.inc({ protocol: 'net', reason: verdict })
    c.logger.warn({ network: state.id, peer, id, reason: verdict }, 'rejected a network broadcast')
  }

  /** Checked broadcasts waiting for their network's next history write, by network. */
  const waiting = new Map<string, Array<Waiting>>()

  /**
   * Stores a checked broadcast unless it is already there; emits `network.broadcast`; resolves with
   * the stored record (undefined for a duplicate) once it is written. Broadcasts that arrive while a
   * network's history is being written go into its next write together: one write per burst instead
   * of one per broadcast, each waiting for the one before (under a flood in a 100-host mesh the
   * sender's own BroadcastNetwork waited behind dozens of single writes).
   */
  function store(state: NetState, b: NetworkBroadcast): Promise<BroadcastRecord | undefined> {
    return new Promise((resolve, reject) => {
      const queued = waiting.get(state.id)
      if (queued != null) {
        queued.push({ b, resolve, reject })
        return
      }
      waiting.set(state.id, [{ b, resolve, reject }])
      void c.registry.lock(`h:${state.id}`, () => writeWaiting(state))
    })
  }

  /** Writes every broadcast waiting for the network, in arrival order, in one write (lock held). */
  async function writeWaiting(state: NetState): Promise<void> {
    const batch = waiting.get(state.id) ?? []
    waiting.delete(state.id)
    const fresh: Waiting[] = []
    const ids = new Set<string>()
    for (const w of batch) {
      if (c.store.hasBroadcast(state.id, w.b.id) || ids.has(w.b.id)) w.resolve(undefined)
      else {
        ids.add(w.b.id)
        fresh.push(w)
      }
    }
    try {
      const now = Date.now()
      const records = await c.store.addBroadcasts(
        fresh.map(({ b }) => ({
          id: b.id,
          networkId: state.id,
          from: b.from,
          sentAtMs: b.sentAtMs,
          receivedAtMs: now,
          payload: Buffer.from(b.payload).toString('base64'),
          signature: Buffer.from(b.signature).toString('base64'),
        })),
      )
      records.forEach((record, i) => {
        fresh[i]?.resolve(record)
        // A listener that throws must not leave the rest of the batch unanswered.
        try {
          c.events.emit('network.broadcast', { networkId: state.id, message: record })
        } catch (err) {
          c.logger.warn({ err, network: state.id }, 'a network.broadcast listener failed')
        }
      })
    } catch (err) {
      for (const w of fresh) w.reject(err)
    }
  }

  return {
    check,
    refused,
    store,

    /** Ids of the broadcasts held for a network (what a sync request says we have). */
    async ids(networkId: string): Promise<string[]> {
      return (await c.store.historyIndex(networkId)).map((e) => e.id)
    },

    /** The newest `max` stored broadcasts of a network that are not in `have`, oldest first. */
    async missing(networkId: string, have: Set<string>, max: number): Promise<NetworkBroadcast[]> {
      const index = (await c.store.historyIndex(networkId))
        .filter((e) => !have.has(e.id))
        .sort((a, b) => a.seq - b.seq)
        .slice(-Math.max(0, max))
      const cutoff = Date.now() - c.maxAgeMs
      return (
        (
          await c.store.historyAt(
            networkId,
            index.map((e) => e.seq),
          )
        )
          .filter((r) => r.sentAtMs >= cutoff)
          // Served in the order they were sent (this daemon's arrival order of broadcasts from different
          // senders is arbitrary), so a member catching up stores them in send order.
          .sort((a, b) => a.sentAtMs - b.sentAtMs)
          .map((r) => ({
            id: r.id,
            networkId: r.networkId,
            from: r.from,
            sentAtMs: r.sentAtMs,
            payload: Buffer.from(r.payload, 'base64'),
            signature: Buffer.from(r.signature, 'base64'),
          }))
      )
    },

    /**
     * The send time below which fetched history is not wanted: with a full history, anything older
     * than the oldest kept broadcast would only push out newer ones (and come back at the next sync).
     */
    async oldestWanted(networkId: string): Promise<number> {
      if (c.store.historyCount(networkId) < c.maxMessages) return 0
      const [oldest] = await c.store.historyPage(networkId, 0, 1)
      return oldest?.sentAtMs ?? 0
    },
  }
}

export type Broadcasts = ReturnType<typeof createBroadcasts>
