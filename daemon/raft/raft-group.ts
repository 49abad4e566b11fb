// The I/O shell around one Raft member (one ordered thread on this daemon): it feeds the core its
// inputs one at a time (ticks from a timer, messages from the transport, client proposals and reads)
// and carries out each output in the order the engine contract demands (engine.ts): persist, and only
// once that is durable send the messages and apply the committed entries, then answer reads and
// proposals.
//
// Inputs that arrive while a write is in flight are stepped together afterwards and their state
// written in one batch (group commit), before any of their messages leave. A failed write stops the
// member (fail-stop): its memory is ahead of its disk, so it must not send anything more; a restart
// reloads it from storage.

import { randomUUID } from 'node:crypto'
import type { Logger } from '../log/logger.ts'
import type { Metrics } from '../metrics/metrics.ts'
import { coalesceAppends } from './coalesce.ts'
import type { EngineEvent, EngineStatus } from './engine.ts'
import type { EntrySigner, EntryVerifier } from './entry-auth.ts'
import { leaderSends } from './leader-sends.ts'
import { defaultRaftOptions, RaftNode, type RaftOutput } from './raft-node.ts'
import type { RaftTiming } from './raft-options.ts'
import type { RaftStorage } from './storage.ts'
import type { RaftTransport } from './transport-libp2p.ts'
import type { Entry, Genesis, MemberChange, ProposalOutcome, RaftMessage, Snapshot } from './types.ts'
import { WritePlan } from './write-plan.ts'

export interface RaftGroupOptions extends Partial<RaftTiming> {
  genesis: Genesis
  signer: EntrySigner
  verifier: EntryVerifier
  storage: RaftStorage
  transport: Pick<RaftTransport, 'register' | 'send'>
  /** Length of one tick of the core's logical time. */
  tickMs: number
  logger: Logger
  metrics: Metrics
  /** Committed entries in index order, after a snapshot to restore when there is one. Called after
   *  the entries are durable; the application must not throw. */
  apply?: (committed: Entry[], restore: Snapshot | undefined) => void
  random?: () => number
  /** Checks a message's signatures ahead of the core (verify-pool.ts); the message is stepped once
   *  this resolves, in arrival order. */
  precheck?: (message: RaftMessage) => Promise<void>
}

export interface AppendRequest {
  /** DID of the agent asking: client ids are prefixed with it, so agents cannot collide on them. */
  requester: string
  client: string
  seq: number
  payload: Uint8Array
  /** Give up waiting after this long (the append may still commit later; retry with the same seq). */
  timeoutMs: number
}

/** An append or read that gave up waiting, or a group that stopped. */
export class RaftGroupError extends Error {
  override name = 'RaftGroupError'
  /** TIMEOUT: no commit (or read) in time, e.g. no leader or no majority; STOPPED: the member stopped. */
  readonly reason: 'TIMEOUT' | 'STOPPED'
  constructor(reason: 'TIMEOUT' | 'STOPPED', message: string) {
    super(message)
    this.reason = reason
  }
}

/** How many applied entries' terms are remembered (see recentTerms). */
const RECENT_TERMS = 4096

const lost = (index: number): ProposalOutcome => ({
  ok: false,
  reason: 'LEADERSHIP_LOST',
  detail: `another entry was committed at index ${index}; retry with the same sequence number`,
})

/** Refusals that an election or a retry can end: the request is made again instead of answered. */
const RETRY_ON = new Set<string>(['NO_LEADER', 'LEADERSHIP_LOST'])

/** Longest a commit-index-only change waits to be written (see write-plan.ts). */
const COMMIT_WRITE_LAZY_MS = 200

/** Inputs stepped before one storage write: bounds the batch and the latency it adds. */
const MAX_STEPS_PER_WRITE = 256

type Input =
  | { type: 'tick' }
  | { type: 'message'; message: RaftMessage; ready?: Promise<void> }
  | { type: 'propose'; requestId: string; client: string; seq: number; payload: Uint8Array }
  | { type: 'change-members'; requestId: string; client: string; seq: number; change: MemberChange }
  | { type: 'read'; requestId: string }

interface Waiter<T> {
  resolve(value: T): void
  reject(err: Error): void
}

