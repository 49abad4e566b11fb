// Ordered threads on one daemon: the Raft groups this daemon is a member of, one per thread, each a
// RaftGroup (daemon/raft/raft-group.ts) on the shared /moltmesh/raft/1.0.0 transport with its log in
// LevelDB. The API's service (ordered-threads-service.ts) calls it: `create` is what the creator does,
// `join` what an invited member does once it accepted (both start the same group from the same
// genesis).
//
// A thread's entries are its Raft log. Logs are never compacted here: every member keeps the whole
// thread, which `thread verify`/`thread export` need anyway; compaction (and with it snapshots of the
// application state) waits until there is state smaller than the log.
//
// The registry of threads (genesis and title) is the bucket `ordered-threads.threads`; the logs are in
// the raft buckets (daemon/raft/storage-leveldb.ts).

import { randomUUID } from 'node:crypto'
import { MoltmeshError } from '../errors/moltmesh-error.ts'
import { isDid } from '../identity/did.ts'
import type { Logger } from '../log/logger.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { EntrySigner, EntryVerifier } from '../raft/entry-auth.ts'
import { exportLog } from '../raft/log-export.ts'
import { type RaftGroup, RaftGroupError, startRaftGroup } from '../raft/raft-group.ts'
import type { RaftTiming } from '../raft/raft-options.ts'
import { LevelRaftStorage, openRaftRepositories } from '../raft/storage-leveldb.ts'
import type { RaftTransport } from '../raft/transport-libp2p.ts'
import type { Entry, Genesis, MemberChange, RejectReason } from '../raft/types.ts'
import { type VerifyResult, verifyLog } from '../raft/verify-log.ts'
import type { VerifyPool } from '../raft/verify-pool.ts'
import { json, single, text } from '../store/codecs.ts'
import { array, num, object, str } from '../store/shape.ts'
import type { Store } from '../store/store.ts'
import { MAX_TITLE_LENGTH } from './invitations.ts'

export interface OrderedThreadsOptions extends Partial<RaftTiming> {
  /** This daemon's agent DID (its member id in every thread). */
  did: string
  signer: EntrySigner
  verifier: EntryVerifier
  transport: Pick<RaftTransport, 'register' | 'send'>
  store: Pick<Store, 'repository' | 'commit'>
  logger: Logger
  metrics: Metrics
  tickMs: number
  /** Checks entry signatures in worker threads (verify-pool.ts); without it the core verifies inline. */
  verifyPool?: VerifyPool
  /**
   * Entries of a thread committed while this daemon runs, in order, once applied (for events). The
   * entries a restarted member replays from its own disk are not repeated here.
   */
  onCommitted?: (threadId: string, entries: Entry[]) => void
  /** Most members a thread may have (default MAX_THREAD_MEMBERS). */
  maxMembers?: number
}

export interface ThreadRecord {
  genesis: Genesis
  title: string
  createdAtMs: number
}

/** Most members a thread may start with (every entry is replicated to each). */
export const MAX_THREAD_MEMBERS = 15
const threadShape = object<ThreadRecord>({
  genesis: object<Genesis>({ groupId: str, voters: array(str) }),
  title: str,
  createdAtMs: num,
})

/** Reason codes of the core's refusals, as the API reports them. */
const REJECT_KIND: Record<
  RejectReason,
  'unavailable' | 'failed_precondition' | 'invalid_argument' | 'permission_denied'
> = {
  NO_LEADER: 'unavailable',
  LEADERSHIP_LOST: 'unavailable',
  NOT_A_MEMBER: 'permission_denied',
  BAD_SIGNATURE: 'permission_denied',
  ENTRY_TOO_LARGE: 'invalid_argument',
  INVALID_PROPOSAL: 'invalid_argument',
  STALE_SEQUENCE: 'failed_precondition',
  CONFIG_CHANGE_PENDING: 'failed_precondition',
}

interface Open {
  record: ThreadRecord
  group: RaftGroup
  storage: LevelRaftStorage
  /** Live subscribers: each gets every committed entry as it is applied. */
  listeners: Set<(entries: Entry[]) => void>
}

/** Entries a subscriber may fall behind by before it is cut off (SLOW_CONSUMER). */
const MAX_SUBSCRIBER_BACKLOG = 10_000

