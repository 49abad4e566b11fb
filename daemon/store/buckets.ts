// Every bucket of the database: where its keys live and which file owns it. This is the one place
// that says what the database holds; each bucket is read and written through one typed repository
// (repository.ts), opened only in its owner file.
//
// A bucket is a key range of one sublevel: all keys starting with `prefix` (the bucket's key codec
// writes the rest), or, with `exact`, the single key `prefix`. No bucket's prefix may start another's
// in the same sublevel (buckets.test.ts), so two repositories can never read each other's records.
// Sublevel names and prefixes are never reused for something else, even after removal, so old data
// is never misread by new code: retire them in RETIRED_SUBLEVELS instead of deleting them.
//
// The layout is SCHEMA_VERSION 1 (store.ts); changing a prefix or a value encoding needs a migration.

export interface BucketSpec {
  sublevel: string
  /** Key prefix inside the sublevel ("" = the whole sublevel). */
  prefix: string
  /** The bucket is the single key `prefix` (a counter, a setting). */
  exact?: true
  /** The file (under daemon/) that opens the bucket's repository. */
  owner: string
  /** Key -> value, for readers of this table. */
  holds: string
}

export const BUCKETS = {
  'store.schema': {
    sublevel: 'meta',
    prefix: 'schema-version',
    exact: true,
    owner: 'store/store.ts',
    holds: 'layout version (plain text, not JSON)',
  },

  'inbox.messages': {
    sublevel: 'inbox',
    prefix: 'm!',
    owner: 'messaging/inbox-store.ts',
    holds: '<seq> -> InboxRecord, in arrival order',
  },
  'inbox.dedupe': {
    sublevel: 'inbox',
    prefix: 'i!',
    owner: 'messaging/inbox-store.ts',
    holds: '<from>!<id> -> seq',
  },
  'inbox.ids': { sublevel: 'inbox', prefix: 'x!', owner: 'messaging/inbox-store.ts', holds: '<id> -> seq' },
  'inbox.last-seq': {
    sublevel: 'inbox',
    prefix: 'meta!seq',
    exact: true,
    owner: 'messaging/inbox-store.ts',
    holds: 'last assigned seq',
  },

  'outbox.messages': {
    sublevel: 'outbox',
    prefix: 'm!',
    owner: 'messaging/outbox-store.ts',
    holds: '<id> -> OutboxRecord',
  },
  'outbox.sent': {
    sublevel: 'outbox',
    prefix: 'o!',
    owner: 'messaging/outbox-store.ts',
    holds: '<seq> -> id, messages (not frames) in send order',
  },
  'outbox.queue': {
    sublevel: 'outbox',
    prefix: 'q!',
    owner: 'messaging/outbox-store.ts',
    holds: '<to>!<seq> -> id, only while queued',
  },
  'outbox.idempotency': {
    sublevel: 'outbox',
    prefix: 'k!',
    owner: 'messaging/outbox-store.ts',
    holds: '<idempotency key> -> id',
  },
  'outbox.last-seq': {
    sublevel: 'outbox',
    prefix: 'meta!seq',
    exact: true,
    owner: 'messaging/outbox-store.ts',
    holds: 'last assigned seq',
  },

  'threads.entries': {
    sublevel: 'threads',
    prefix: 't!',
    owner: 'messaging/thread-index.ts',
    holds: '<thread hash>!<seq> -> {in: inbox seq} | {out: outbox id}',
  },
  'threads.summaries': {
    sublevel: 'threads',
    prefix: 's!',
    owner: 'messaging/thread-index.ts',
    holds: '<thread hash> -> ThreadState',
  },
  'threads.recent': {
    sublevel: 'threads',
    prefix: 'r!',
    owner: 'messaging/thread-index.ts',
    holds: '<seq of latest message> -> thread hash',
  },
  'threads.by-peer': {
    sublevel: 'threads',
    prefix: 'p!',
    owner: 'messaging/thread-index.ts',
    holds: '<did>!<seq of latest message with did> -> thread hash',
  },
  'threads.indexed-in': {
    sublevel: 'threads',
    prefix: 'e!in!',
    owner: 'messaging/thread-index.ts',
    holds: '<inbox seq> -> thread seq',
  },
  'threads.indexed-out': {
    sublevel: 'threads',
    prefix: 'e!out!',
    owner: 'messaging/thread-index.ts',
    holds: '<outbox id> -> thread seq',
  },
  'threads.watermark-in': {
    sublevel: 'threads',
    prefix: 'meta!in',
    exact: true,
    owner: 'messaging/thread-index.ts',
    holds: 'inbox seq of the last message indexed',
  },
  'threads.watermark-out': {
    sublevel: 'threads',
    prefix: 'meta!out',
    exact: true,
    owner: 'messaging/thread-index.ts',
    holds: 'outbox seq of the last message indexed',
  },

  'tasks.records': {
    sublevel: 'tasks',
    prefix: 't!',
    owner: 'tasks/task-store.ts',
    holds: '<id> -> TaskRecord',
  },
  'tasks.events': {
    sublevel: 'tasks',
    prefix: 'e!',
    owner: 'tasks/task-store.ts',
    holds: '<id>!<sequence> -> TaskEventRecord',
  },
  'tasks.idempotency': {
    sublevel: 'tasks',
    prefix: 'k!',
    owner: 'tasks/task-store.ts',
    holds: '<idempotency key> -> id (requester side)',
  },
  'tasks.order': {
    sublevel: 'tasks',
    prefix: 'n!',
    owner: 'tasks/task-store.ts',
    holds: '<order> -> id, in local creation order',
  },
  'tasks.open': {
    sublevel: 'tasks',
    prefix: 'a!',
    owner: 'tasks/task-store.ts',
    holds: '<id> -> "" while not terminal',
  },
  'tasks.last-order': {
    sublevel: 'tasks',
    prefix: 'meta!order',
    exact: true,
    owner: 'tasks/task-store.ts',
    holds: 'last assigned order',
  },

  'ledger.accounts': {
    sublevel: 'ledger',
    prefix: 'a!',
    owner: 'ledger/ledger-store.ts',
    holds: '<did> -> Account',
  },
  'ledger.entries': {
    sublevel: 'ledger',
    prefix: 'e!',
    owner: 'ledger/ledger-store.ts',
    holds: '<did>!<seq> -> Entry, history per counterparty',
  },
  'ledger.history': {
    sublevel: 'ledger',
    prefix: 'g!',
    owner: 'ledger/ledger-store.ts',
    holds: '<seq> -> "<did>!<seq>", every entry in order',
  },
  'ledger.reservations': {
    sublevel: 'ledger',
    prefix: 'v!',
    owner: 'ledger/ledger-store.ts',
    holds: '<task id> -> Reservation',
  },
  'ledger.receipts': {
    sublevel: 'ledger',
    prefix: 'r!',
    owner: 'ledger/ledger-store.ts',
    holds: '<task id> -> Receipt',
  },
  'ledger.quotes': {
    sublevel: 'ledger',
    prefix: 'q!',
    owner: 'ledger/ledger-store.ts',
    holds: '<nonce> -> IssuedQuote',
  },
  'ledger.settlements': {
    sublevel: 'ledger',
    prefix: 's!',
    owner: 'ledger/ledger-store.ts',
    holds: '<id> -> Settlement',
  },
  'ledger.network-limits': {
    sublevel: 'ledger',
    prefix: 'n!',
    owner: 'ledger/ledger-store.ts',
    holds: '<network id> -> default credit limit of its members',
  },
  'ledger.last-seq': {
    sublevel: 'ledger',
    prefix: 'meta!seq',
    exact: true,
    owner: 'ledger/ledger-store.ts',
    holds: 'last entry seq',
  },
  'ledger.default-limit': {
    sublevel: 'ledger',
    prefix: 'meta!default_limit',
    exact: true,
    owner: 'ledger/ledger-store.ts',
    holds: 'default credit limit set at runtime',
  },
  // In the ledger's sublevel for historical reasons (moving it would need a migration); its own bucket.
  'ledger.track-records': {
    sublevel: 'ledger',
    prefix: 't!',
    owner: 'ledger/track-record.ts',
    holds: '<provider did> -> TrackRecord',
  },

  'networks.descriptors': {
    sublevel: 'networks',
    prefix: 'd!',
    owner: 'networks/network-store.ts',
    holds: '<net> -> descriptor text',
  },
  'networks.ops': {
    sublevel: 'networks',
    prefix: 'o!',
    owner: 'networks/network-store.ts',
    holds: '<net>!<hash> -> signed membership operation text',
  },
  'networks.received-invitations': {
    sublevel: 'networks',
    prefix: 'i!',
    owner: 'networks/network-store.ts',
    holds: '<net> -> ReceivedInvitation',
  },
  'networks.sent-invitations': {
    sublevel: 'networks',
    prefix: 's!',
    owner: 'networks/network-store.ts',
    holds: '<net>!<invitee> -> SentInvitation',
  },
  'networks.history': {
    sublevel: 'networks',
    prefix: 'h!',
    owner: 'networks/network-store.ts',
    holds: '<net>!<seq> -> BroadcastRecord, in local arrival order',
  },
  'networks.history-ids': {
    sublevel: 'networks',
    prefix: 'x!',
    owner: 'networks/network-store.ts',
    holds: '<net>!<broadcast id> -> seq',
  },
  'networks.last-seq': {
    sublevel: 'networks',
    prefix: 'meta!hseq',
    exact: true,
    owner: 'networks/network-store.ts',
    holds: 'last assigned history seq',
  },

  'blobs.records': {
    sublevel: 'blobs',
    prefix: 'b!',
    owner: 'artifacts/blob-index.ts',
    holds: '<cid> -> BlobRecord',
  },
  'blobs.references': {
    sublevel: 'blobs',
    prefix: 'r!',
    owner: 'artifacts/blob-index.ts',
    holds: '<cid>!<ref> -> when added (ms)',
  },
  'blobs.holders': {
    sublevel: 'blobs',
    prefix: 'h!',
    owner: 'artifacts/blob-index.ts',
    holds: '<cid>!<did> -> when learned (ms)',
  },

  'webhooks.hooks': {
    sublevel: 'webhooks',
    prefix: 'w!',
    owner: 'webhooks/webhook-store.ts',
    holds: '<id> -> WebhookRecord',
  },
  'webhooks.deliveries': {
    sublevel: 'webhooks',
    prefix: 'd!',
    owner: 'webhooks/webhook-store.ts',
    holds: '<delivery id, time-ordered> -> DeliveryRecord',
  },
  'webhooks.pending': {
    sublevel: 'webhooks',
    prefix: 'p!',
    owner: 'webhooks/webhook-store.ts',
    holds: '<delivery id> -> "" while pending',
  },

  'webhooks.push-targets': {
    sublevel: 'webhooks',
    prefix: 'a!',
    owner: 'webhooks/webhook-store.ts',
    holds: '<target id> -> PushTargetRecord (A2A push configs)',
  },

  'raft.hard-state': {
    sublevel: 'raft',
    prefix: 'h!',
    owner: 'raft/storage-leveldb.ts',
    holds: '<group, base64url> -> {term, vote, commit} of this member',
  },
  'raft.snapshots': {
    sublevel: 'raft',
    prefix: 's!',
    owner: 'raft/storage-leveldb.ts',
    holds: '<group, base64url> -> latest snapshot (RaftSnapshot wire encoding, base64)',
  },
  'raft.entries': {
    sublevel: 'raft',
    prefix: 'e!',
    owner: 'raft/storage-leveldb.ts',
    holds: '<group, base64url>!<index> -> log entry (RaftEntry wire encoding, base64)',
  },
  'ordered-threads.threads': {
    sublevel: 'ordered-threads',
    prefix: 't!',
    owner: 'ordered-threads/ordered-threads.ts',
    holds: '<thread id> -> ThreadRecord (genesis, title): the ordered threads this daemon is a member of',
  },
  'ordered-threads.invitations': {
    sublevel: 'ordered-threads',
    prefix: 'i!',
    owner: 'ordered-threads/invitations.ts',
    holds: '<thread id> -> ThreadInvitationRecord: invitations received and not accepted yet',
  },

  'discovery.demand': {
    sublevel: 'demand',
    prefix: '',
    owner: 'discovery/demand-store.ts',
    holds: '<capability> -> DemandEntry',
  },
  'names.held': {
    sublevel: 'names',
    prefix: '',
    owner: 'names/names-service.ts',
    holds: '<name> -> HeldName',
  },
  'names.pins': {
    sublevel: 'name-pins',
    prefix: '',
    owner: 'names/names-service.ts',
    holds: '<name> -> PinnedName',
  },
  'cards.local': {
    sublevel: 'cards',
    prefix: 'local',
    exact: true,
    owner: 'cards/cards-service.ts',
    holds: 'CardState of the local card',
  },
} as const satisfies Record<string, BucketSpec>

export type BucketName = keyof typeof BUCKETS

/** Sublevels no longer used: their names stay taken. */
export const RETIRED_SUBLEVELS: readonly string[] = ['peers']

export function bucketSpec(name: BucketName): BucketSpec {
  return BUCKETS[name]
}