export interface RaftGroup {
  readonly id: string
  /** Proposes a data entry; resolves once it is committed (or refused). */
  append(request: AppendRequest): Promise<ProposalOutcome>
  changeMembers(
    requester: string,
    client: string,
    seq: number,
    change: MemberChange,
    timeoutMs: number,
  ): Promise<ProposalOutcome>
  /** Linearizable read barrier: resolves with an index once every entry up to it is applied here. */
  readIndex(timeoutMs: number): Promise<number>
  status(): EngineStatus
  /** Index of the last entry handed to `apply`. */
  applied(): number
  stop(): Promise<void>
}

/** Loads the member's state from storage and starts its timer and its transport registration. */
export async function startRaftGroup(o: RaftGroupOptions): Promise<RaftGroup> {
  const groupId = o.genesis.groupId
  const log = o.logger.child({ thread: groupId })
  const hostile = o.metrics.counter(
    'moltmesh_hostile_input_total',
    'Rejected hostile or malformed peer input, by reason',
  )
  const steps = o.metrics.counter('moltmesh_raft_steps_total', 'Inputs stepped through Raft members')
  const writes = o.metrics.counter(
    'moltmesh_raft_writes_total',
    'Storage writes of Raft members (group commits)',
  )
  const state = await o.storage.load()
  const node = new RaftNode(
    {
      genesis: o.genesis,
      signer: o.signer,
      verifier: o.verifier,
      random: o.random ?? Math.random,
      electionTicks: o.electionTicks,
      heartbeatTicks: o.heartbeatTicks,
    },
    { state },
  )
  const proposals = new Map<string, Waiter<ProposalOutcome>>()
  const reads = new Map<string, Waiter<number>>()
  /** Accepted proposals by the index the leader gave them, until this member commits that index. */
  const commitWaits = new Map<
    number,
    { requestId: string; outcome: Extract<ProposalOutcome, { ok: true }> }[]
  >()
  /** The last refusal of a request still being retried, for the timeout's message. */
  const lastRefusal = new Map<string, string>()
  /** Terms of the last applied entries, to check an outcome that arrives after its index committed. */
  const recentTerms = new Map<number, number>()
  /** Reads whose index is known, waiting for the application to get there. */
  const readyReads: { index: number; waiter: Waiter<number> }[] = []
  let applied = state.snapshot?.meta.index ?? 0
  const plan = new WritePlan(state.hardState, COMMIT_WRITE_LAZY_MS)
  const queue: Input[] = []
  let draining = false
  let tickQueued = false
  let stopped = false
  let failed: Error | undefined
  let idle: Promise<void> = Promise.resolve()

  function enqueue(input: Input): void {
    if (stopped) return
    queue.push(input)
    if (draining) return
    // Start stepping at the end of this turn of the event loop, not now: inputs that arrive together
    // (frames read from one socket chunk, appends of callers woken by one commit) are stepped and
    // written together, and their appends leave as one message per follower.
    draining = true
    idle = new Promise((resolve) => setImmediate(resolve)).then(drain)
  }

  async function drain(): Promise<void> {
    draining = true
    try {
      while (!stopped && queue.length > 0) {
        // Group commit: step everything waiting (up to a bound), write all the resulting state in one
        // batch, then carry out the outputs in order. Every message still leaves after the state it
        // depends on is durable (a leader's appends depend on its term only: see below); the core
        // meanwhile only ran ahead in memory, as it does while any write is in flight (the
        // simulation's disk completes writes after a delay in the same way).
        const batch = queue.splice(0, MAX_STEPS_PER_WRITE)
        // Signatures checked in workers: wait for this batch's, keeping the order of arrival.
        await Promise.all(batch.map((i) => (i.type === 'message' ? i.ready : undefined)))
        if (stopped) break
        const start = node.status()
        const outputs: RaftOutput[] = []
        for (const input of batch) {
          if (input.type === 'tick') tickQueued = false
          outputs.push(node.step(input))
        }
        steps.inc({}, batch.length)
        const end = node.status()
        // Appends that continue one another leave as one message per follower (coalesce.ts).
        const messages = coalesceAppends(outputs.flatMap((out) => out.messages))
        const durableTerm = plan.durableTerm
        const toWrite = plan.take(
          outputs.flatMap((out) => (out.persist != null ? [out.persist] : [])),
          Date.now(),
        )
        // A leader's appends leave before its own write of them completes, with the commit index
        // held to its durable log (leader-sends.ts): the followers write while the leader does. At
        // the start of a batch everything stepped before is durable (writes complete before the next
        // batch is stepped), so the durable log ends at start.lastIndex and the term at durableTerm.
        const sends =
          toWrite == null
            ? { now: [], afterWrite: messages }
            : leaderSends(messages, {
                leader: end.role === 'leader',
                durableTerm,
                durableLast: start.lastIndex,
              })
        for (const m of sends.now) o.transport.send(groupId, m)
        if (toWrite != null) {
          if (o.storage.saveAll != null) await o.storage.saveAll(toWrite)
          else for (const p of toWrite) await o.storage.save(p)
          writes.inc()
        }
        if (stopped) break
        for (const m of sends.afterWrite) o.transport.send(groupId, m)
        for (const out of outputs) carryOut(out)
      }
    } catch (err) {
      failed = err as Error
      log.error({ err }, 'raft member stopped: could not persist its state')
      await shutdown(new RaftGroupError('STOPPED', `raft member failed: ${(err as Error).message}`))
    } finally {
      draining = false
    }
  }

  /** Carries out one output whose state is durable and whose messages are sent: apply, then answer. */
  function carryOut(out: RaftOutput): void {
    if (out.restore != null || out.committed.length > 0) {
      o.apply?.(out.committed, out.restore)
      if (out.restore != null) {
        applied = Math.max(applied, out.restore.meta.index)
        // Whatever was waiting inside the snapshot cannot be checked here: the caller retries with
        // the same sequence number and gets the index it has (dedupe travels in snapshots).
        for (const [index, waits] of commitWaits) {
          if (index > applied) continue
          commitWaits.delete(index)
          for (const w of waits) answer(w.requestId, lost(index))
        }
      }
      for (const e of out.committed) {
        applied = e.index
        recentTerms.set(e.index, e.term)
        recentTerms.delete(e.index - RECENT_TERMS)
        const waits = commitWaits.get(e.index)
        if (waits == null) continue
        commitWaits.delete(e.index)
        for (const w of waits) answer(w.requestId, e.term === w.outcome.term ? w.outcome : lost(e.index))
      }
    }
    for (const e of out.events) noteEvent(e)
    // An ok outcome says where the leader put the entry; the append is acknowledged only once this
    // member has committed that index with that term (same index and term: same entry). Another
    // entry there means a leader change lost it: the caller retries with the same sequence number.
    for (const p of out.proposals) {
      const outcome = p.outcome
      if (!outcome.ok) answer(p.requestId, outcome)
      else if (outcome.index <= applied) {
        const term = recentTerms.get(outcome.index)
        answer(p.requestId, term === undefined || term === outcome.term ? outcome : lost(outcome.index))
      } else {
        const waits = commitWaits.get(outcome.index) ?? []
        waits.push({ requestId: p.requestId, outcome })
        commitWaits.set(outcome.index, waits)
      }
    }
    for (const r of out.reads) {
      const waiter = reads.get(r.requestId)
      if (waiter == null) continue
      if (r.index < 0) {
        // No leader to confirm the read (an election, or this member is cut off): the read is made
        // again by the resend timer until the deadline.
        lastRefusal.set(r.requestId, r.reason ?? 'NO_LEADER')
        continue
      }
      reads.delete(r.requestId)
      readyReads.push({ index: r.index, waiter })
    }
    for (let i = readyReads.length - 1; i >= 0; i--) {
      const r = readyReads[i] as (typeof readyReads)[number]
      if (r.index <= applied) {
        readyReads.splice(i, 1)
        r.waiter.resolve(r.index)
      }
    }
  }

  function answer(requestId: string, outcome: ProposalOutcome): void {
    if (!outcome.ok && RETRY_ON.has(outcome.reason)) {
      // An election is running or a leader change lost the entry: the resend timer proposes it again
      // (same client and seq) until the deadline, so the caller sees a commit or a timeout.
      lastRefusal.set(requestId, outcome.reason)
      return
    }
    proposals.get(requestId)?.resolve(outcome)
    proposals.delete(requestId)
  }

  function noteEvent(e: EngineEvent): void {
    if (e.type === 'role-changed') {
      log.info({ detail: e.detail }, 'raft role changed')
      return
    }
    // Dropped messages and rejected entries come from peers: hostile or broken, counted either way.
    const reason = / from non-member /.test(e.detail)
      ? 'NOT_A_MEMBER'
      : e.type === 'entry-rejected'
        ? 'ENTRY_REJECTED'
        : 'MALFORMED_MESSAGE'
    hostile.inc({ protocol: 'raft', reason })
    log.warn({ reason, detail: e.detail }, 'raft input refused')
  }

  function wait<T>(
    map: Map<string, Waiter<T>>,
    requestId: string,
    timeoutMs: number,
    input: Input,
  ): Promise<T> {
    if (stopped)
      return Promise.reject(new RaftGroupError('STOPPED', failed?.message ?? 'raft member stopped'))
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        clearInterval(resend)
        map.delete(requestId)
        const last = lastRefusal.get(requestId)
        lastRefusal.delete(requestId)
        const why = last == null ? '' : ` (last answer: ${last})`
        reject(new RaftGroupError('TIMEOUT', `no answer within ${timeoutMs} ms${why}`))
      }, timeoutMs)
      // Messages may be lost (a forward to a leader that just changed, a peer being redialled): the
      // same request is made again now and then until answered. Proposals keep their client and seq,
      // so a repeat is deduplicated, never committed twice; the first answer wins.
      const resend = setInterval(() => enqueue(input), resendMs)
      map.set(requestId, {
        resolve: (v) => {
          clearTimeout(timer)
          clearInterval(resend)
          lastRefusal.delete(requestId)
          resolve(v)
        },
        reject: (err) => {
          clearTimeout(timer)
          clearInterval(resend)
          lastRefusal.delete(requestId)
          reject(err)
        },
      })
      enqueue(input)
    })
  }

  /** Two election timeouts: long enough for an answer or a new leader, short next to a deadline. */
  const resendMs = 2 * (o.electionTicks ?? defaultRaftOptions.electionTicks) * o.tickMs
  const precheck = o.precheck
  const unregister = o.transport.register(groupId, (message) =>
    enqueue({
      type: 'message',
      message,
      ready: precheck == null ? undefined : precheck(message).catch(() => undefined),
    }),
  )
  const timer = setInterval(() => {
    // A busy member does not pile up ticks: one waiting tick is enough.
    if (tickQueued) return
    tickQueued = true
    enqueue({ type: 'tick' })
  }, o.tickMs)

  async function shutdown(err: RaftGroupError): Promise<void> {
    stopped = true
    clearInterval(timer)
    unregister()
    for (const w of proposals.values()) w.reject(err)
    for (const w of reads.values()) w.reject(err)
    for (const r of readyReads) r.waiter.reject(err)
    proposals.clear()
    commitWaits.clear()
    lastRefusal.clear()
    reads.clear()
    readyReads.length = 0
  }

  // The first output of a restarted node replays the committed entries (and snapshot) to the app.
  enqueue({ type: 'tick' })

  return {
    id: groupId,
    append(r) {
      // Request ids are random: a response for someone else's request id cannot be guessed.
      const requestId = randomUUID()
      return wait(proposals, requestId, r.timeoutMs, {
        type: 'propose',
        requestId,
        client: `${r.requester}/${r.client}`,
        seq: r.seq,
        payload: r.payload,
      })
    },
    changeMembers(requester, client, seq, change, timeoutMs) {
      const requestId = randomUUID()
      return wait(proposals, requestId, timeoutMs, {
        type: 'change-members',
        requestId,
        client: `${requester}/${client}`,
        seq,
        change,
      })
    },
    readIndex(timeoutMs) {
      const requestId = randomUUID()
      return wait(reads, requestId, timeoutMs, { type: 'read', requestId })
    },
    status: () => node.status(),
    applied: () => applied,
    async stop() {
      if (stopped) return
      await shutdown(new RaftGroupError('STOPPED', 'raft member stopped'))
      await idle
      // The commit index not written yet (write-plan.ts): a clean stop keeps it.
      const pending = plan.takePending()
      if (pending != null && failed == null) await o.storage.save(pending).catch(() => undefined)
    },
  }
}
