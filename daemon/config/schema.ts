// Every configuration key in one table: TOML name, type, default and documentation. Validation of
// moltbook.toml, MOLTMESH_* environment variables and flags, the defaults, and docs/config.md all
// derive from it, so a subsystem adds a key by adding a row.

export type KeyType =
  | { kind: 'string'; pattern?: RegExp; patternText?: string }
  | { kind: 'path' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'list'; item: 'multiaddr' | 'peer-multiaddr' | 'transport' }

export interface KeySpec {
  /** Dotted TOML path, e.g. "p2p.dht_mode". */
  key: string
  type: KeyType
  default: string | number | boolean | string[]
  doc: string
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const

export const CONFIG_SCHEMA: readonly KeySpec[] = [
  {
    key: 'data_dir',
    type: { kind: 'path' },
    default: '~/.moltmesh',
    doc: 'Data directory: identity key, database, socket and logs. "~" is the home directory; a relative path is relative to the config file.',
  },
  {
    key: 'socket',
    type: { kind: 'path' },
    default: '',
    doc: 'gRPC unix socket path. Empty = "<data_dir>/moltmesh.sock".',
  },
  {
    key: 'log_level',
    type: { kind: 'enum', values: LOG_LEVELS },
    default: 'info',
    doc: 'Log level: trace, debug, info, warn, error, fatal or silent. Logs are JSON lines on stdout.',
  },
  {
    key: 'p2p.port',
    type: { kind: 'int', min: 0, max: 65535 },
    default: 4001,
    doc: 'libp2p listen port, used by TCP and by QUIC (UDP). 0 = any free port.',
  },
  {
    key: 'p2p.host',
    type: {
      kind: 'string',
      pattern: /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]+)$/,
      patternText: 'an IPv4 or IPv6 address',
    },
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
  {
    key: 'p2p.mdns',
    type: { kind: 'bool' },
    default: true,
    doc: 'Discover peers on the local network with mDNS.',
  },
  {
    key: 'p2p.dht_mode',
    type: { kind: 'enum', values: ['auto', 'server', 'client'] },
    default: 'auto',
    doc: 'Kademlia DHT mode: "auto" (server once the node is publicly reachable), "server" or "client".',
  },
  {
    key: 'p2p.relay',
    type: { kind: 'bool' },
    default: true,
    doc: 'Circuit relay v2 client: dial and accept connections through relays (for peers behind NAT).',
  },
  {
    key: 'p2p.autonat',
    type: { kind: 'bool' },
    default: true,
    doc: 'AutoNAT: ask peers whether our addresses are reachable.',
  },
  {
    key: 'p2p.dcutr',
    type: { kind: 'bool' },
    default: true,
    doc: 'DCUtR: upgrade relayed connections to direct ones (hole punching).',
  },
  {
    key: 'p2p.connections.max_connections',
    type: { kind: 'int', min: 1, max: 100_000 },
    default: 300,
    doc: 'Maximum open connections; beyond it the least useful are closed.',
  },
  {
    key: 'p2p.connections.max_incoming_pending_connections',
    type: { kind: 'int', min: 1, max: 10_000 },
    default: 10,
    doc: 'Maximum inbound connections being upgraded (Noise, Yamux) at the same time.',
  },
  {
    key: 'p2p.connections.max_parallel_dials',
    type: { kind: 'int', min: 1, max: 10_000 },
    default: 50,
    doc: 'Maximum outbound dials in flight.',
  },
  {
    key: 'p2p.connections.dial_timeout_ms',
    type: { kind: 'int', min: 100, max: 600_000 },
    default: 10_000,
    doc: 'Timeout of one dial, in milliseconds.',
  },
  {
    key: 'p2p.connections.inbound_connection_threshold',
    type: { kind: 'int', min: 1, max: 10_000 },
    default: 5,
    doc: 'Inbound connections accepted per second from one host before it is refused.',
  },
  {
    key: 'rpc.tcp_listen',
    type: {
      kind: 'string',
      pattern: /^$|^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/,
      patternText: 'empty or "host:port"',
    },
    default: '',
    doc: 'Optional TCP listener for gRPC, "host:port" (e.g. "127.0.0.1:50051"). Empty = unix socket only. Requires rpc.tcp_token.',
  },
  {
    key: 'rpc.tcp_token',
    type: { kind: 'string' },
    default: '',
    doc: 'Bearer token that TCP clients must send (`authorization: Bearer <token>`); at least 16 characters.',
  },
  {
    key: 'messaging.max_payload_bytes',
    type: { kind: 'int', min: 1024, max: 16 * 1024 * 1024 },
    default: 1024 * 1024,
    doc: 'Largest message body accepted inline (sent or received), in bytes; larger content goes through artifacts.',
  },
  {
    key: 'messaging.default_ttl_ms',
    type: { kind: 'int', min: 1000, max: 30 * 24 * 3600 * 1000 },
    default: 72 * 3600 * 1000,
    doc: 'How long an undelivered message is retried when SendMessage gives no ttl (default 72 h); then it is EXPIRED.',
  },
  {
    key: 'messaging.inbox_max_messages',
    type: { kind: 'int', min: 1, max: 100_000_000 },
    default: 1_000_000,
    doc: 'Inbox size limit; when full, senders are told to retry later (nothing is dropped).',
  },
  {
    key: 'messaging.receive_rate_per_second',
    type: { kind: 'int', min: 1, max: 1_000_000 },
    default: 2000,
    doc: 'Messages per second accepted from one peer; above it the peer is told to retry later (back-pressure).',
  },
  {
    key: 'messaging.receive_burst',
    type: { kind: 'int', min: 1, max: 1_000_000 },
    default: 4000,
    doc: 'Burst of messages accepted from one peer above the rate.',
  },
  {
    key: 'messaging.retry_max_delay_ms',
    type: { kind: 'int', min: 100, max: 24 * 3600 * 1000 },
    default: 5 * 60 * 1000,
    doc: 'Longest pause between delivery attempts (exponential backoff with jitter up to this, until the TTL).',
  },
]

/** MOLTMESH_P2P_DHT_MODE for "p2p.dht_mode". */
export function envVarName(key: string): string {
  return `MOLTMESH_${key.replace(/\./g, '_').toUpperCase()}`
}

/** Top-level tables (sections) of the schema, e.g. "p2p", "rpc". */
export const SECTIONS = [
  ...new Set(CONFIG_SCHEMA.filter((s) => s.key.includes('.')).map((s) => s.key.slice(0, s.key.indexOf('.')))),
]
