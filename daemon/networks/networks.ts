// The networks subsystem: named groups of agents with a signed, replicated member set and broadcasts.
//   - live traffic: GossipSub on "/moltmesh/net/1/<id>" (broadcasts and membership operations), each
//     message checked by a topic validator before GossipSub delivers or forwards it;
//   - anti-entropy: /moltmesh/net/1.0.0 with connected members at start, on every connect of a member,
//     after every local change and every `networks.sync_interval_ms`; members that are not connected
//     are dialled, and networks are announced as DHT provider records so joiners and returning members
//     find each other;
//   - invitations: durable messaging envelopes (MessageBody.network), handed here by the receiver.
// createNetworks(components, options) returns the service plus its lifecycle.

import type { SignedMessage, TopicValidatorFn } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import type { NetworksOptions } from '../config/options.ts'
import { reasonOf } from '../errors/moltmesh-error.ts'
import type { EventBus } from '../events/event-bus.ts'
import { peerIdFromDid, tryDidFromPeerId } from '../identity/did.ts'
import type { Identity } from '../identity/identity.ts'
import type { Logger } from '../log/logger.ts'
import type { ChannelSpec } from '../messaging/channels.ts'
import type { Messaging } from '../messaging/messaging.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { Host } from '../p2p/create-host.ts'
import type { TopicRouter } from '../pubsub/topic-router.ts'
import { RESERVED_TOPIC_PREFIX } from '../pubsub/topics.ts'
import type { Store } from '../store/store.ts'
import { type NetworkBroadcast, NetworkGossip } from '../wire/gen/moltmesh/wire/v1/networks.ts'
import { createBroadcasts } from './broadcasts.ts'
import { openNetworkStore } from './network-store.ts'
import { createNetworksService } from './networks-service.ts'
import {
  invitationProblem,
  networkIdOf,
  opHashOf,
  parseDescriptor,
  parseInvitationText,
  parseOp,
  type SignedDescriptor,
} from './records.ts'
import { createRegistry, type NetState } from './registry.ts'
import { createSync } from './sync.ts'

export interface NetworksComponents {
  host: Host
  identity: Identity
  store: Store
  messaging: Messaging
  router: TopicRouter
  events: EventBus
  logger: Logger
  metrics: Metrics
  resolveTarget: (value: string) => Promise<string>
  dialTimeoutMs: number
  /** Largest broadcast payload (pubsub.max_payload_bytes). */
  maxPayloadBytes: number
  /** Largest envelope body (messaging.max_payload_bytes). */
  maxEnvelopeBytes: number
}

export const NETWORK_TOPIC_PREFIX = `${RESERVED_TOPIC_PREFIX}net/1/`
/** Members a change is pushed to directly (besides gossip), and how long the caller waits for it. */
const PUSH_FANOUT = 3
const PUSH_WAIT_MS = 5_000
/** Members dialled when none is connected, per attempt. */
const DIAL_FANOUT = 4
/** After a start, bootstrap and DHT get this long to connect before members are dialled. */
const STARTUP_CATCHUP_DELAY_MS = 2_000
const LOOKUP_TIMEOUT_MS = 10_000
const PRUNE_INTERVAL_MS = 60_000

export const networkTopic = (id: string): string => `${NETWORK_TOPIC_PREFIX}${id}`

async function networkCid(id: string): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(`moltmesh:net:v1:${id}`)))
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[items[i], items[j]] = [items[j] as T, items[i] as T]
  }
  return items
}

