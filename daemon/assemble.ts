// The one place where the daemon is put together: every subsystem is created from its components
// and options, in dependency order, and started at once through the lifecycle, which stops them in
// exactly the reverse order (lifecycle/lifecycle.ts). A subsystem gets what it needs as components
// at creation, never later through a setter; the two real cycles are broken by typed ports
// (messaging/known-peers.ts, and Diag.OpenUi in rpc/rpc-surface.ts). docs/architecture.md has the
// picture.

import { dirname } from 'node:path'
import { type Bridges, createBridges } from './a2a/bridges.ts'
import { createArtifacts } from './artifacts/artifacts.ts'
import { createAddressRepublish } from './cards/address-republish.ts'
import { createCardCache } from './cards/card-cache.ts'
import { cardDhtHooks } from './cards/card-dht.ts'
import { type CardsService, createCardsService } from './cards/cards-service.ts'
import type { DaemonConfig } from './config/options.ts'
import { createDiagService } from './diag/diag-service.ts'
import { createDemandStore } from './discovery/demand-store.ts'
import { createFindAgents } from './discovery/find-agents.ts'
import { createFindAssignee } from './discovery/find-assignee.ts'
import { createActivityCounter } from './events/activity.ts'
import type { EventBus } from './events/event-bus.ts'
import type { Identity } from './identity/identity.ts'
import { createLedger } from './ledger/ledger.ts'
import { createTrackRecords } from './ledger/track-record.ts'
import type { Lifecycle } from './lifecycle/lifecycle.ts'
import { stopOnly } from './lifecycle/startable.ts'
import type { Logger } from './log/logger.ts'
import { createKnownPeers } from './messaging/known-peers.ts'
import { createMessaging } from './messaging/messaging.ts'
import type { Metrics } from './metrics/metrics.ts'
import { registerProcessMetrics } from './metrics/process-metrics.ts'
import { createNameCache } from './names/name-cache.ts'
import { nameDhtHooks } from './names/name-dht.ts'
import { createNamesService } from './names/names-service.ts'
import { createNetworks } from './networks/networks.ts'
import { createOrderedThreadsSubsystem } from './ordered-threads/subsystem.ts'
import { registerAnnouncementGauge } from './p2p/announcement-gauge.ts'
import type { Host } from './p2p/create-host.ts'
import { createDaemonHost } from './p2p/daemon-host.ts'
import { createPeerStorePruner } from './p2p/peer-store-pruner.ts'
import { createPublicNetwork } from './p2p/public-network.ts'
import { resolveAgent } from './p2p/target.ts'
import { createPubsub } from './pubsub/pubsub.ts'
import { daemonEventJson } from './rpc/events-adapter.ts'
import { createRpcSurface } from './rpc/rpc-surface.ts'
import { openDataDir } from './runtime/data-dir.ts'
import { createTaskArtifacts } from './tasks/task-artifacts.ts'
import { createTasks } from './tasks/tasks.ts'
import { VERSION } from './version.ts'
import { createWebhooks } from './webhooks/webhooks.ts'

/** What every subsystem may use, owned by the daemon itself (not started or stopped). */
export interface DaemonContext {
  config: DaemonConfig
  configFile: string | undefined
  logger: Logger
  metrics: Metrics
  events: EventBus
  startedAt: number
  /** Asks the daemon to stop (the Shutdown RPC). */
  requestShutdown: () => void
}

/** What the daemon keeps of the assembled subsystems. */
export interface Assembled {
  identity: Identity
  host: Host
  cards: CardsService
  /** Reconciled again on a config reload. */
  bridges: Bridges
  /** host:port of the RPC TCP listener, when there is one. */
  rpcTcpAddress: string | undefined
}

