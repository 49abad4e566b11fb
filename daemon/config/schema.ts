// Every configuration key in one table: TOML name, type, default and documentation. Validation of
// moltbook.toml, MOLTMESH_* environment variables and flags, the defaults, the camelCase shape of
// DaemonConfig, the example moltbook.toml and docs/config.md all derive from it, so a subsystem adds
// a key by adding a row here and the field to its options interface in options.ts.

import { isIP } from 'node:net'

/**
 * How a value is checked. Strings from env vars and flags are parsed into the type first (coerce.ts).
 * A `table-list` is an array of tables (`[[agent.skills]]`): each table is checked against `fields`
 * (errors name `agent.skills[0].id`); env vars and flags cannot carry it.
 */
export type KeyType =
  | { kind: 'string'; valid?: (value: string) => boolean; expected?: string }
  /** "~" expands to the home dir; a relative path resolves against the file (or cwd) it came from. */
  | { kind: 'path'; emptyMeans?: string }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[] }
  | {
      kind: 'list'
      item: 'multiaddr' | 'peer-multiaddr' | 'transport' | 'capability' | 'did' | 'token' | 'string'
    }
  | { kind: 'table-list'; fields: readonly KeySpec[]; unique: string }

export type ConfigValue = string | number | boolean | string[] | ConfigTable[]
/** One table of a table-list, with camelCase field names (as DaemonConfig has them). */
export interface ConfigTable {
  [field: string]: ConfigValue
}

export interface KeySpec {
  /**
   * Dotted snake_case TOML path, e.g. "p2p.dht_mode". The TypeScript path is its camelCase form
   * (p2p.dhtMode, see tsPath) and the env var its upper-snake form (MOLTMESH_P2P_DHT_MODE). For a
   * field of a table-list, just the field name.
   */
  key: string
  type: KeyType
  default: ConfigValue
  doc: string
  /** Only for table-list fields: the field must be present. */
  required?: boolean
}

// Row builders for the common shapes, so each row reads as key, bounds, default, doc.
const int = (key: string, t: { min: number; max: number; default: number }, doc: string): KeySpec => ({
  key,
  type: { kind: 'int', min: t.min, max: t.max },
  default: t.default,
  doc,
})
const bool = (key: string, value: boolean, doc: string): KeySpec => ({
  key,
  type: { kind: 'bool' },
  default: value,
  doc,
})
const text = (key: string, value: string, doc: string): KeySpec => ({
  key,
  type: { kind: 'string' },
  default: value,
  doc,
})

/** A capability: lowercase words joined by hyphens (2-63 chars), optionally "a2a:v1:cap:"-prefixed. */
export function isCapabilityName(value: string): boolean {
  const short = value.startsWith('a2a:v1:cap:') ? value.slice('a2a:v1:cap:'.length) : value
  return short.length >= 2 && short.length <= 63 && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(short)
}

function isJsonObjectOrEmpty(value: string): boolean {
  if (value === '') return true
  try {
    const parsed: unknown = JSON.parse(value)
    return parsed != null && typeof parsed === 'object' && !Array.isArray(parsed)
  } catch {
    return false
  }
}

const JSON_SCHEMA_TEXT: KeyType = {
  kind: 'string',
  valid: isJsonObjectOrEmpty,
  expected: 'empty or a JSON Schema object as JSON text',
}
/** The name of an MCP server or remote A2A agent: it prefixes the skills made from it. */
const SHORT_NAME: KeyType = {
  kind: 'string',
  valid: (v) => /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(v) && v.length <= 30,
  expected: 'lowercase words joined by hyphens, at most 30 characters',
}
const CREDIT_AMOUNT: KeyType = {
  kind: 'string',
  valid: (v) => /^\d{1,18}(\.\d{1,6})?$/.test(v),
  expected: 'a non-negative decimal amount of credits with at most 6 decimals, e.g. "0.5"',
}

const HOST_PORT_OR_EMPTY: KeyType = {
  kind: 'string',
  valid: isHostPortOrEmpty,
  expected: 'empty or "host:port"',
}