export function createOrderedThreads(o: OrderedThreadsOptions) {
  const open = new Map<string, Open>()
  const registry = o.store.repository('ordered-threads.threads', single(text), json(threadShape))
  const raft = openRaftRepositories(o.store)

  async function startGroup(record: ThreadRecord): Promise<void> {
    const storage = new LevelRaftStorage(raft, record.genesis.groupId)
    const listeners = new Set<(entries: Entry[]) => void>()
    // What the member committed before this start; its first output replays it (not news).
    let replayedUpTo = Number.POSITIVE_INFINITY
    const group = await startRaftGroup({
      genesis: record.genesis,
      signer: o.signer,
      verifier: o.verifyPool?.verifier ?? o.verifier,
      precheck:
        o.verifyPool == null
          ? undefined
          : (m) => (o.verifyPool as VerifyPool).precheck(record.genesis.groupId, m),
      storage,
      transport: o.transport,
      tickMs: o.tickMs,
      electionTicks: o.electionTicks,
      heartbeatTicks: o.heartbeatTicks,
      logger: o.logger,
      metrics: o.metrics,
      apply: (committed) => {
        if (committed.length === 0) return
        const fresh = committed.filter((e) => e.index > replayedUpTo)
        if (fresh.length > 0) o.onCommitted?.(record.genesis.groupId, fresh)
        for (const l of listeners) l(committed)
      },
    })
    // The group steps its first input (the replay) only after this synchronous code: the commit index
    // it loaded is what it replays.
    replayedUpTo = group.status().commit
    open.set(record.genesis.groupId, { record, group, storage, listeners })
  }

  function get(id: string): Open {
    const t = open.get(id)
    if (t == null)
      throw new MoltmeshError('not_found', 'THREAD_NOT_FOUND', `no ordered thread ${id} on this daemon`)
    return t
  }

  function checkMembers(voters: string[], includesSelf: boolean): string[] {
    const unique = [...new Set(voters)].sort()
    for (const v of unique) {
      if (!isDid(v)) throw new MoltmeshError('invalid_argument', 'INVALID_DID', `member ${v} is not a DID`)
    }
    if (includesSelf && !unique.includes(o.did)) {
      throw new MoltmeshError('invalid_argument', 'NOT_A_MEMBER', 'this daemon must be one of the members')
    }
    const max = o.maxMembers ?? MAX_THREAD_MEMBERS
    if (unique.length > max) {
      throw new MoltmeshError('invalid_argument', 'TOO_MANY_MEMBERS', `at most ${max} members`)
    }
    return unique
  }

  async function add(genesis: Genesis, title: string): Promise<ThreadRecord> {
    if (title.length > MAX_TITLE_LENGTH) {
      throw new MoltmeshError(
        'invalid_argument',
        'TITLE_TOO_LONG',
        `title over ${MAX_TITLE_LENGTH} characters`,
      )
    }
    const record: ThreadRecord = { genesis, title, createdAtMs: Date.now() }
    await o.store.commit([registry.putOp(genesis.groupId, record)], { sync: true })
    await startGroup(record)
    return record
  }

  return {
    /** Opens every thread in the registry. */
    async start(): Promise<void> {
      for await (const record of registry.values()) await startGroup(record)
    },

    async stop(): Promise<void> {
      const threads = [...open.values()]
      for (const t of threads) await t.group.stop()
      open.clear()
      // Subscribers see their thread gone and end.
      for (const t of threads) for (const l of t.listeners) l([])
    },

    /** A new thread with these first voters (this daemon among them); returns its record. */
    async create(voters: string[], title = ''): Promise<ThreadRecord> {
      const genesis: Genesis = {
        groupId: `othr_${randomUUID().replaceAll('-', '')}`,
        voters: checkMembers(voters, true),
      }
      return add(genesis, title)
    },

    /**
     * Joins a thread another member created (after accepting its invitation). A member added after
     * the thread began (`addedLater`) is not among the genesis voters: it starts from the genesis and
     * becomes a member when the leader's log reaches its add entry (which proves itself).
     */
    async join(genesis: Genesis, title = '', options: { addedLater?: boolean } = {}): Promise<ThreadRecord> {
      if (!/^othr_[0-9a-f]{32}$/.test(genesis.groupId)) {
        throw new MoltmeshError('invalid_argument', 'INVALID_THREAD_ID', 'not an ordered thread id')
      }
      if (open.has(genesis.groupId)) return (open.get(genesis.groupId) as Open).record
      const voters = checkMembers(genesis.voters, options.addedLater !== true)
      return add({ groupId: genesis.groupId, voters }, title)
    },

    list(): ThreadRecord[] {
      return [...open.values()].map((t) => t.record)
    },

    status(id: string) {
      return get(id).group.status()
    },

    /**
     * Appends once committed; `requester` is the asking agent's DID, `client`+`seq` make retries safe.
     * Through an election the group proposes again (same client and seq) until `timeoutMs`.
     */
    async append(
      id: string,
      r: { requester: string; client: string; seq: number; payload: Uint8Array; timeoutMs: number },
    ): Promise<{ index: number; term: number; duplicate: boolean }> {
      const t = get(id)
      let outcome: Awaited<ReturnType<RaftGroup['append']>>
      try {
        outcome = await t.group.append(r)
      } catch (err) {
        throw groupError(err, 'NOT_COMMITTED')
      }
      if (!outcome.ok) throw new MoltmeshError(REJECT_KIND[outcome.reason], outcome.reason, outcome.detail)
      return { index: outcome.index, term: outcome.term, duplicate: outcome.duplicate }
    },

    /**
     * Adds or removes one member (single-server change). An added member joins as a learner and is
     * promoted to voter by the leader once it has caught up. Resolves once the change is committed.
     */
    async changeMembers(
      id: string,
      r: { requester: string; client: string; seq: number; change: MemberChange; timeoutMs: number },
    ): Promise<{ index: number }> {
      const t = get(id)
      if (!isDid(r.change.member)) {
        throw new MoltmeshError('invalid_argument', 'INVALID_DID', `member ${r.change.member} is not a DID`)
      }
      let outcome: Awaited<ReturnType<RaftGroup['changeMembers']>>
      try {
        outcome = await t.group.changeMembers(r.requester, r.client, r.seq, r.change, r.timeoutMs)
      } catch (err) {
        throw groupError(err, 'NOT_COMMITTED')
      }
      if (!outcome.ok) throw new MoltmeshError(REJECT_KIND[outcome.reason], outcome.reason, outcome.detail)
      return { index: outcome.index }
    },

    /**
     * This member's committed copy of the thread as JSON lines (log-export.ts): the genesis, then every
     * committed entry. Anyone holding the members' DIDs can check it with `verifyLog`.
     */
    async export(id: string): Promise<string> {
      const t = get(id)
      const entries = await t.storage.readEntries(1, t.group.status().commit, Number.MAX_SAFE_INTEGER)
      return exportLog(t.record.genesis, entries)
    },

    /** Checks this member's committed copy: every signature, every membership change, the chain. */
    async verify(id: string): Promise<VerifyResult> {
      const t = get(id)
      const entries = await t.storage.readEntries(1, t.group.status().commit, Number.MAX_SAFE_INTEGER)
      return verifyLog(t.record.genesis, entries, o.verifier)
    },

    /**
     * Committed entries after `afterIndex`, in order, without gaps or repeats: first those already
     * applied here (from storage), then each new one as it is applied. Resumable: pass the last index
     * seen. Ends when `signal` aborts or the thread stops; a subscriber more than 10,000 entries
     * behind is cut off with SLOW_CONSUMER.
     */
    async *subscribe(id: string, afterIndex: number, signal: AbortSignal): AsyncGenerator<Entry> {
      const t = get(id)
      const backlog: Entry[] = []
      let wake: (() => void) | undefined
      let overflow = false
      const listener = (entries: Entry[]) => {
        backlog.push(...entries)
        if (backlog.length > MAX_SUBSCRIBER_BACKLOG) overflow = true
        wake?.()
      }
      // Listen before reading storage, so nothing applied in between is missed (repeats are skipped).
      t.listeners.add(listener)
      const onAbort = () => wake?.()
      signal.addEventListener('abort', onAbort)
      try {
        let last = afterIndex
        while (!signal.aborted) {
          const stored = await t.storage.readEntries(last + 1, t.group.applied(), 1024)
          for (const e of stored) {
            yield e
            last = e.index
          }
          if (stored.length < 1024) break
        }
        while (!signal.aborted && open.get(id) === t) {
          if (overflow) {
            throw new MoltmeshError('resource_exhausted', 'SLOW_CONSUMER', 'subscriber fell too far behind')
          }
          const next = backlog.shift()
          if (next == null) {
            await new Promise<void>((resolve) => {
              wake = resolve
            })
            wake = undefined
            continue
          }
          if (next.index <= last) continue
          yield next
          last = next.index
        }
      } finally {
        t.listeners.delete(listener)
        signal.removeEventListener('abort', onAbort)
      }
    },

    /** Linearizable read: entries after `afterIndex` committed when the read started. */
    async read(id: string, afterIndex: number, limit: number, timeoutMs: number): Promise<Entry[]> {
      const t = get(id)
      let upTo: number
      try {
        upTo = await t.group.readIndex(timeoutMs)
      } catch (err) {
        throw groupError(err, 'READ_TIMEOUT')
      }
      return t.storage.readEntries(afterIndex + 1, upTo, limit)
    },
  }
}

function groupError(err: unknown, timeoutReason: 'NOT_COMMITTED' | 'READ_TIMEOUT'): unknown {
  if (!(err instanceof RaftGroupError)) return err
  return err.reason === 'TIMEOUT'
    ? new MoltmeshError(
        'deadline_exceeded',
        timeoutReason,
        `${err.message}: no leader or no majority reachable`,
      )
    : new MoltmeshError('unavailable', 'THREAD_STOPPED', err.message)
}

export type OrderedThreads = ReturnType<typeof createOrderedThreads>