export async function assembleDaemon(ctx: DaemonContext, lifecycle: Lifecycle): Promise<Assembled> {
  const { config, logger, metrics, events } = ctx
  const dialTimeoutMs = config.p2p.connections.dialTimeoutMs
  // Counting from the first event on, so the workspace shows the hour before it was opened.
  const activity = createActivityCounter({ events })

  // The data dir (database, pid file, identity key): first in, last out.
  await lifecycle.start('activity', stopOnly(activity.stop))
  const { store, privateKey, identity } = await lifecycle.start(
    'data-dir',
    await openDataDir(config.dataDir, logger),
  )
  const selfDid = identity.did
  registerProcessMetrics(metrics, ctx.startedAt)

  // P2P host, with the DHT record rules of the subsystems that publish records (names, cards).
  const nameCache = createNameCache()
  const cardCache = createCardCache()
  const hostileInput = metrics.counter(
    'moltmesh_hostile_input_total',
    'Rejected hostile or malformed peer input, by reason',
  )
  const nameHooks = nameDhtHooks(nameCache)
  const cardHooks = cardDhtHooks(cardCache, (did, reason) => {
    hostileInput.inc({ protocol: 'dht-card', reason })
    logger.warn({ did, reason }, 'rejected agent card record')
  })
  const { host } = await lifecycle.start(
    'p2p',
    await createDaemonHost(
      {
        privateKey,
        events,
        logger,
        metrics,
        dhtValidators: { ...nameHooks.validators, ...cardHooks.validators },
        dhtSelectors: { ...nameHooks.selectors, ...cardHooks.selectors },
      },
      { p2p: config.p2p, network: config.network },
    ),
  )

  // Churning identities must not grow the peer store (and memory) without bound (docs/security.md).
  const pruner = await lifecycle.start(
    'peer-store-pruner',
    createPeerStorePruner(
      { host, logger: logger.child({ component: 'p2p' }) },
      { maxPeers: config.p2p.connections.maxKnownPeers },
    ),
  )
  metrics.gauge('moltmesh_peer_store_peers', 'Peers in the libp2p peer store at its last check', () =>
    pruner.known(),
  )
  metrics.gauge('moltmesh_peer_store_pruned', 'Peers forgotten so far to keep the peer store bounded', () =>
    pruner.pruned(),
  )

  const announcements = registerAnnouncementGauge(metrics)
  // Names first: everywhere a DID is accepted, a claimed name is too.
  const names = await lifecycle.start(
    'names',
    createNamesService(
      {
        host,
        identity,
        store,
        cache: nameCache,
        logger: logger.child({ component: 'names' }),
        announcements,
      },
      config.names,
    ),
  )
  const resolveName = async (name: string): Promise<string> => (await names.resolve(name)).did
  const resolveTarget = (value: string) => resolveAgent(value, resolveName)

  const cards = await lifecycle.start(
    'cards',
    createCardsService(
      {
        host,
        identity,
        store,
        cache: cardCache,
        logger: logger.child({ component: 'cards' }),
        announcements,
        configured: config.agent,
      },
      {
        ttlMs: config.cards.ttlMs,
        reprovideIntervalMs: config.discovery.reprovideIntervalMs,
        lookupTimeoutMs: config.discovery.findTimeoutMs,
      },
    ),
  )
  const republish = await lifecycle.start(
    'card-republish',
    createAddressRepublish({ cards, logger: logger.child({ component: 'cards' }) }),
  )
  const publicNetwork = await lifecycle.start(
    'public-network',
    createPublicNetwork(
      {
        host,
        logger: logger.child({ component: 'network' }),
        dht: host.services.dht,
        publicDht: host.services.publicDht,
        relayServer: host.services.relayServer,
        onAddressesChanged: () => republish.addressesChanged(),
      },
      { ...config.network, dhtMode: config.p2p.dhtMode, relayTransport: config.p2p.relay },
    ),
  )
  registerReachabilityMetrics(metrics, publicNetwork)

  const artifacts = await lifecycle.start(
    'artifacts',
    await createArtifacts(
      { host, store, logger, metrics, selfDid, dataDir: config.dataDir, resolveName, dialTimeoutMs },
      config.artifacts,
    ),
  )

  // Ledger, track records and networks know which peers are not strangers; messaging asks.
  const knownPeers = createKnownPeers()
  const messaging = await lifecycle.start(
    'messaging',
    await createMessaging(
      { host, identity, store, events, logger, metrics, resolveName, dialTimeoutMs, knownPeers },
      config.messaging,
    ),
  )

  // Webhooks subscribe to the event bus before the subsystems below start emitting.
  const webhooks = await lifecycle.start(
    'webhooks',
    await createWebhooks(
      {
        store,
        events,
        logger,
        metrics,
        sign: (data) => identity.sign(data),
        serialize: daemonEventJson,
        userAgent: `moltmesh/${VERSION}`,
      },
      config.webhooks,
    ),
  )

  const pubsub = await lifecycle.start(
    'pubsub',
    createPubsub({ host, events, logger, metrics, selfDid }, config.pubsub),
  )
  const networks = await lifecycle.start(
    'networks',
    await createNetworks(
      {
        host,
        identity,
        store,
        messaging,
        router: pubsub.router,
        events,
        logger,
        metrics,
        resolveTarget,
        dialTimeoutMs,
        maxPayloadBytes: config.pubsub.maxPayloadBytes,
        maxEnvelopeBytes: config.messaging.maxPayloadBytes,
      },
      config.networks,
    ),
  )
  const sharedNetworks = (did: string): string[] =>
    networks.service
      .list()
      .filter((n) => n.view.members.has(did) && n.view.members.has(selfDid))
      .map((n) => n.id)
  knownPeers.add((did) => sharedNetworks(did).length > 0)

  // Network default credit limits apply to the members of networks this agent is in too.
  const ledger = await lifecycle.start(
    'ledger',
    await createLedger(
      { identity, store, events, logger: logger.child({ component: 'ledger' }), sharedNetworks },
      config.ledger,
    ),
  )
  knownPeers.add((did) => {
    const b = ledger.balance(did)
    return b.tasksCompleted + b.tasksFailed > 0 || b.balance !== '0'
  })
  const trackRecords = await createTrackRecords({
    store,
    events,
    logger: logger.child({ component: 'ledger' }),
  })
  await lifecycle.start(
    'track-records',
    stopOnly(() => trackRecords.close()),
  )
  knownPeers.add((did) => trackRecords.get(did) != null)

  // Discovery ranks agents by liveness, track record and balance.
  const demand = createDemandStore(store, config.discovery.maxDemandEntries)
  const findAgents = createFindAgents({
    host,
    cards,
    demand,
    logger: logger.child({ component: 'discovery' }),
    selfDid,
    defaultTimeoutMs: config.discovery.findTimeoutMs,
    standing: (did) => {
      const record = trackRecords.get(did)
      return {
        completed: record?.completed ?? 0,
        failed: record?.failed ?? 0,
        latencyMs: record?.latencyMs ?? 0,
        balance: Number(ledger.balance(did).balance),
      }
    },
  })

  const tasks = await lifecycle.start(
    'tasks',
    await createTasks(
      {
        identity,
        store,
        messaging,
        events,
        logger,
        metrics,
        resolveTarget,
        findAssignee: createFindAssignee(findAgents),
        localSkills: () => cards.localSkills(),
        maxFrameBytes: config.messaging.maxPayloadBytes,
        artifacts: createTaskArtifacts(artifacts.service, logger.child({ component: 'tasks' })),
        ledger,
      },
      config.tasks,
    ),
  )

  // Ordered threads: Raft groups on the daemon's host, logs in its store, invitations over messaging.
  const orderedThreads = await lifecycle.start(
    'ordered-threads',
    createOrderedThreadsSubsystem(
      {
        host,
        privateKey,
        selfDid,
        store,
        messaging,
        events,
        logger,
        metrics,
        resolveTarget,
        dialTimeoutMs,
        maxEnvelopeBytes: config.messaging.maxPayloadBytes,
      },
      config.threads,
    ),
  )

  // The RPC surface: one adapter per subsystem (rpc/api-handlers.ts), converting proto <-> domain types.
  const diag = createDiagService({
    host,
    identity,
    config,
    configFile: ctx.configFile,
    metrics,
    logger: logger.child({ component: 'diag' }),
    resolveName,
    startedAt: ctx.startedAt,
    requestShutdown: ctx.requestShutdown,
    publicNetwork: () => publicNetwork.status(),
    activity,
  })
  const surface = createRpcSurface(
    {
      api: {
        selfDid,
        node: {
          identity,
          dataDir: config.dataDir,
          heldNames: async () => (await names.list()).map((n) => n.name),
        },
        messaging: messaging.service,
        names,
        artifacts: artifacts.service,
        tasks: tasks.service,
        serveSkills: (skills) => cards.serve(skills),
        ledger: {
          ledger,
          resolveTarget,
          knowsNetwork: (id) => networks.service.list().some((n) => n.id === id),
        },
        cards: {
          cards,
          findAgents,
          demand,
          resolveTarget,
          ownName: async () => (await names.list())[0]?.name ?? '',
        },
        diag,
        events,
        webhooks: webhooks.service,
        pubsub: pubsub.service,
        networks: networks.service,
        orderedThreads: orderedThreads.service,
        resolveTarget,
      },
      host,
      logger,
      metrics,
    },
    { socket: config.socket, rpc: config.rpc, ui: config.ui },
  )
  const rpc = await lifecycle.start('rpc', surface.rpc)
  await lifecycle.start('ui', surface.ui)
  // The bridges (A2A gateway, external A2A agents, MCP servers) are clients of the socket just opened.
  const bridges = createBridges({
    socket: config.socket,
    logger,
    selfDid,
    cwd: ctx.configFile != null ? dirname(ctx.configFile) : process.cwd(),
    pushTargets: webhooks.push,
  })
  await lifecycle.start('bridges', { start: () => bridges.apply(config), stop: () => bridges.stop() })
  return { identity, host, cards, bridges, rpcTcpAddress: rpc.tcpAddress }
}

function registerReachabilityMetrics(
  metrics: Metrics,
  network: { status(): ReturnType<ReturnType<typeof createPublicNetwork>['status']> },
): void {
  metrics.gauge('moltmesh_reachability', 'Reachability from the internet: 1 for the current state', () => [
    { labels: { state: network.status().reachability }, value: 1 },
  ])
  metrics.gauge(
    'moltmesh_relay_reservations',
    'Relays this daemon holds reservations on',
    () => network.status().relays.length,
  )
  metrics.gauge(
    'moltmesh_rendezvous_peers',
    'Moltmesh daemons found through the public-DHT rendezvous',
    () => network.status().rendezvous?.peersFound ?? 0,
  )
}
