// The networks subsystem: named groups of agents with a signed, replicated member set and broadcasts.
//   - registry.ts: the member sets (signed operations), broadcasts.ts: the histories;
//   - network-gossip.ts: live traffic on GossipSub "/moltmesh/net/1/<id>", checked by a validator;
//   - anti-entropy.ts: /moltmesh/net/1.0.0 exchanges (sync.ts) with members, on connect, after local
//     changes and every `networks.sync_interval_ms`;
//   - dht-presence.ts: networks announced as DHT provider records, so members find each other;
//   - invitations.ts: invitations arriving on messaging's 'network' channel.
// createNetworks(components, options) puts them together: the service plus its lifecycle.

import type { NetworksOptions } from '../config/options.ts'
import type { EventBus } from '../events/event-bus.ts'
import { tryDidFromPeerId } from '../identity/did.ts'
import type { Identity } from '../identity/identity.ts'
import type { Logger } from '../log/logger.ts'
import type { Messaging } from '../messaging/messaging.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { Host } from '../p2p/create-host.ts'
import type { TopicRouter } from '../pubsub/topic-router.ts'
import type { Store } from '../store/store.ts'
import { createAntiEntropy } from './anti-entropy.ts'
import { createBroadcasts } from './broadcasts.ts'
import { createDhtPresence } from './dht-presence.ts'
import { createInvitationSink } from './invitations.ts'
import { createNetworkGossip } from './network-gossip.ts'
import { openNetworkStore } from './network-store.ts'
import { createNetworksService } from './networks-service.ts'
import { createRegistry, type NetState } from './registry.ts'
import { createSync } from './sync.ts'

export { NETWORK_TOPIC_PREFIX, networkTopic } from './network-gossip.ts'

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

/** After a start, bootstrap and DHT get this long to connect before members are dialled. */
const STARTUP_CATCHUP_DELAY_MS = 2_000

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
  const signal = stopController.signal
  let timer: NodeJS.Timeout | undefined
  let startup: NodeJS.Timeout | undefined

  // The registry reports changes of this agent's own membership, which decide the topics it is on
  // and the networks it announces (selfChanged, below; a function declaration, so it can be named
  // here before gossip and presence exist).
  const registry = createRegistry({
    store,
    events: c.events,
    logger,
    hostile,
    selfDid: self,
    onSelfChange: (state, member) => selfChanged(state, member),
  })
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
  const gossip = createNetworkGossip({ router: c.router, registry, broadcasts, logger, hostile })
  const presence = createDhtPresence({ host: c.host, logger, signal })
  const antiEntropy = createAntiEntropy({
    host: c.host,
    registry,
    sync,
    store,
    router: c.router,
    presence,
    logger,
    syncs,
    selfDid: self,
    dialTimeoutMs: c.dialTimeoutMs,
    signal,
  })
  const invitations = createInvitationSink({ store, registry, logger, selfDid: self })

  function selfChanged(state: NetState, member: boolean): void {
    if (signal.aborted) return
    if (member) {
      gossip.join(state)
      void presence.provide(state.id)
    } else {
      gossip.leave(state.id)
      presence.withdraw(state.id)
      logger.info({ network: state.id }, 'no longer a member of the network')
    }
  }

  const onConnect = (evt: CustomEvent): void => {
    const did = tryDidFromPeerId(evt.detail)
    if (did != null) antiEntropy.peerConnected(did)
  }

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
    gossip: gossip.publish,
    discover: antiEntropy.discover,
    push: antiEntropy.push,
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
        handle: invitations,
        failed: (record) =>
          logger.info(
            { invitee: record.to, message: record.id, reason: record.lastError },
            'network invitation not delivered',
          ),
      })
      c.host.addEventListener('peer:connect', onConnect)
      const joined = registry.list().filter((s) => s.view.members.has(self))
      for (const state of joined) {
        gossip.join(state)
        void presence.provide(state.id)
      }
      // Members that connect meanwhile are synced on connect; this finds the others.
      startup = setTimeout(() => {
        for (const state of joined)
          if (state.view.members.size > 1) void antiEntropy.catchUp(state).catch(() => undefined)
      }, STARTUP_CATCHUP_DELAY_MS)
      startup.unref()
      if (joined.length > 0) logger.info({ networks: joined.length }, 'rejoined networks')
      timer = setInterval(antiEntropy.tick, options.syncIntervalMs)
      timer.unref()
    },
    async stop(): Promise<void> {
      stopController.abort()
      clearInterval(timer)
      clearTimeout(startup)
      c.host.removeEventListener('peer:connect', onConnect)
      gossip.leaveAll()
      await sync.stop()
      await antiEntropy.settled()
    },
  }
}

export type Networks = Awaited<ReturnType<typeof createNetworks>>