const SKILL_FIELDS: readonly KeySpec[] = [
  {
    key: 'id',
    type: {
      kind: 'string',
      valid: isCapabilityName,
      expected: 'a capability: lowercase words joined by hyphens, optionally prefixed "a2a:v1:cap:"',
    },
    default: '',
    required: true,
    doc: 'Skill id, announced as a capability (e.g. "text-generation").',
  },
  { key: 'name', type: { kind: 'string' }, default: '', doc: 'Display name.' },
  { key: 'description', type: { kind: 'string' }, default: '', doc: 'What the skill does.' },
  {
    key: 'tags',
    type: { kind: 'list', item: 'capability' },
    default: [],
    doc: 'Extra discovery keywords; each is announced as a capability too.',
  },
  {
    key: 'input_schema',
    type: JSON_SCHEMA_TEXT,
    default: '',
    doc: 'JSON Schema (JSON text) that task input must satisfy; empty = anything.',
  },
  {
    key: 'output_schema',
    type: JSON_SCHEMA_TEXT,
    default: '',
    doc: 'JSON Schema (JSON text) of the output; informative.',
  },
  {
    key: 'price',
    type: CREDIT_AMOUNT,
    default: '0',
    doc: 'Price per task in credits (decimal string); "0" = free.',
  },
  {
    key: 'visibility',
    type: { kind: 'enum', values: ['public', 'whitelist', 'private'] },
    default: 'public',
    doc: 'public: announced, anyone may call; whitelist: announced, only allowed_dids may call; private: never announced.',
  },
  {
    key: 'allowed_dids',
    type: { kind: 'list', item: 'did' },
    default: [],
    doc: 'For whitelist and private skills: the DIDs allowed to call (never published).',
  },
  text(
    'handler',
    '',
    'Command `moltmesh start` runs per task (sh -c, in the config file\'s directory): input on stdin, output on stdout, input artifacts as "$@", files written to $MOLTMESH_OUTPUT_DIR become output artifacts. Empty = served by a separate worker.',
  ),
  int(
    'concurrency',
    { min: 1, max: 256, default: 1 },
    'Tasks of this skill the handler runs at the same time.',
  ),
  {
    key: 'timeout',
    type: {
      kind: 'string',
      valid: (v) => parseDurationMs(v) != null,
      expected: 'a duration such as "30s", "500ms", "5m" or "1h" ("0" = no limit)',
    },
    default: '0',
    doc: 'A handler running longer is killed (its whole process group) and the task fails with HANDLER_TIMEOUT; "0" = no limit.',
  },
]

/** "30s", "500ms", "5m", "1h", "1.5s" or a plain number of ms as milliseconds; undefined if not one. */
export function parseDurationMs(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim())
  if (m == null) return undefined
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 'ms'] ?? 1
  const ms = Math.round(Number(m[1]) * unit)
  return Number.isSafeInteger(ms) ? ms : undefined
}

const WEBHOOK_FIELDS: readonly KeySpec[] = [
  { key: 'url', type: { kind: 'string' }, default: '', required: true, doc: 'Target URL (http or https).' },
  text(
    'events',
    '',
    'Comma-separated event types or prefixes ("task.*,message.received"); empty = all but peer.* and daemon.*.',
  ),
  { key: 'description', type: { kind: 'string' }, default: '', doc: 'Free text.' },
  {
    key: 'secret',
    type: { kind: 'string', valid: (v) => v.startsWith('whsec_'), expected: '"whsec_" followed by base64' },
    default: '',
    required: true,
    doc: 'Signing secret ("whsec_" + base64 of 16-64 random bytes), shared with the receiver.',
  },
]

/**
 * The public DHT's entry points as Kubo ships them. Never dialed unless network.join_public is on (tests
 * and CI have no internet: they point network.public_bootstrap_peers at nodes of their own).
 */
export const PUBLIC_BOOTSTRAP_PEERS: readonly string[] = [
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmQCU2EcMqAqQPR2i9bChDtGNJchTbq5TbXJJ16u19uLTa',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmbLHAnMoJPWSCR5Zhtx6BHJX9KiKNN6tpvbUcqanj75Nb',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmcZf59bWwK5XFi76CZX8cbJ4BhTzzA3gU1ZjYZcYW3dwt',
  '/dnsaddr/va1.bootstrap.libp2p.io/p2p/12D3KooWKnDdG3iXw9eTFijk3EWSunZcFi54Zka4wmtqtt6rPxc8',
  '/ip4/104.131.131.82/tcp/4001/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ',
  '/ip4/104.131.131.82/udp/4001/quic-v1/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ',
]

