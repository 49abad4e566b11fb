// The daemon as a library: createDaemon(options) -> { start(), stop() }. Components are created and
// started here in dependency order and stopped in reverse; nothing else starts anything.

import { dirname } from 'node:path'
import { type Bridges, createBridges } from './a2a/bridges.ts'
import { type Artifacts, createArtifacts } from './artifacts/artifacts.ts'
import { createCardCache } from './cards/card-cache.ts'
import { cardDhtHooks } from './cards/card-dht.ts'
import { type CardsService, createCardsService } from './cards/cards-service.ts'
import type { AgentOptions, DaemonConfig } from './config/options.ts'
import { createDiagService } from './diag/diag-service.ts'
import { createDemandStore } from './discovery/demand-store.ts'
import { createFindAgents } from './discovery/find-agents.ts'
import { isMoltmeshError, MoltmeshError } from './errors/moltmesh-error.ts'
import { createEventBus, type EventBus } from './events/event-bus.ts'
import { tryDidFromPeerId } from './identity/did.ts'
import { createIdentity, type Identity } from './identity/identity.ts'
import { ensureDataDir, loadOrCreateKey } from './identity/key-file.ts'
import { createLedger, type Ledger } from './ledger/ledger.ts'
import { createTrackRecords, type TrackRecords } from './ledger/track-record.ts'
import { createLogger, type Logger } from './log/logger.ts'
import { createMessaging, type Messaging } from './messaging/messaging.ts'
import { createMetrics, type Metrics } from './metrics/metrics.ts'
import { createNameCache } from './names/name-cache.ts'
import { nameDhtHooks } from './names/name-dht.ts'
import { createNamesService, type NamesService } from './names/names-service.ts'
import { createNetworks, type Networks } from './networks/networks.ts'
import { transportOf } from './p2p/connection-info.ts'
import { createHost, type Host, startHost } from './p2p/create-host.ts'
import { dialDiscoveredPeers } from './p2p/dial-discovered.ts'
import { describeListenFailure } from './p2p/listen-error.ts'
import { createPeerStorePruner, type PeerStorePruner } from './p2p/peer-store-pruner.ts'
import { createPublicNetwork, type PublicNetwork } from './p2p/public-network.ts'
import { resolveAgent } from './p2p/target.ts'
import { createPubsub, type Pubsub } from './pubsub/pubsub.ts'
import { API_DEFINITIONS, bridgedServices, createApiHandlers, grpcServices } from './rpc/api-handlers.ts'
import { daemonEventJson } from './rpc/events-adapter.ts'
import { type RpcServer, startRpcServer } from './rpc/grpc-server.ts'
import { createStandardServices, type StandardServices } from './rpc/standard-services.ts'
import { readPidFile, removePidFile, writePidFile } from './runtime/pid-file.ts'
import { openStore, type Store } from './store/store.ts'
import { createTaskArtifacts } from './tasks/task-artifacts.ts'
import { createTasks, type Tasks } from './tasks/tasks.ts'
import { createUi, type Ui } from './ui/ui.ts'
import { VERSION } from './version.ts'
import { createWebhooks, type Webhooks } from './webhooks/webhooks.ts'

/** Delegation by capability: how many candidates to compare, and how long to wait for more. */
const ASSIGNEE_CANDIDATES = 5
const ASSIGNEE_CHOICE_WINDOW_MS = 250

export interface DaemonOptions {
  config: DaemonConfig
  /** The config file the options came from, if any (reported by GetInfo). */
  configFile?: string
  logger?: Logger
}