export async function createNetworks(c: NetworksComponents, options: NetworksOptions) {
  const logger = c.logger.child({ component: 'networks' })
  const self = c.identity.did
  const hostile = c.metrics.counter(
    'moltmesh_hostile_input_total',
    'Rejected hostile or malformed peer input, by reason',
  )
  const syncs = c.metrics.counter('moltmesh_network_syncs_total', 'Network anti-entropy exchanges, by result')
  const store = await openNetworkStore(c.store, {
    maxMessages: options.historyMaxMessages,
    maxAgeMs: options.historyMaxAgeMs,
  })
  const stopController = new AbortController()
  /** Leave functions of the network topics this daemon is on (the networks it is a member of). */
  const topics = new Map<string, () => void>()
  const inflight = new Map<string, Promise<boolean>>()
  let timer: NodeJS.Timeout | undefined
  let startup: NodeJS.Timeout | undefined
  let lastPrune = 0

  const registry = createRegistry({ store, events: c.events, logger, hostile, selfDid: self, onSelfChange })
  const broadcasts = createBroadcasts({
    registry,
    store,
    events: c.events,
    logger,
    hostile,
    maxPayloadBytes: c.maxPayloadBytes,
    maxAgeMs: options.historyMaxAgeMs,
    maxMessages: options.historyMaxMessages,
  })
  const sync = createSync({
    host: c.host,
    registry,
    broadcasts,
    logger,
    hostile,
    selfDid: self,
    maxPayloadBytes: c.maxPayloadBytes,
    maxMessages: options.historyMaxMessages,
    dialTimeoutMs: c.dialTimeoutMs,
  })

  // ------------------------------------------------------------------------------ gossip

  /** Broadcasts accepted by the validator, for the message handler (GossipSub passes the same object). */
  const accepted = new WeakMap<SignedMessage, NetworkBroadcast>()

  function reject(state: NetState, reason: string, peer: string): TopicValidatorResult {
    hostile.inc({ protocol: 'net', reason })
    logger.warn({ network: state.id, peer, reason }, 'rejected network gossip')
    return TopicValidatorResult.Reject
  }

  function validatorFor(state: NetState): TopicValidatorFn {
    return async (peer, msg) => {
      const author = msg.type === 'signed' ? tryDidFromPeerId(msg.from) : undefined
      if (msg.type !== 'signed' || author == null) return reject(state, 'NOT_ED25519', peer.toString())
      let gossip: NetworkGossip
      try {
        gossip = NetworkGossip.decode(msg.data)
      } catch {
        return reject(state, 'MALFORMED', author)
      }
      if (gossip.op != null) {
        if (state.ops.has(opHashOf(gossip.op))) return TopicValidatorResult.Ignore
        try {
          const entry = await parseOp(gossip.op, state.descriptor, state.id)
          if (entry.op.actor !== author) return reject(state, 'SENDER_MISMATCH', author)
          // Applied now, so a broadcast right behind a join already sees the new member.
          void registry.persist(state, registry.apply(state, [entry]))
          return TopicValidatorResult.Accept
        } catch (err) {
          const reason = reasonOf(err) ?? 'INTERNAL'
          return reason === 'FROM_THE_FUTURE' ? TopicValidatorResult.Ignore : reject(state, reason, author)
        }
      }
      if (gossip.broadcast != null) {
        const verdict = await broadcasts.check(state, gossip.broadcast, author, 'live')
        if (verdict === 'OK') {
          accepted.set(msg, gossip.broadcast)
          return TopicValidatorResult.Accept
        }
        broadcasts.refused(state, verdict, author, gossip.broadcast.id)
        // A sender that is not a member may be one whose join has not reached us yet: no penalty for
        // whoever forwarded it; the history sync fetches it later if it was legitimate.
        return verdict === 'DUPLICATE' || verdict === 'TOO_OLD' || verdict === 'NOT_A_MEMBER'
          ? TopicValidatorResult.Ignore
          : TopicValidatorResult.Reject
      }
      return reject(state, 'MALFORMED', author)
    }
  }

  function joinTopic(state: NetState): void {
    if (topics.has(state.id)) return
    const handler = (msg: SignedMessage) => {
      const b = accepted.get(msg)
      if (b != null)
        broadcasts
          .store(state, b)
          .catch((err: unknown) => logger.warn({ network: state.id, err }, 'could not store a broadcast'))
    }
    topics.set(state.id, c.router.join(networkTopic(state.id), handler, validatorFor(state)))
  }

  function leaveTopic(id: string): void {
    topics.get(id)?.()
    topics.delete(id)
  }

  async function gossip(state: NetState, message: NetworkGossip): Promise<string[]> {
    const result = await c.router.publish(networkTopic(state.id), NetworkGossip.encode(message).finish())
    return result.recipients.map((p) => tryDidFromPeerId(p)).filter((d): d is string => d != null)
  }

  // ------------------------------------------------------------------------------ membership of this agent

  function onSelfChange(state: NetState, member: boolean): void {
    if (stopController.signal.aborted) return
    if (member) {
      joinTopic(state)
      void provide(state.id)
    } else {
      leaveTopic(state.id)
      void networkCid(state.id)
        .then((cid) => c.host.services.dht.cancelReprovide(cid))
        .catch(() => undefined)
      logger.info({ network: state.id }, 'no longer a member of the network')
    }
  }

  async function provide(id: string): Promise<void> {
    try {
      const signal = AbortSignal.any([stopController.signal, AbortSignal.timeout(LOOKUP_TIMEOUT_MS * 3)])
      for await (const _ of c.host.services.dht.provide(await networkCid(id), { signal })) {
        // drain
      }
    } catch (err) {
      logger.debug({ network: id, err: (err as Error).message }, 'provide ended early')
    }
  }

  // ------------------------------------------------------------------------------ anti-entropy

  function connectedDids(): Set<string> {
    const out = new Set<string>()
    for (const conn of c.host.getConnections()) {
      const did = tryDidFromPeerId(conn.remotePeer)
      if (did != null) out.add(did)
    }
    return out
  }

  function connectedMembers(state: NetState): string[] {
    const connected = connectedDids()
    return [...state.view.members.keys()].filter((did) => did !== self && connected.has(did))
  }

  /**
   * Connects to a peer unless it is connected already. The peer is dialled only with addresses (known,
   * or found by DHT peer routing first): a dial by bare peer id would sit in peer routing, and every
   * other dial of that peer (a bootstrap dial with the right address) would join it and wait too.
   */
  async function reach(did: string): Promise<boolean> {
    const peerId = peerIdFromDid(did)
    if (c.host.getConnections(peerId).length > 0) return true
    const signal = AbortSignal.any([stopController.signal, AbortSignal.timeout(c.dialTimeoutMs)])
    try {
      const known = await c.host.peerStore.get(peerId).catch(() => undefined)
      if ((known?.addresses.length ?? 0) === 0) {
        const found = await c.host.peerRouting.findPeer(peerId, { signal })
        if (found.multiaddrs.length === 0) return false
        await c.host.peerStore.merge(peerId, { multiaddrs: found.multiaddrs })
      }
      await c.host.dial(peerId, { signal })
      return true
    } catch (err) {
      logger.debug({ peer: did, err: (err as Error).message }, 'could not reach a member')
      return false
    }
  }

  /** One exchange with a peer about a network (de-duplicated while one is running). */
  function syncNow(did: string, id: string): Promise<boolean> {
    const key = `${did} ${id}`
    const running = inflight.get(key)
    if (running != null) return running
    const started = reach(did)
      .then((reached) => {
        if (!reached) throw new Error('peer not reachable')
        return sync.syncWith(did, id, stopController.signal)
      })
      .then(
        (result) => {
          syncs.inc({ result: result.reason == null ? 'ok' : 'refused' })
          if (result.fetched > 0)
            logger.info({ network: id, peer: did, fetched: result.fetched }, 'fetched missed broadcasts')
          return result.reason == null
        },
        (err: unknown) => {
          syncs.inc({ result: 'failed' })
          logger.debug({ network: id, peer: did, err: (err as Error).message }, 'network sync failed')
          return false
        },
      )
      .finally(() => inflight.delete(key))
    inflight.set(key, started)
    return started
  }

  /** Pushes local changes to connected members (and `also`), waiting at most PUSH_WAIT_MS. */
  async function push(state: NetState, also: string[] = []): Promise<void> {
    const targets = new Set(also.filter((did) => did !== self))
    for (const did of shuffle(connectedMembers(state))) {
      if (targets.size >= PUSH_FANOUT + also.length) break
      targets.add(did)
    }
    if (targets.size === 0) return
    let timeout: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.allSettled([...targets].map((did) => syncNow(did, state.id))),
      new Promise((resolve) => {
        timeout = setTimeout(resolve, PUSH_WAIT_MS)
      }),
    ])
    clearTimeout(timeout)
  }

  /** Peers that may hold a network: connected topic subscribers, then DHT providers (lazily). */
  async function* candidates(id: string, first: string[]): AsyncGenerator<string> {
    const seen = new Set<string>([self])
    const fresh = (did: string | undefined): did is string => {
      if (did == null || seen.has(did)) return false
      seen.add(did)
      return true
    }
    for (const did of first) if (fresh(did)) yield did
    for (const peer of c.router.subscribers(networkTopic(id))) {
      const did = tryDidFromPeerId(peer)
      if (fresh(did)) yield did
    }
    const signal = AbortSignal.any([stopController.signal, AbortSignal.timeout(LOOKUP_TIMEOUT_MS)])
    try {
      for await (const event of c.host.services.dht.findProviders(await networkCid(id), { signal })) {
        if (event.name !== 'PROVIDER') continue
        for (const p of event.providers) {
          const did = tryDidFromPeerId(p.id)
          if (!fresh(did)) continue
          if (p.multiaddrs.length > 0)
            await c.host.peerStore.merge(p.id, { multiaddrs: p.multiaddrs }).catch(() => undefined)
          yield did
        }
      }
    } catch (err) {
      logger.debug({ network: id, err: (err as Error).message }, 'provider lookup ended')
    }
  }

  /** The descriptor and operations of an unknown network, from the first peer that serves it. */
  async function discover(
    id: string,
    hint: string | undefined,
  ): Promise<{ descriptor: SignedDescriptor; text: string; ops: string[] } | undefined> {
    for await (const did of candidates(id, hint != null ? [hint] : [])) {
      try {
        if (!(await reach(did))) continue
        const result = await sync.syncWith(did, id, stopController.signal)
        if (result.reason != null) continue
        return {
          descriptor: await parseDescriptor(result.descriptor, id),
          text: result.descriptor,
          ops: result.ops,
        }
      } catch (err) {
        logger.debug(
          { network: id, peer: did, err: (err as Error).message },
          'could not fetch the network from a peer',
        )
      }
    }
    return undefined
  }

  /** Syncs with `fanout` connected members; with none connected, dials known members and providers. */
  async function catchUp(state: NetState, fanout = PUSH_FANOUT): Promise<void> {
    const connected = shuffle(connectedMembers(state)).slice(0, fanout)
    if (connected.length > 0) {
      await Promise.allSettled(connected.map((did) => syncNow(did, state.id)))
      return
    }
    const known = shuffle([...state.view.members.keys()].filter((did) => did !== self)).slice(0, DIAL_FANOUT)
    let reached = 0
    for await (const did of candidates(state.id, known)) {
      if (stopController.signal.aborted || reached >= PUSH_FANOUT) break
      if (await syncNow(did, state.id)) reached++
    }
  }

  const onConnect = (evt: CustomEvent): void => {
    const did = tryDidFromPeerId(evt.detail)
    if (did == null) return
    for (const state of registry.list())
      if (state.view.members.has(self) && state.view.members.has(did)) void syncNow(did, state.id)
  }

  function tick(): void {
    for (const state of registry.list()) {
      if (!state.view.members.has(self) || state.view.members.size < 2) continue
      void catchUp(state, 1).catch(() => undefined)
    }
    if (Date.now() - lastPrune >= PRUNE_INTERVAL_MS) {
      lastPrune = Date.now()
      store
        .pruneByAge()
        .then((n) => n > 0 && logger.debug({ dropped: n }, 'pruned network history'))
        .catch((err: unknown) => logger.warn({ err }, 'history prune failed'))
    }
  }

  // ------------------------------------------------------------------------------ invitations

  /** The handler of the 'network' channel: invitations sent to this agent (registered in start()). */
  const sink: ChannelSpec<'network'>['handle'] = async (from, frame) => {
    const invite = frame.invite
    if (invite == null) return { status: 'rejected', reason: 'MALFORMED', detail: 'empty network frame' }
    let descriptor: SignedDescriptor
    try {
      descriptor = await parseDescriptor(invite.descriptor)
    } catch (err) {
      return {
        status: 'rejected',
        reason: 'INVITATION_INVALID',
        detail: `descriptor: ${(err as Error).message}`,
      }
    }
    const id = networkIdOf(descriptor)
    let invitation: ReturnType<typeof parseInvitationText>
    try {
      invitation = parseInvitationText(invite.invitation)
    } catch (err) {
      return { status: 'rejected', reason: 'INVITATION_INVALID', detail: (err as Error).message }
    }
    if (invitation.inviter !== from)
      return { status: 'rejected', reason: 'SENDER_MISMATCH', detail: invitation.inviter }
    const problem = await invitationProblem(invitation, descriptor, id, self, Date.now())
    if (problem != null) return { status: 'rejected', reason: 'INVITATION_INVALID', detail: problem }
    const existing = await store.receivedInvitation(id)
    // Already used (or joined otherwise): nothing to keep.
    if (existing?.invitation.sig === invitation.sig || registry.isMember(id, self))
      return { status: 'duplicate' }
    await store.putReceivedInvitation(id, {
      descriptor: invite.descriptor,
      invitation,
      receivedAtMs: Date.now(),
    })
    logger.info({ network: id, name: descriptor.name, inviter: from }, 'received a network invitation')
    return { status: 'stored' }
  }

  // ------------------------------------------------------------------------------ service and lifecycle

  const service = createNetworksService({
    identity: c.identity,
    registry,
    store,
    broadcasts,
    outbox: c.messaging.outbox,
    signFrame: (input) => c.messaging.signFrame('network', input),
    kick: (did) => c.messaging.delivery.kick(did),
    events: c.events,
    logger,
    resolveTarget: c.resolveTarget,
    gossip,
    discover,
    push,
    maxPayloadBytes: c.maxPayloadBytes,
    maxEnvelopeBytes: c.maxEnvelopeBytes,
    maxNetworks: options.maxNetworks,
  })
  c.metrics.gauge(
    'moltmesh_networks_joined',
    'Networks the agent is a member of',
    () => registry.list().filter((s) => s.view.members.has(self)).length,
  )

  return {
    service,
    async start(): Promise<void> {
      await registry.load()
      await sync.start()
      // Invitations travel on messaging's 'network' channel. One the invitee refused or that expired
      // has nothing to undo here: GetMessage on the message id InviteToNetwork returned shows why.
      c.messaging.channels.register({
        name: 'network',
        idPrefix: 'nfr',
        handle: sink,
        failed: (record) =>
          logger.info(
            { invitee: record.to, message: record.id, reason: record.lastError },
            'network invitation not delivered',
          ),
      })
      c.host.addEventListener('peer:connect', onConnect)
      const joined = registry.list().filter((s) => s.view.members.has(self))
      for (const state of joined) {
        joinTopic(state)
        void provide(state.id)
      }
      // Members that connect meanwhile are synced by onConnect; this finds the others.
      startup = setTimeout(() => {
        for (const state of joined)
          if (state.view.members.size > 1) void catchUp(state).catch(() => undefined)
      }, STARTUP_CATCHUP_DELAY_MS)
      startup.unref()
      if (joined.length > 0) logger.info({ networks: joined.length }, 'rejoined networks')
      timer = setInterval(tick, options.syncIntervalMs)
      timer.unref()
    },
    async stop(): Promise<void> {
      stopController.abort()
      clearInterval(timer)
      clearTimeout(startup)
      c.host.removeEventListener('peer:connect', onConnect)
      for (const id of [...topics.keys()]) leaveTopic(id)
      await sync.stop()
      await Promise.allSettled([...inflight.values()])
    },
  }
}

export type Networks = Awaited<ReturnType<typeof createNetworks>>
