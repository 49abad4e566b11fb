// The daemon's configuration, as the code sees it (camelCase). Keys, defaults and docs live in
// schema.ts; this file only names the shapes. Each field is the camelCase form of a schema key
// (p2p.dht_mode -> p2p.dhtMode); test/unit/config checks that the two agree.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent'
export type DhtMode = 'auto' | 'server' | 'client'
export type TransportName = 'tcp' | 'quic'

export interface ConnectionOptions {
  maxConnections: number
  maxKnownPeers: number
  maxIncomingPendingConnections: number
  maxParallelDials: number
  dialTimeoutMs: number
  inboundConnectionThreshold: number
  keepaliveIntervalMs: number
}

export interface P2pOptions {
  port: number
  host: string
  listen: string[]
  announce: string[]
  transports: TransportName[]
  bootstrap: string[]
  mdns: boolean
  dhtMode: DhtMode
  dhtQueryPaths: number
  dhtQueryConcurrency: number
  relay: boolean
  autonat: boolean
  dcutr: boolean
  connections: ConnectionOptions
}

export type RelayServiceMode = 'auto' | 'on' | 'off'

/** Joining the global network: public-DHT rendezvous, NAT and relays (docs/network.md). */
export interface NetworkOptions {
  joinPublic: boolean
  publicBootstrapPeers: string[]
  rendezvousFindIntervalMs: number
  rendezvousReprovideIntervalMs: number
  relayReservations: number
  relayService: RelayServiceMode
  relayMaxReservations: number
  relayDurationLimitMs: number
  relayDataLimitBytes: number
}

export interface RpcOptions {
  tcpListen: string
  tcpToken: string
  reflection: boolean
}

/** The web workspace (daemon/ui). */
export interface UiOptions {
  listen: string
  tokens: string[]
}

export interface MessagingOptions {
  maxPayloadBytes: number
  defaultTtlMs: number
  inboxMaxMessages: number
  peerMaxUnackedMessages: number
  peerMaxUnackedBytes: number
  knownPeerQuotaMultiplier: number
  strangersInboxSharePercent: number
  receiveRatePerSecond: number
  receiveBurst: number
  retryMaxDelayMs: number
}

export interface NamesOptions {
  claimTtlMs: number
  lookupTimeoutMs: number
  maxNames: number
}

export interface DaemonConfig {
  dataDir: string
  socket: string
  logLevel: LogLevel
  p2p: P2pOptions
  network: NetworkOptions
  rpc: RpcOptions
  ui: UiOptions
  messaging: MessagingOptions
  names: NamesOptions
  agent: AgentOptions
  cards: CardsOptions
  discovery: DiscoveryOptions
  tasks: TasksOptions
  ledger: LedgerOptions
  artifacts: ArtifactsOptions
  webhooks: WebhooksOptions
  pubsub: PubsubOptions
  networks: NetworksOptions
  threads: ThreadsOptions
  a2a: A2aOptions
  mcp: McpOptions
}

/** MCP servers whose tools are served as skills (daemon/mcp-bridge/). */
export interface McpOptions {
  servers: McpServerConfig[]
}

export interface McpServerConfig {
  name: string
  command: string
  args: string[]
  /** "KEY=VALUE" entries. */
  env: string[]
  /** Allowed tool names; empty = all. */
  tools: string[]
}

/** The A2A HTTP gateway (daemon/a2a/): off while `listen` is empty. */
export interface A2aOptions {
  listen: string
  /** Comma-separated bearer tokens; required for a non-loopback listen address. */
  tokens: string
  maxBodyBytes: number
  remote: A2aRemoteConfig[]
}

export interface A2aRemoteConfig {
  name: string
  url: string
  token: string
}

export interface PubsubOptions {
  maxPayloadBytes: number
  maxTopics: number
}

export interface NetworksOptions {
  historyMaxMessages: number
  historyMaxAgeMs: number
  syncIntervalMs: number
  maxNetworks: number
}

/** Ordered threads (daemon/ordered-threads/, docs/threads.md). */
export interface ThreadsOptions {
  tickMs: number
  electionTicks: number
  heartbeatTicks: number
  maxFrameBytes: number
  ratePerSecond: number
  burst: number
  maxMembers: number
  verifyWorkers: number
}

export interface ArtifactsOptions {
  maxBlobBytes: number
  gcGraceMs: number
  maxStreamsPerPeer: number
}

export interface WebhookEndpointConfig {
  url: string
  events: string
  description: string
  secret: string
}

export interface WebhooksOptions {
  timeoutMs: number
  retryScheduleMs: string
  maxInFlightPerWebhook: number
  deliveryRetentionMs: number
  allowedHosts: string
  endpoints: WebhookEndpointConfig[]
}

export interface LedgerOptions {
  defaultCreditLimit: string
  quoteTtlMs: number
}

export interface TasksOptions {
  defaultTimeoutMs: number
  defaultLeaseMs: number
  maxAttempts: number
  maxOpenPerRequester: number
}

export interface AgentSkillConfig {
  id: string
  name: string
  description: string
  tags: string[]
  inputSchema: string
  outputSchema: string
  price: string
  visibility: 'public' | 'whitelist' | 'private'
  allowedDids: string[]
  /** Command run per task by `moltmesh start` (moltbook.toml only; never published). */
  handler?: string
  /** Handler runs at a time. */
  concurrency?: number
  /** Handler time limit as a duration ("30s"; "0" = none). */
  timeout?: string
}

export interface AgentOptions {
  name: string
  description: string
  skills: AgentSkillConfig[]
}

export interface CardsOptions {
  ttlMs: number
}

export interface DiscoveryOptions {
  findTimeoutMs: number
  reprovideIntervalMs: number
  maxDemandEntries: number
}