export interface Daemon {
  readonly config: DaemonConfig
  readonly logger: Logger
  /** Available once started. */
  readonly identity: Identity
  readonly host: Host
  start(): Promise<void>
  /** Graceful stop; safe to call more than once. */
  stop(): Promise<void>
  /** Resolves when a stop begins (by stop(), a signal or a Shutdown RPC). */
  readonly stopRequested: Promise<void>
  /** Resolves when the daemon has stopped (by stop() or a Shutdown RPC). */
  readonly stopped: Promise<void>
  /**
   * Takes new [agent] content (a config reload: name, description, skills) and republishes the card.
   * Resolves with the number of skills on the card now.
   */
  reloadAgent(agent: AgentOptions): Promise<number>
  /** Applies a reloaded config's bridges: [a2a] gateway, [[a2a.remote]], [[mcp.servers]]. */
  reloadBridges(config: DaemonConfig): Promise<void>
}

const RPC_SHUTDOWN_GRACE_MS = 3_000

export function createDaemon(options: DaemonOptions): Daemon {
  const { config } = options
  const logger = options.logger ?? createLogger(config.logLevel)
  const startedAt = Date.now()
  const shutdownController = new AbortController()
  const metrics: Metrics = createMetrics()
  const events: EventBus = createEventBus()

  let identity: Identity | undefined
  let host: Host | undefined
  let store: Store | undefined
  let rpc: RpcServer | undefined
  let standardServices: StandardServices | undefined
  let messaging: Messaging | undefined
  let artifacts: Artifacts | undefined
  let tasks: Tasks | undefined
  let ledgerRef: Ledger | undefined
  let trackRecords: TrackRecords | undefined
  let webhooks: Webhooks | undefined
  let pubsub: Pubsub | undefined
  let networks: Networks | undefined
  let ui: Ui | undefined
  let publicNetwork: PublicNetwork | undefined
  let peerStorePruner: PeerStorePruner | undefined
  let republishTimer: NodeJS.Timeout | undefined
  let stopping: Promise<void> | undefined
  /** The bridges (A2A gateway, external A2A agents, MCP servers), daemon/a2a/bridges.ts. */
  let bridges: Bridges | undefined
  let resolveStopRequested: () => void = () => {}
  const stopRequested = new Promise<void>((resolve) => {
    resolveStopRequested = resolve
  })
  let resolveStopped: () => void = () => {}
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve
  })

  let names: NamesService | undefined
  let cards: CardsService | undefined
  // Everywhere a DID is accepted, a claimed name is too.
  const resolveName = async (name: string, options?: { signal?: AbortSignal }): Promise<string> => {
    if (names == null) throw new MoltmeshError('unavailable', 'NOT_READY', 'the daemon is still starting')
    void options
    return (await names.resolve(name)).did
  }

  async function start(): Promise<void> {
    await ensureDataDir(config.dataDir)
    try {
      store = await openStore(config.dataDir)
    } catch (err) {
      if (isMoltmeshError(err) && err.reason === 'DATA_DIR_LOCKED') {
        const pid = await readPidFile(config.dataDir)
        throw new MoltmeshError(
          'failed_precondition',
          'DATA_DIR_LOCKED',
          `data dir ${config.dataDir} is in use by another moltmesh daemon${pid != null ? ` (pid ${pid})` : ''}; stop it first or choose another --data-dir`,
        )
      }
      throw err
    }
    await writePidFile(config.dataDir)

    const key = await loadOrCreateKey(config.dataDir)
    identity = createIdentity(key.privateKey)
    if (key.created) logger.info({ did: identity.did, key: key.path }, 'created new identity')

    const nameCache = createNameCache()
    const nameHooks = nameDhtHooks(nameCache)
    const cardCache = createCardCache()
    const hostileInput = metrics.counter(
      'moltmesh_hostile_input_total',
      'Rejected hostile or malformed peer input, by reason',
    )
    const cardHooks = cardDhtHooks(cardCache, (did, reason) => {
      hostileInput.inc({ protocol: 'dht-card', reason })
      logger.warn({ did, reason }, 'rejected agent card record')
    })
    host = await createHost({
      privateKey: key.privateKey,
      p2p: config.p2p,
      network: config.network,
      dhtValidators: { ...nameHooks.validators, ...cardHooks.validators },
      dhtSelectors: { ...nameHooks.selectors, ...cardHooks.selectors },
    })
    wireHostEvents(host)
    registerHostMetrics(host)
    dialDiscoveredPeers(host, logger.child({ component: 'p2p' }), config.p2p.connections.maxConnections)
    try {
      await startHost(host, config.p2p)
    } catch (err) {
      throw new MoltmeshError(
        'unavailable',
        'P2P_LISTEN_FAILED',
        describeListenFailure(err, config.p2p.port).message,
        { cause: err },
      )
    }
    // Churning identities must not grow the peer store (and memory) without bound (docs/security.md).
    const pruner = createPeerStorePruner(
      { host, logger: logger.child({ component: 'p2p' }) },
      { maxPeers: config.p2p.connections.maxKnownPeers },
    )
    peerStorePruner = pruner
    pruner.start()
    metrics.gauge('moltmesh_peer_store_peers', 'Peers in the libp2p peer store at its last check', () =>
      pruner.known(),
    )
    metrics.gauge('moltmesh_peer_store_pruned', 'Peers forgotten so far to keep the peer store bounded', () =>
      pruner.pruned(),
    )

    names = createNamesService(
      { host, identity, store, cache: nameCache, logger: logger.child({ component: 'names' }) },
      config.names,
    )
    await names.start()
    cards = createCardsService(
      {
        host,
        identity,
        store,
        cache: cardCache,
        logger: logger.child({ component: 'cards' }),
        configured: config.agent,
      },
      {
        ttlMs: config.cards.ttlMs,
        reprovideIntervalMs: config.discovery.reprovideIntervalMs,
        lookupTimeoutMs: config.discovery.findTimeoutMs,
      },
    )
    await cards.start()
    const cardsForAddresses = cards
    publicNetwork = createPublicNetwork(
      {
        host,
        logger: logger.child({ component: 'network' }),
        dht: host.services.dht,
        publicDht: host.services.publicDht,
        relayServer: host.services.relayServer,
        // A relay address came or went: peers must learn the new way in (card and provider records).
        onAddressesChanged: () => {
          clearTimeout(republishTimer)
          republishTimer = setTimeout(() => {
            cardsForAddresses
              .publish(undefined, 0, false)
              .catch((err: Error) => logger.warn({ err: err.message }, 'card republish failed'))
          }, 2_000)
          republishTimer.unref()
        },
      },
      { ...config.network, dhtMode: config.p2p.dhtMode, relayTransport: config.p2p.relay },
    )
    await publicNetwork.start()
    const network = publicNetwork
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
    const demand = createDemandStore(store, config.discovery.maxDemandEntries)
    const findAgents = createFindAgents({
      host,
      cards,
      demand,
      logger: logger.child({ component: 'discovery' }),
      selfDid: identity.did,
      defaultTimeoutMs: config.discovery.findTimeoutMs,
      standing: (did) => {
        if (ledgerRef == null || trackRecords == null) return undefined
        const record = trackRecords.get(did)
        return {
          completed: record?.completed ?? 0,
          failed: record?.failed ?? 0,
          latencyMs: record?.latencyMs ?? 0,
          balance: Number(ledgerRef.balance(did).balance),
        }
      },
    })
    artifacts = await createArtifacts(
      {
        host,
        store,
        logger,
        metrics,
        selfDid: identity.did,
        dataDir: config.dataDir,
        resolveName,
        dialTimeoutMs: config.p2p.connections.dialTimeoutMs,
      },
      config.artifacts,
    )
    await artifacts.start()
    messaging = await createMessaging(
      {
        host,
        identity,
        store,
        events,
        logger,
        metrics,
        resolveName,
        dialTimeoutMs: config.p2p.connections.dialTimeoutMs,
      },
      config.messaging,
    )
    await messaging.start()
    const cardsImpl = cards
    const ledger = await createLedger(
      { identity, store, events, logger: logger.child({ component: 'ledger' }) },
      config.ledger,
    )
    ledgerRef = ledger
    trackRecords = await createTrackRecords({ store, events, logger: logger.child({ component: 'ledger' }) })
    // Cached balances must equal the sum of their entries; a mismatch is reported, not hidden.
    const ledgerCheck = await ledger.verify()
    if (!ledgerCheck.ok)
      logger.error({ problems: ledgerCheck.problems }, 'ledger verification failed at start')
    tasks = await createTasks(
      {
        identity,
        store,
        messaging,
        events,
        logger,
        metrics,
        resolveTarget: (value) => resolveAgent(value, resolveName),
        // Delegation by capability takes the best-ranked of the first few agents found: those that
        // answer within a short window after the first, so ranking (track record, balance) counts
        // without waiting for the whole search.
        findAssignee: async (capability, timeoutMs) => {
          const search = new AbortController()
          let best: { did: string; score: number } | undefined
          let window: NodeJS.Timeout | undefined
          try {
            for await (const found of findAgents(
              { capability, tags: [], limit: ASSIGNEE_CANDIDATES, timeoutMs },
              search.signal,
            )) {
              if (best == null || found.score > best.score) best = { did: found.card.did, score: found.score }
              window ??= setTimeout(() => search.abort(), ASSIGNEE_CHOICE_WINDOW_MS)
            }
          } finally {
            clearTimeout(window)
            search.abort()
          }
          if (best != null) return best.did
          throw new MoltmeshError(
            'not_found',
            'NO_AGENT_FOUND',
            `no agent offering "${capability}" was found`,
          )
        },
        localSkills: () => cardsImpl.localSkills(),
        maxFrameBytes: config.messaging.maxPayloadBytes,
        artifacts: createTaskArtifacts(artifacts.service, logger.child({ component: 'tasks' })),
        ledger,
      },
      config.tasks,
    )
    await tasks.start()
    const signer = identity
    webhooks = await createWebhooks(
      {
        store,
        events,
        logger,
        metrics,
        sign: (data) => signer.sign(data),
        serialize: daemonEventJson,
        userAgent: `moltmesh/${VERSION}`,
      },
      config.webhooks,
    )
    await webhooks.start(config.webhooks.endpoints)

    pubsub = createPubsub({ host, events, logger, metrics, selfDid: identity.did }, config.pubsub)
    networks = await createNetworks(
      {
        host,
        identity,
        store,
        messaging,
        router: pubsub.router,
        events,
        logger,
        metrics,
        resolveTarget: (value) => resolveAgent(value, resolveName),
        dialTimeoutMs: config.p2p.connections.dialTimeoutMs,
        maxPayloadBytes: config.pubsub.maxPayloadBytes,
        maxEnvelopeBytes: config.messaging.maxPayloadBytes,
      },
      config.networks,
    )
    await networks.start()
    // Every subsystem that sends frames over messaging has registered its channel by now: a frame of
    // any other channel is refused from here on (UNKNOWN_CHANNEL) instead of asked to wait.
    messaging.channels.seal()
    // Network default credit limits apply to the members of networks this agent is in too.
    const networkService = networks.service
    const selfDid = identity.did
    ledger.useNetworks((did) =>
      networkService
        .list()
        .filter((n) => n.view.members.has(did) && n.view.members.has(selfDid))
        .map((n) => n.id),
    )

    // Peers this agent has worked with (a task or ledger record) or shares a network with get larger
    // inbox quotas than strangers.
    const records = trackRecords
    messaging.setKnownPeer((did) => {
      if (records.get(did) != null) return true
      const b = ledger.balance(did)
      if (b.tasksCompleted + b.tasksFailed > 0 || b.balance !== '0') return true
      return networkService.list().some((n) => n.view.members.has(did) && n.view.members.has(selfDid))
    })

    const diag = createDiagService({
      host,
      identity,
      config,
      configFile: options.configFile,
      metrics,
      logger: logger.child({ component: 'diag' }),
      resolveName,
      startedAt,
      requestShutdown: () => void stop(),
      publicNetwork: () => (publicNetwork as PublicNetwork).status(),
    })
    const rpcLogger = logger.child({ component: 'rpc' })
    const handlerOptions = (authToken: string | undefined) => ({
      logger: rpcLogger,
      metrics,
      authToken,
      shutdownSignal: shutdownController.signal,
    })
    const namesImpl = names
    const resolveTarget = (value: string) => resolveAgent(value, resolveName)
    // One adapter per subsystem; createApiHandlers checks each service's map is complete and disjoint.
    const api = createApiHandlers({
      selfDid: identity.did,
      node: {
        identity,
        dataDir: config.dataDir,
        heldNames: async () => (await namesImpl.list()).map((n) => n.name),
      },
      messaging: messaging.service,
      names,
      artifacts: artifacts.service,
      tasks: tasks.service,
      serveSkills: (skills) => cardsImpl.serve(skills),
      ledger: {
        ledger: ledgerRef as Ledger,
        resolveTarget,
        knowsNetwork: (id) => networks?.service.list().some((n) => n.id === id) === true,
      },
      cards: {
        cards,
        findAgents,
        demand,
        resolveTarget,
        ownName: async () => (await namesImpl.list())[0]?.name ?? '',
      },
      diag,
      openUi: (request) => (ui as Ui).open(request),
      events,
      webhooks: webhooks.service,
      pubsub: pubsub.service,
      networks: networks.service,
    })
    const standard = createStandardServices(API_DEFINITIONS, {
      reflection: config.rpc.reflection,
    })
    standardServices = standard
    // The web workspace calls the same handler objects as gRPC (daemon/ui/rpc-bridge.ts).
    ui = createUi(
      {
        services: bridgedServices(api),
        logger: logger.child({ component: 'ui' }),
      },
      config.ui,
    )
    rpc = await startRpcServer({
      socketPath: config.socket,
      tcpListen: config.rpc.tcpListen,
      tcpToken: config.rpc.tcpToken,
      logger: rpcLogger,
      registerUnixOnly: (server) => standard.register(server),
      services: grpcServices(api, handlerOptions),
    })
    bridges = createBridges({
      socket: config.socket,
      logger,
      selfDid: identity.did,
      cwd: options.configFile != null ? dirname(options.configFile) : process.cwd(),
      pushTargets: webhooks.push,
    })
    await bridges.apply(config)
    // grpc.health.v1: SERVING while the P2P host runs (it is up by now).
    standard.setServing(host.status === 'started')
    await ui.start()
    host.addEventListener('stop', () => standard.setServing(false))
    logger.info(
      {
        did: identity.did,
        peerId: host.peerId.toString(),
        grpc: `unix:${config.socket}`,
        tcp: rpc.tcpAddress,
        listen: host.getMultiaddrs().map((a) => a.toString()),
        peers: host.getPeers().length,
      },
      'daemon started',
    )
  }

  function wireHostEvents(node: Host): void {
    node.addEventListener('peer:connect', (evt) => {
      const peerId = evt.detail
      const did = tryDidFromPeerId(peerId)
      const address = node.getConnections(peerId)[0]?.remoteAddr.toString()
      logger.debug({ peer: peerId.toString(), address }, 'peer connected')
      events.emit('peer.connected', { peerId: peerId.toString(), did, address })
    })
    node.addEventListener('peer:disconnect', (evt) => {
      const peerId = evt.detail
      logger.debug({ peer: peerId.toString() }, 'peer disconnected')
      events.emit('peer.disconnected', { peerId: peerId.toString(), did: tryDidFromPeerId(peerId) })
    })
  }

  function registerHostMetrics(node: Host): void {
    metrics.gauge('moltmesh_peers', 'Connected peers', () => node.getPeers().length)
    metrics.gauge('moltmesh_connections', 'Open connections, by transport', () => {
      const byTransport = new Map<string, number>()
      for (const conn of node.getConnections()) {
        const t = transportOf(conn.remoteAddr)
        byTransport.set(t, (byTransport.get(t) ?? 0) + 1)
      }
      return [...byTransport].map(([transport, value]) => ({ labels: { transport }, value }))
    })
    metrics.gauge('moltmesh_streams', 'Open libp2p streams', () =>
      node.getConnections().reduce((n, conn) => n + conn.streams.length, 0),
    )
    metrics.gauge('process_resident_memory_bytes', 'Resident set size of the daemon process', () =>
      process.memoryUsage.rss(),
    )
    // With RSS: tells a retained JS heap (a leak to fix) from native memory (LevelDB caches, buffers).
    metrics.gauge('nodejs_heap_used_bytes', 'V8 heap in use', () => process.memoryUsage().heapUsed)
    metrics.gauge(
      'nodejs_external_memory_bytes',
      'Memory of buffers and other objects outside the V8 heap',
      () => process.memoryUsage().external + process.memoryUsage().arrayBuffers,
    )
    metrics.gauge(
      'moltmesh_uptime_seconds',
      'Seconds since the daemon started',
      () => (Date.now() - startedAt) / 1000,
    )
  }

  function stop(): Promise<void> {
    resolveStopRequested()
    stopping ??= (async () => {
      logger.info('daemon stopping')
      events.emit('daemon.stopping', {})
      cards?.beginStop()
      standardServices?.setServing(false)
      shutdownController.abort()
      await bridges?.stop()
      // Reverse order of start: stop taking calls, leave the network, close the database.
      await ui?.stop().catch((err: unknown) => logger.warn({ err }, 'ui stop failed'))
      await rpc?.stop(RPC_SHUTDOWN_GRACE_MS).catch((err) => logger.warn({ err }, 'rpc stop failed'))
      await webhooks?.stop().catch((err: unknown) => logger.warn({ err }, 'webhooks stop failed'))
      await networks?.stop().catch((err: unknown) => logger.warn({ err }, 'networks stop failed'))
      pubsub?.stop()
      await tasks?.stop().catch((err: unknown) => logger.warn({ err }, 'tasks stop failed'))
      await trackRecords?.close()
      await messaging?.stop().catch((err: unknown) => logger.warn({ err }, 'messaging stop failed'))
      await artifacts?.stop().catch((err: unknown) => logger.warn({ err }, 'artifacts stop failed'))
      names?.stop()
      publicNetwork?.stop()
      await peerStorePruner?.stop()
      clearTimeout(republishTimer)
      await cards?.stop().catch((err: unknown) => logger.warn({ err }, 'cards stop failed'))
      await Promise.resolve(host?.stop()).catch((err: unknown) => logger.warn({ err }, 'p2p stop failed'))
      await store?.close().catch((err) => logger.warn({ err }, 'store close failed'))
      await removePidFile(config.dataDir)
      logger.info('daemon stopped')
      resolveStopped()
    })()
    return stopping
  }

  return {
    config,
    logger,
    get identity() {
      if (identity == null) throw new Error('daemon not started')
      return identity
    },
    get host() {
      if (host == null) throw new Error('daemon not started')
      return host
    },
    start,
    stop,
    stopRequested,
    stopped,
    async reloadAgent(agent) {
      if (cards == null) throw new MoltmeshError('unavailable', 'NOT_READY', 'the daemon is still starting')
      const card = await cards.reconfigure(agent)
      logger.info({ skills: card.skills.map((s) => s.id) }, 'agent skills reloaded')
      return card.skills.length
    },
    async reloadBridges(next) {
      if (bridges == null) throw new MoltmeshError('unavailable', 'NOT_READY', 'the daemon is still starting')
      await bridges.apply(next)
    },
  }
}
