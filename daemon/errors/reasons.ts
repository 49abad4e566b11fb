// Every reason code a MoltmeshError can carry. Client-facing codes travel as `moltmesh-reason` and are
// documented in docs/errors.md (test/unit/errors/reasons.test.ts keeps the two in step); record and
// stream refusals stay inside the daemon (logged, counted as hostile input, or put in a peer's ack).
// Adding a code here is the one step before throwing it: a typo does not compile.

/** Codes returned to clients: each has a row in docs/errors.md. */
export type ClientReason =
  // request checks
  | 'INVALID_ARGUMENT'
  | 'INVALID_REQUEST'
  | 'INVALID_DID'
  | 'INVALID_PEER_ID'
  | 'INVALID_MULTIADDR'
  | 'INVALID_TARGET'
  | 'INVALID_CURSOR'
  | 'INVALID_EVENT_FILTER'
  | 'SELF_TARGET'
  // messaging
  | 'EMPTY_MESSAGE'
  | 'TOO_MANY_PARTS'
  | 'INVALID_PART'
  | 'INVALID_JSON'
  | 'PAYLOAD_TOO_LARGE'
  | 'MESSAGE_NOT_FOUND'
  | 'MESSAGE_NOT_QUEUED'
  | 'THREAD_NOT_FOUND'
  | 'SLOW_CONSUMER'
  | 'PEER_UNREACHABLE'
  | 'NOT_READY'
  // names and cards
  | 'INVALID_NAME'
  | 'NAME_TAKEN'
  | 'NAME_NOT_FOUND'
  | 'NAME_NOT_HELD'
  | 'TOO_MANY_NAMES'
  | 'INVALID_CAPABILITY'
  | 'INVALID_CARD'
  | 'CARD_NOT_FOUND'
  | 'CARD_INVALID'
  | 'CARD_TOO_LARGE'
  | 'NO_AGENT_FOUND'
  // tasks
  | 'TASK_NOT_FOUND'
  | 'NOT_REQUESTER'
  | 'NOT_ASSIGNEE'
  | 'TASK_TERMINAL'
  | 'INVALID_TRANSITION'
  | 'TASK_ALREADY_CLAIMED'
  | 'LEASE_INVALID'
  | 'LEASE_EXPIRED'
  | 'INPUT_NOT_REQUIRED'
  // artifacts
  | 'INVALID_CID'
  | 'BLOB_NOT_FOUND'
  | 'BLOB_TOO_LARGE'
  | 'BLOB_SIZE_MISMATCH'
  | 'BLOB_HASH_MISMATCH'
  | 'BLOB_UNAVAILABLE'
  // webhooks
  | 'INVALID_URL'
  | 'WEBHOOK_TARGET_NOT_ALLOWED'
  | 'TOO_MANY_WEBHOOKS'
  | 'TOO_MANY_PUSH_TARGETS'
  | 'WEBHOOK_NOT_FOUND'
  | 'WEBHOOK_FROM_CONFIG'
  | 'WEBHOOK_DISABLED'
  | 'DELIVERY_NOT_FOUND'
  // pubsub and networks
  | 'INVALID_TOPIC'
  | 'TOPIC_RESERVED'
  | 'TOO_MANY_TOPICS'
  | 'INVALID_NETWORK_ID'
  | 'NETWORK_NOT_FOUND'
  | 'NOT_A_MEMBER'
  | 'NOT_ADMIN'
  | 'ALREADY_MEMBER'
  | 'ADMIN_CANNOT_LEAVE'
  | 'INVITATION_REQUIRED'
  | 'INVITATION_INVALID'
  | 'MEMBERSHIP_LOG_FULL'
  | 'TOO_MANY_NETWORKS'
  // ordered threads (daemon/ordered-threads; not in the API yet)
  | 'INVALID_THREAD_ID'
  | 'TOO_MANY_MEMBERS'
  | 'TITLE_TOO_LONG'
  | 'ENTRY_TOO_LARGE'
  | 'INVALID_PROPOSAL'
  | 'BAD_SIGNATURE'
  | 'STALE_SEQUENCE'
  | 'CONFIG_CHANGE_PENDING'
  | 'NO_LEADER'
  | 'LEADERSHIP_LOST'
  | 'NOT_COMMITTED'
  | 'READ_TIMEOUT'
  | 'THREAD_STOPPED'
  // ledger
  | 'INVALID_AMOUNT'
  | 'PAYMENT_INVALID'
  | 'RECEIPT_NOT_FOUND'
  | 'SETTLEMENT_NOT_FOUND'
  | 'NOT_COUNTERPARTY'
  | 'SETTLEMENT_CLOSED'
  // the daemon itself
  | 'UNAUTHENTICATED'
  | 'NOT_IMPLEMENTED'
  | 'INTERNAL'
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'DATA_DIR_LOCKED'
  | 'SOCKET_IN_USE'
  | 'SOCKET_PATH_INVALID'
  | 'SOCKET_PATH_TOO_LONG'
  | 'STORE_OPEN_FAILED'
  | 'STORE_SCHEMA_MISMATCH'
  | 'STORE_RECORD_MALFORMED'
  | 'IDENTITY_KEY_INVALID'
  | 'P2P_LISTEN_FAILED'
  | 'RPC_LISTEN_FAILED'
  | 'UI_LISTEN_FAILED'
  | 'UI_NOT_LOOPBACK'
  | 'INVALID_LISTEN'
  | 'NO_SUCH_METHOD'
  | 'REQUEST_TOO_LARGE'

/**
 * Why a record or stream from a peer was refused (networks/, names/, cards/). These never reach a
 * client as a status: the caller logs them, counts them in moltmesh_hostile_input_total, or puts them
 * in the ack it sends back.
 */
export type RecordReason =
  // signed JSON records (network descriptors, invitations, membership operations, name claims)
  | 'RECORD_TOO_LARGE'
  | 'RECORD_MALFORMED'
  | 'RECORD_KEY_MISMATCH'
  | 'RECORD_EXPIRED'
  | 'RECORD_SIGNATURE_INVALID'
  | 'RECORD_REPLAYED'
  | 'RECORD_NAME_TAKEN'
  | 'NETWORK_ID_MISMATCH'
  | 'SIGNATURE_INVALID'
  | 'WRONG_NETWORK'
  | 'FROM_THE_FUTURE'
  | 'RULE_VIOLATION'
  | 'NOT_ADMIN' // also a client code (RemoveMember), as are INVITATION_INVALID and CARD_TOO_LARGE
  | 'INVITATION_INVALID'
  // agent cards
  | 'CARD_TOO_LARGE'
  | 'CARD_MALFORMED'
  | 'CARD_KEY_MISMATCH'
  | 'CARD_EXPIRED'
  | 'CARD_SIGNATURE_INVALID'
  /** Validly signed, but older than a version already seen (see cards/card-dht.ts). */
  | 'CARD_REPLAYED'
  // the network anti-entropy stream
  | 'MALFORMED_FRAME'
  | 'TOO_MANY_OPS'

export type ReasonCode = ClientReason | RecordReason