const MCP_SERVER_FIELDS: readonly KeySpec[] = [
  {
    key: 'name',
    type: SHORT_NAME,
    default: '',
    required: true,
    doc: 'Server name; its tools become skills "<name>-<tool>".',
  },
  {
    key: 'command',
    type: { kind: 'string' },
    default: '',
    required: true,
    doc: 'Program to run (stdio MCP server).',
  },
  { key: 'args', type: { kind: 'list', item: 'string' }, default: [], doc: 'Its arguments.' },
  {
    key: 'env',
    type: { kind: 'list', item: 'string' },
    default: [],
    doc: 'Extra environment, "KEY=VALUE" each.',
  },
  {
    key: 'tools',
    type: { kind: 'list', item: 'string' },
    default: [],
    doc: 'Tools offered as skills (MCP tool names); empty = all.',
  },
]

const A2A_REMOTE_FIELDS: readonly KeySpec[] = [
  {
    key: 'name',
    type: SHORT_NAME,
    default: '',
    required: true,
    doc: 'Local name; the remote skills become skills "<name>-<skill>".',
  },
  {
    key: 'url',
    type: { kind: 'string', valid: (v) => /^https?:\/\//.test(v), expected: 'an http(s) URL' },
    default: '',
    required: true,
    doc: "URL of the remote agent's card (…/.well-known/agent-card.json).",
  },
  text('token', '', 'Bearer token sent to the remote agent, if it asks for one.'),
]

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const

export const CONFIG_SCHEMA: readonly KeySpec[] = [
  {
    key: 'data_dir',
    type: { kind: 'path' },
    default: '~/.moltmesh',
    doc: 'Data directory: identity key, database, socket and logs. "~" is the home directory; a relative path is relative to the config file (to the working directory for flags and env).',
  },
  {
    key: 'socket',
    type: { kind: 'path', emptyMeans: '<data_dir>/moltmesh.sock' },
    default: '',
    doc: 'gRPC unix socket path (clients read MOLTMESH_SOCKET too). Empty = "<data_dir>/moltmesh.sock".',
  },
  {
    key: 'log_level',
    type: { kind: 'enum', values: LOG_LEVELS },
    default: 'info',
    doc: 'Log level: trace, debug, info, warn, error, fatal or silent. Logs are JSON lines on stdout.',
  },
  int(
    'p2p.port',
    { min: 0, max: 65535, default: 4001 },
    'libp2p listen port, used by TCP and by QUIC (UDP). 0 = any free port.',
  ),
  {
    key: 'p2p.host',
    type: { kind: 'string', valid: (v) => isIP(v) !== 0, expected: 'an IPv4 or IPv6 address' },
    default: '0.0.0.0',
    doc: 'Address to listen on (0.0.0.0 = all IPv4 interfaces, 127.0.0.1 = this host only).',
  },
  {
    key: 'p2p.listen',
    type: { kind: 'list', item: 'multiaddr' },
    default: [],
    doc: 'Explicit listen multiaddrs; when not empty they replace the ones derived from host, port and transports.',
  },
  {
    key: 'p2p.announce',
    type: { kind: 'list', item: 'multiaddr' },
    default: [],
    doc: 'Multiaddrs announced to other peers instead of the listen addresses (e.g. a public address behind NAT).',
  },
  {
    key: 'p2p.transports',
    type: { kind: 'list', item: 'transport' },
    default: ['tcp', 'quic'],
    doc: 'Transports to listen on: "tcp", "quic" or both. TCP stays the fallback where UDP is blocked.',
  },
  {
    key: 'p2p.bootstrap',
    type: { kind: 'list', item: 'peer-multiaddr' },
    default: [],
    doc: 'Peers to connect to at startup, as multiaddrs ending in /p2p/<peer id>.',
  },
  bool('p2p.mdns', true, 'Discover peers on the local network with mDNS.'),
  {
    key: 'p2p.dht_mode',
    type: { kind: 'enum', values: ['auto', 'server', 'client'] },
    default: 'auto',
    doc: 'Kademlia DHT mode: "auto" (server once the node is publicly reachable), "server" or "client".',
  },
  int(
    'p2p.dht_query_paths',
    { min: 1, max: 20, default: 3 },
    "Disjoint paths of each Kademlia lookup (kad-dht's default is 20). Each path asks the closest peers it knows; more paths resist a poisoned routing table better but send more requests at once, and a search that stops at its first answer wastes them.",
  ),
  int(
    'p2p.dht_query_concurrency',
    { min: 1, max: 20, default: 3 },
    "Requests in flight per lookup path (Kademlia's alpha; kad-dht's default is 10).",
  ),
  bool(
    'p2p.relay',
    true,
    'Circuit relay v2 client: dial and accept connections through relays (for peers behind NAT).',
  ),
  bool('p2p.autonat', true, 'AutoNAT: ask peers whether our addresses are reachable.'),
  bool('p2p.dcutr', true, 'DCUtR: upgrade relayed connections to direct ones (hole punching).'),
  int(
    'p2p.connections.max_connections',
    { min: 1, max: 100_000, default: 300 },
    'Maximum open connections; beyond it the least useful are closed.',
  ),
  int(
    'p2p.connections.max_known_peers',
    { min: 10, max: 1_000_000, default: 5000 },
    'Peers kept in the peer store (addresses, protocols). Beyond it, peers that are not connected and that nothing keeps (DHT routing table, relay reservation, bootstrap) are forgotten, so connection churn cannot grow memory without bound.',
  ),
  int(
    'p2p.connections.max_incoming_pending_connections',
    { min: 1, max: 10_000, default: 10 },
    'Maximum inbound connections being upgraded (Noise, Yamux) at the same time.',
  ),
  int(
    'p2p.connections.max_parallel_dials',
    { min: 1, max: 10_000, default: 50 },
    'Maximum outbound dials in flight.',
  ),
  int(
    'p2p.connections.dial_timeout_ms',
    { min: 100, max: 600_000, default: 10_000 },
    'Timeout of one dial, in milliseconds.',
  ),
  int(
    'p2p.connections.keepalive_interval_ms',
    { min: 1000, max: 3_600_000, default: 60_000 },
    'How often the end that dialed a TCP or relayed connection pings it; the other end pings when it has heard nothing for 2.5 intervals, and QUIC keeps its connections alive by itself. A connection whose ping fails or takes longer than min(10 s, this) twice in a row (the second ping goes at once) is closed, so a peer that vanished without closing is not reported as connected for long. A daemon left with no connection at all (also after a start whose bootstrap dial failed) dials its bootstrap peers again (5 s later, then with a doubling pause up to 5 minutes).',
  ),
  int(
    'p2p.connections.inbound_connection_threshold',
    { min: 1, max: 10_000, default: 5 },
    'Inbound connections accepted per second from one host before it is refused.',
  ),
  bool(
    'network.join_public',
    false,
    'Join the global moltmesh network through the public IPFS (Amino) DHT: bootstrap from network.public_bootstrap_peers, find other daemons through a rendezvous record there, reserve relay slots when behind NAT, serve as relay and DHT server when publicly reachable (docs/network.md). Flag: start --public. Off = a private mesh of p2p.bootstrap and mDNS peers only.',
  ),
  {
    key: 'network.public_bootstrap_peers',
    type: { kind: 'list', item: 'peer-multiaddr' },
    default: [...PUBLIC_BOOTSTRAP_PEERS],
    doc: 'Entry points of the public DHT (default: the list Kubo ships). Used only when network.join_public is on.',
  },
  int(
    'network.rendezvous_find_interval_ms',
    { min: 1000, max: 24 * 3600 * 1000, default: 10 * 60 * 1000 },
    'How often the public DHT is searched for other moltmesh daemons once some were found; until then the search repeats after 5 s, doubling up to this.',
  ),
  int(
    'network.rendezvous_reprovide_interval_ms',
    { min: 60_000, max: 48 * 3600 * 1000, default: 3 * 3600 * 1000 },
    'How often this daemon announces itself again under the rendezvous record of the public DHT (also whenever its addresses change). Public DHT servers keep provider records for 48 h.',
  ),
  int(
    'network.relay_reservations',
    { min: 0, max: 8, default: 2 },
    'Relay slots reserved on reachable moltmesh daemons when this daemon finds itself behind NAT; its /p2p-circuit addresses go into its card and provider records. 0 = none.',
  ),
  {
    key: 'network.relay_service',
    type: { kind: 'enum', values: ['auto', 'on', 'off'] },
    default: 'auto',
    doc: 'Circuit relay v2 service for other daemons: "auto" = on while this daemon is publicly reachable and joined to the public network, "on" = always, "off" = never.',
  },
  int(
    'network.relay_max_reservations',
    { min: 1, max: 100_000, default: 128 },
    'Relay service: reservations held for other peers at once; further requests are refused.',
  ),
  int(
    'network.relay_duration_limit_ms',
    { min: 1000, max: 24 * 3600 * 1000, default: 3600 * 1000 },
    'Relay service: longest life of one relayed connection (default 1 h); the peers then open a new one (messages and task updates are retried, nothing is lost).',
  ),
  int(
    'network.relay_data_limit_bytes',
    { min: 1024, max: 2 ** 50, default: 1024 ** 3 },
    'Relay service: bytes (both directions together) one relayed connection may carry before it is closed (default 1 GiB, enough for moltmesh messages, tasks and artifacts; libp2p defaults to 128 KiB).',
  ),
  {
    key: 'rpc.tcp_listen',
    type: HOST_PORT_OR_EMPTY,
    default: '',
    doc: 'Optional TCP listener for gRPC, "host:port" (e.g. "127.0.0.1:50051"). Empty = unix socket only. Requires rpc.tcp_token.',
  },
  text(
    'rpc.tcp_token',
    '',
    'Bearer token that TCP clients must send (`authorization: Bearer <token>`); at least 16 characters.',
  ),
  bool(
    'rpc.reflection',
    true,
    'Serve gRPC server reflection on the unix socket (for grpcurl and other generic gRPC tools). The standard grpc.health.v1.Health service is always served.',
  ),
  {
    key: 'ui.listen',
    type: HOST_PORT_OR_EMPTY,
    default: '',
    doc: 'Serve the web workspace (docs/ui.md) on this "host:port", e.g. "127.0.0.1:7421". Empty = off (`moltmesh ui` turns it on). A non-loopback host requires ui.tokens.',
  },
  {
    key: 'ui.tokens',
    type: { kind: 'list', item: 'token' },
    default: [],
    doc: 'Access tokens (each at least 16 characters) accepted by the web workspace besides the one-time login tokens of `moltmesh ui`; needed to listen beyond loopback.',
  },
  {
    key: 'mcp.servers',
    type: { kind: 'table-list', fields: MCP_SERVER_FIELDS, unique: 'name' },
    default: [],
    doc: 'MCP servers whose tools this agent serves as skills ([[mcp.servers]], docs/a2a.md): started over stdio by the daemon, restarted with back-off. Only in this file; read at start and on `moltmesh reload` (SIGHUP).',
  },
  {
    key: 'a2a.listen',
    type: HOST_PORT_OR_EMPTY,
    default: '',
    doc: 'A2A gateway (JSON-RPC and HTTP+JSON, docs/a2a.md), "host:port" (e.g. "127.0.0.1:7420"). Empty = off. An address other than loopback requires a2a.tokens.',
  },
  text(
    'a2a.tokens',
    '',
    'Bearer tokens the A2A gateway accepts (`Authorization: Bearer <token>`), comma-separated, each at least 16 characters. Empty = no token asked (loopback only).',
  ),
  {
    key: 'a2a.remote',
    type: { kind: 'table-list', fields: A2A_REMOTE_FIELDS, unique: 'name' },
    default: [],
    doc: 'External A2A agents whose skills this agent serves ([[a2a.remote]], docs/a2a.md): their skills are offered here and mesh tasks for them are forwarded over A2A. Only in this file; read at start and on `moltmesh reload` (SIGHUP).',
  },
  int(
    'a2a.max_body_bytes',
    { min: 1024, max: 64 * 1024 * 1024, default: 4 * 1024 * 1024 },
    'Largest JSON-RPC request body the A2A gateway reads, in bytes; larger requests are answered 413.',
  ),
  int(
    'messaging.max_payload_bytes',
    { min: 1024, max: 16 * 1024 * 1024, default: 1024 * 1024 },
    'Largest message body accepted inline (sent or received), in bytes; larger content goes through artifacts.',
  ),
  int(
    'messaging.default_ttl_ms',
    { min: 1000, max: 30 * 24 * 3600 * 1000, default: 72 * 3600 * 1000 },
    'How long an undelivered message is retried when SendMessage gives no ttl (default 72 h); then it is EXPIRED.',
  ),
  int(
    'messaging.inbox_max_messages',
    { min: 1, max: 100_000_000, default: 1_000_000 },
    'Inbox size limit; when full, senders are told to retry later (nothing is dropped).',
  ),
  int(
    'messaging.peer_max_unacked_messages',
    { min: 1, max: 100_000_000, default: 5000 },
    'Unacknowledged inbox messages one peer may have here; over it the peer is told to retry later (PEER_QUOTA_EXCEEDED). Peers this agent has worked with get known_peer_quota_multiplier times more.',
  ),
  int(
    'messaging.peer_max_unacked_bytes',
    { min: 1024, max: 1024 ** 4, default: 64 * 1024 * 1024 },
    'Bytes of unacknowledged inbox messages one peer may have here (same rule as peer_max_unacked_messages).',
  ),
  int(
    'messaging.known_peer_quota_multiplier',
    { min: 1, max: 1000, default: 10 },
    'Quota multiplier for peers this agent has worked with (a task or ledger record with them) or shares a network with.',
  ),
  int(
    'messaging.strangers_inbox_share_percent',
    { min: 1, max: 100, default: 50 },
    'Share of inbox_max_messages that unacknowledged messages from all other peers together may fill, so known peers always find room.',
  ),
  int(
    'messaging.receive_rate_per_second',
    { min: 1, max: 1_000_000, default: 2000 },
    'Messages per second accepted from one peer; above it the peer is told to retry later (back-pressure).',
  ),
  int(
    'messaging.receive_burst',
    { min: 1, max: 1_000_000, default: 4000 },
    'Burst of messages accepted from one peer above the rate.',
  ),
  int(
    'messaging.retry_max_delay_ms',
    { min: 100, max: 24 * 3600 * 1000, default: 5 * 60 * 1000 },
    'Longest pause between delivery attempts (exponential backoff with jitter up to this, until the TTL).',
  ),
  text('agent.name', '', 'Display name in the signed agent card. Empty = "agent-" and the end of the DID.'),
  text('agent.description', '', 'What the agent is and does, in the agent card.'),
  {
    key: 'agent.skills',
    type: { kind: 'table-list', fields: SKILL_FIELDS, unique: 'id' },
    default: [],
    doc: 'Skills the agent offers, as [[agent.skills]] tables (only in this file; re-read on SIGHUP and `moltmesh reload`). PublishAgentCard replaces them at runtime.',
  },
  int(
    'cards.ttl_ms',
    { min: 1000, max: 30 * 24 * 3600 * 1000, default: 24 * 3600 * 1000 },
    'Lifetime of the published agent card (default 24 h); it is republished at half of it and on every change.',
  ),
  int(
    'discovery.find_timeout_ms',
    { min: 100, max: 600_000, default: 10_000 },
    'Default search time of FindAgents and of card lookups in the DHT.',
  ),
  int(
    'discovery.reprovide_interval_ms',
    { min: 1000, max: 48 * 3600 * 1000, default: 12 * 3600 * 1000 },
    'How often the capability provider records of the local skills are announced again in the DHT.',
  ),
  int(
    'discovery.max_demand_entries',
    { min: 1, max: 1_000_000, default: 1000 },
    'Capabilities kept in the unmet-demand list (ListDemand); past it the one asked for least recently is dropped.',
  ),
  int(
    'names.claim_ttl_ms',
    { min: 1000, max: 7 * 24 * 3600 * 1000, default: 24 * 3600 * 1000 },
    'Lifetime of a name claim record (default 24 h); the daemon renews held names at half of it.',
  ),
  int(
    'names.lookup_timeout_ms',
    { min: 100, max: 600_000, default: 10_000 },
    'How long a name lookup in the DHT may take.',
  ),
  int(
    'names.max_names',
    { min: 1, max: 10_000, default: 100 },
    'Names this agent may hold at once; ClaimName of another one fails with TOO_MANY_NAMES.',
  ),
  int(
    'tasks.default_timeout_ms',
    { min: 1000, max: 30 * 24 * 3600 * 1000, default: 3600 * 1000 },
    'Deadline of a task created without timeout_ms (default 1 h); both daemons fail it with TIMEOUT after it.',
  ),
  int(
    'tasks.default_lease_ms',
    { min: 1000, max: 3600 * 1000, default: 60_000 },
    'Lease a worker gets from ClaimTask without lease_ms; a lease not renewed in time puts the task back in line.',
  ),
  int(
    'tasks.max_attempts',
    { min: 1, max: 100, default: 3 },
    'Worker claims per task; when the lease of the last one runs out the task FAILS with LEASE_EXPIRED.',
  ),
  int(
    'tasks.max_open_per_requester',
    { min: 1, max: 1_000_000, default: 1000 },
    'Open (not yet finished) tasks one requester may have at this daemon; further offers are REJECTED with TOO_MANY_OPEN_TASKS.',
  ),
  {
    key: 'ledger.default_credit_limit',
    type: CREDIT_AMOUNT,
    default: '100',
    doc: 'How far a requester may owe this agent (balance + reserved + price) before priced tasks need a payment authorisation; per-peer overrides with SetCreditLimit.',
  },
  int(
    'ledger.quote_ttl_ms',
    { min: 1000, max: 7 * 24 * 3600 * 1000, default: 600_000 },
    'How long a payment-required quote can be accepted.',
  ),
  int(
    'webhooks.timeout_ms',
    { min: 100, max: 120_000, default: 15_000 },
    'Time limit of one webhook POST (connect, headers and body).',
  ),
  {
    key: 'webhooks.retry_schedule_ms',
    type: {
      kind: 'string',
      valid: (v) => /^\d+(,\d+)*$/.test(v),
      expected: 'comma-separated delays in milliseconds, e.g. "0,5000,300000"',
    },
    default: '0,5000,300000,1800000,7200000,18000000,36000000,36000000',
    doc: 'Delay before each attempt of a delivery (now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), each with ±10% jitter; a longer Retry-After wins. After the last attempt the delivery is dead-lettered.',
  },
  int(
    'webhooks.max_in_flight_per_webhook',
    { min: 1, max: 256, default: 16 },
    'Concurrent POSTs (and keep-alive connections) per endpoint.',
  ),
  int(
    'webhooks.delivery_retention_ms',
    { min: 60_000, max: 3650 * 86_400_000, default: 7 * 86_400_000 },
    'How long finished deliveries (succeeded or dead-lettered) stay listable and redeliverable before they are pruned; pending ones are never pruned.',
  ),
  text(
    'webhooks.allowed_hosts',
    '',
    'Comma-separated hosts webhooks may target ("example.com", "*.example.com", "127.0.0.1"); empty = any, local backends included.',
  ),
  {
    key: 'webhooks.endpoints',
    type: { kind: 'table-list', fields: WEBHOOK_FIELDS, unique: 'url' },
    default: [],
    doc: 'Webhooks declared in the file ([[webhooks.endpoints]]), created at every start.',
  },
  int(
    'artifacts.max_blob_bytes',
    { min: 1, max: 2 ** 50, default: 1024 ** 3 },
    'Largest blob stored (uploaded with PutBlob or fetched from a peer), in bytes (default 1 GiB).',
  ),
  int(
    'artifacts.gc_grace_ms',
    { min: 0, max: 365 * 24 * 3600 * 1000, default: 24 * 3600 * 1000 },
    'How long an uploaded or fetched blob is pinned (default 24 h): CollectBlobs removes a blob only when no task or message references it and this time has passed since it was stored.',
  ),
  int(
    'artifacts.max_streams_per_peer',
    { min: 1, max: 64, default: 4 },
    'Blob transfers served to one peer at a time; more are answered "busy".',
  ),
  int(
    'pubsub.max_payload_bytes',
    { min: 1, max: 3 * 1024 * 1024, default: 1024 * 1024 },
    'Largest payload of a topic message (Publish) or network broadcast (BroadcastNetwork), sent or received, in bytes.',
  ),
  int(
    'pubsub.max_topics',
    { min: 1, max: 1000, default: 100 },
    'Public topics the daemon subscribes to at once (topics with at least one SubscribeTopic stream).',
  ),
  int(
    'networks.history_max_messages',
    { min: 1, max: 100_000, default: 1000 },
    'Broadcasts kept per network for SubscribeNetwork replay and for members that were offline; older ones are dropped.',
  ),
  int(
    'networks.history_max_age_ms',
    { min: 60_000, max: 30 * 24 * 3600 * 1000, default: 24 * 3600 * 1000 },
    'Broadcasts older than this (default 24 h) leave the history and are not fetched from other members.',
  ),
  int(
    'networks.sync_interval_ms',
    { min: 1000, max: 24 * 3600 * 1000, default: 60_000 },
    'How often the daemon compares membership and history with a connected member of each joined network (besides on every connect and start).',
  ),
  int(
    'networks.max_networks',
    { min: 1, max: 10_000, default: 100 },
    'Networks this agent may be a member of at once; CreateNetwork and JoinNetwork past it fail with TOO_MANY_NETWORKS.',
  ),
  int(
    'threads.tick_ms',
    { min: 1, max: 10_000, default: 50 },
    'Length of one Raft tick of ordered threads, in milliseconds. Elections and heartbeats count ticks: keep election_ticks x tick_ms well above a round trip plus a disk write and a GC pause.',
  ),
  int(
    'threads.election_ticks',
    { min: 3, max: 1000, default: 10 },
    'Ticks a member waits without hearing from a leader before it campaigns (randomised in [n, 2n)).',
  ),
  int(
    'threads.heartbeat_ticks',
    { min: 1, max: 500, default: 2 },
    "Ticks between a leader's heartbeats; must be well below election_ticks.",
  ),
  int(
    'threads.max_frame_bytes',
    { min: 64 * 1024, max: 64 * 1024 * 1024, default: 4 * 1024 * 1024 },
    'Largest Raft frame sent or accepted on /moltmesh/raft/1.0.0, in bytes; larger incoming frames close the stream.',
  ),
  int(
    'threads.rate_per_second',
    { min: 1, max: 1_000_000, default: 5_000 },
    'Raft frames one peer may send per second (all threads together); more are dropped and counted.',
  ),
  int(
    'threads.burst',
    { min: 1, max: 1_000_000, default: 10_000 },
    'Raft frames one peer may send in a burst above rate_per_second.',
  ),
  int(
    'threads.max_members',
    { min: 1, max: 64, default: 15 },
    'Most members of an ordered thread (every entry is replicated to each): CreateOrderedThread past it fails with TOO_MANY_MEMBERS.',
  ),
  int(
    'threads.verify_workers',
    { min: 0, max: 16, default: 0 },
    'Worker threads that check entry signatures before Raft steps a message; 0 checks them on the event loop.',
  ),
]

/** MOLTMESH_P2P_DHT_MODE for "p2p.dht_mode". */
export function envVarName(key: string): string {
  return `MOLTMESH_${key.replace(/\./g, '_').toUpperCase()}`
}

/** "p2p.dhtMode" for "p2p.dht_mode": where the value sits in DaemonConfig. */
export function tsPath(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

/** Every table that may appear in the TOML: "p2p", "p2p.connections", "rpc", ... */
export const TABLES: ReadonlySet<string> = new Set(
  CONFIG_SCHEMA.flatMap((s) => {
    const parts = s.key.split('.')
    return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('.'))
  }),
)

/** Top-level tables (sections), e.g. "p2p", "rpc": an env var under one of them must be a key. */
export const SECTIONS: readonly string[] = [...TABLES].filter((t) => !t.includes('.'))

function isHostPortOrEmpty(value: string): boolean {
  if (value === '') return true
  const m = /^(?:\[([^\]]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(value)
  if (m == null || Number(m[3]) > 65_535) return false
  // A bracketed host must be an IPv6 address; a bare one is a name or an IPv4 address.
  return m[1] == null || isIP(m[1]) === 6
}
