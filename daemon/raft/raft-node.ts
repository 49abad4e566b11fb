// A Raft member as a deterministic state machine (Raft paper + Ongaro's thesis, in etcd's shape).
//
// `step(input)` mutates the in-memory state and returns what the shell must do: persist, then send
// and apply (see engine.ts). Nothing here does I/O, reads a clock or draws randomness other than the
// seeded `random` it is given, so a simulation can replay any run exactly from its seed.
//
// Beyond the paper: pre-vote and check-quorum (a partitioned or removed member cannot disrupt a healthy
// leader), read-index reads, single-server membership changes with learners, forwarding of proposals
// and reads to the leader, entries signed by their proposer and chained by hash, and (client, seq)
// deduplication so a retried append is committed once.

import { DedupeTable } from './dedupe-table.ts'
import { type DerivedState, deriveState, noteEntry } from './derived-state.ts'
import type {
  ConsensusEngine,
  EngineEvent,
  EngineInput,
  EngineOutput,
  EngineStatus,
  ReadResult,
} from './engine.ts'
import type { EntrySigner, EntryVerifier } from './entry-auth.ts'
import {
  bytesEqual,
  chainEntry,
  decodeConfigChange,
  encodeConfigChange,
  entryHash,
  genesisHash,
  signingBytes,
} from './entry-codec.ts'
import { proposalProblem } from './entry-rules.ts'
import { isMember, isVoter, quorumSize, quorumValue, toConfigChange } from './membership.ts'
import { provenMember } from './membership-proof.ts'
import { messageProblem } from './message-shape.ts'
import { rememberOwnSignatures } from './own-signatures.ts'
import { RaftLog } from './raft-log.ts'
import { defaultRaftOptions, PROMOTE_CLIENT, type RaftOptions, type RaftRestart } from './raft-options.ts'
import { ReadIndexQueue } from './read-index-queue.ts'
import { EMPTY_HARD_STATE, type RaftPersist } from './storage.ts'
import type {
  AppendMessage,
  AppendResponseMessage,
  Entry,
  ForwardMessage,
  Genesis,
  HardState,
  Membership,
  Proposal,
  ProposalOutcome,
  RaftMessage,
  ReadIndexMessage,
  RejectReason,
  SignedProposal,
  Snapshot,
  SnapshotMessage,
  SnapshotMeta,
  VoteMessage,
  VoteResponseMessage,
} from './types.ts'

export type RaftRole = 'follower' | 'pre-candidate' | 'candidate' | 'leader'
export type RaftOutput = EngineOutput<RaftMessage, RaftPersist>
export { defaultRaftOptions, PROMOTE_CLIENT, type RaftOptions, type RaftRestart }

interface Progress {
  match: number
  next: number
  /** probe: one append at a time until the follower's position is known; replicate: stream;
   *  snapshot: a snapshot is on its way. */
  state: 'probe' | 'replicate' | 'snapshot'
  probeSent: boolean
  /** Last index of each append with entries sent in replicate state and not yet acknowledged. */
  inflight: number[]
  recentActive: boolean
  /** Highest heartbeat round the follower has answered (read-index confirmation). */
  round: number
  snapshotTicks: number
}

interface PendingOutput {
  messages: RaftMessage[]
  reads: ReadResult[]
  proposals: { requestId: string; outcome: ProposalOutcome }[]
  events: EngineEvent[]
  restore: Snapshot | undefined
  snapshot: Snapshot | undefined
  discardEntries: boolean
  entries: Entry[]
}

const emptyOutput = (): PendingOutput => ({
  messages: [],
  reads: [],
  proposals: [],
  events: [],
  restore: undefined,
  snapshot: undefined,
  discardEntries: false,
  entries: [],
})

/** Outstanding forwards and read-index requests remembered (raft-group.ts has far fewer in flight). */
const MAX_ASKED = 10_000

const SIGNED_HERE: EntryVerifier = { verify: () => true }

const reject = (reason: RejectReason, detail: string): ProposalOutcome => ({ ok: false, reason, detail })

export class RaftNode implements ConsensusEngine<RaftMessage, RaftPersist> {
  readonly id: string
  private readonly groupId: string
  private readonly genesis: Genesis
  private readonly signer: EntrySigner
  private readonly verifier: EntryVerifier
  private readonly random: () => number
  private readonly electionTicks: number
  private readonly heartbeatTicks: number
  private readonly maxBatch: number
  private readonly maxAppendBytes: number
  private readonly maxInflight: number
  private readonly maxEntryBytes: number
  private readonly dedupeWindow: number | undefined

  protected term = 0
  private vote: string | undefined
  protected commit = 0
  private applied = 0
  protected role: RaftRole = 'follower'
  private leader: string | undefined
  protected log: RaftLog
  private snapshot: Snapshot | undefined
  // Derived from the snapshot and the log (derived-state.ts); noteEntry keeps them current.
  protected config: Membership
  private configs: DerivedState['configs'] = []
  private memberChanges = new Map<string, Entry>()
  private dedupe: DedupeTable
  private pendingConfigIndex = 0
  private electionElapsed = 0
  private heartbeatElapsed = 0
  private randomizedTimeout = 0
  private votes = new Map<string, boolean>()
  protected progress = new Map<string, Progress>()
  private readonly reads = new ReadIndexQueue()
  /**
   * Forwards and read-index requests sent to a leader, by request id: the member asked. Only that
   * member's answer is taken, so another member cannot answer a request it never got (request ids are
   * random, but a member sees those of the requests it leads and could replay them later).
   */
  private readonly asked = new Map<string, string>()
  private persisted: HardState
  private out: PendingOutput = emptyOutput()

  constructor(options: RaftOptions, restart?: RaftRestart) {
    this.id = options.signer.id
    this.groupId = options.genesis.groupId
    this.genesis = { groupId: options.genesis.groupId, voters: [...options.genesis.voters].sort() }
    // Its own signatures coming back in the leader's appends are recognised, not re-verified.
    const own = rememberOwnSignatures(options.signer, options.verifier)
    this.signer = own.signer
    this.verifier = own.verifier
    this.random = options.random
    this.electionTicks = options.electionTicks ?? defaultRaftOptions.electionTicks
    this.heartbeatTicks = options.heartbeatTicks ?? defaultRaftOptions.heartbeatTicks
    this.maxBatch = options.maxBatch ?? defaultRaftOptions.maxBatch
    this.maxAppendBytes = options.maxAppendBytes ?? defaultRaftOptions.maxAppendBytes
    this.maxInflight = options.maxInflight ?? defaultRaftOptions.maxInflight
    this.maxEntryBytes = options.maxEntryBytes ?? defaultRaftOptions.maxEntryBytes
    this.dedupeWindow = options.dedupeWindow
    if (this.heartbeatTicks >= this.electionTicks)
      throw new Error('raft: heartbeatTicks must be < electionTicks')

    const state = restart?.state
    this.snapshot = state?.snapshot
    const meta: SnapshotMeta = state?.snapshot?.meta ?? {
      index: 0,
      term: 0,
      hash: genesisHash(this.genesis),
      membership: { voters: this.genesis.voters, learners: [] },
      memberChanges: [],
      dedupe: [],
    }
    this.log = new RaftLog(meta, state?.entries ?? [])
    const hs = state?.hardState ?? EMPTY_HARD_STATE
    this.term = hs.term
    this.vote = hs.vote
    this.commit = Math.min(Math.max(hs.commit, meta.index), this.log.lastIndex())
    this.persisted = { ...hs }
    this.config = meta.membership
    this.dedupe = new DedupeTable(this.dedupeWindow)
    this.rebuildDerived()
    if (restart?.applied !== undefined) {
      this.applied = Math.max(Math.min(restart.applied, this.commit), meta.index)
    } else {
      this.applied = meta.index
      this.out.restore = state?.snapshot
    }
    this.resetElectionTimer()
  }

  step(input: EngineInput<RaftMessage>): RaftOutput {
    switch (input.type) {
      case 'tick':
        this.tick()
        break
      case 'message':
        this.handle(input.message)
        break
      case 'propose':
        this.proposeLocal(input.requestId, {
          kind: 'data',
          proposer: this.id,
          client: input.client,
          seq: input.seq,
          payload: input.payload,
        })
        break
      case 'change-members':
        this.proposeLocal(input.requestId, {
          kind: 'config',
          proposer: this.id,
          client: input.client,
          seq: input.seq,
          payload: encodeConfigChange(toConfigChange(input.change)),
        })
        break
      case 'read':
        this.readLocal(input.requestId)
        break
      case 'compact':
        this.compactTo(input.index, input.data)
        break
    }
    return this.collect()
  }

  status(): EngineStatus {
    return {
      id: this.id,
      role: this.role,
      term: this.term,
      leader: this.leader,
      commit: this.commit,
      applied: this.applied,
      lastIndex: this.log.lastIndex(),
      voters: [...this.config.voters],
      learners: [...this.config.learners],
      progress: [...this.progress].map(([member, pr]) => ({ member, match: pr.match })),
    }
  }

  // --- time ------------------------------------------------------------------------------------

  private tick(): void {
    this.electionElapsed++
    if (this.role !== 'leader') {
      if (this.electionElapsed >= this.randomizedTimeout && isVoter(this.config, this.id)) this.campaign()
      return
    }
    if (this.electionElapsed >= this.electionTicks) {
      this.electionElapsed = 0
      // Check-quorum: a leader that has not heard from a majority for a whole election timeout may be
      // on the minority side of a partition; it steps down rather than serve stale reads or hold on.
      if (!this.quorumActive()) {
        this.event('role-changed', `term ${this.term}: lost contact with a majority, stepping down`)
        this.becomeFollower(this.term, undefined)
        return
      }
      for (const pr of this.progress.values()) pr.recentActive = false
    }
    this.heartbeatElapsed++
    if (this.heartbeatElapsed >= this.heartbeatTicks) {
      this.heartbeatElapsed = 0
      for (const [member, pr] of this.progress) {
        if (pr.state === 'snapshot') {
          pr.snapshotTicks += this.heartbeatTicks
          // No answer to a snapshot for an election timeout: assume it was lost and probe again.
          if (pr.snapshotTicks >= this.electionTicks) pr.state = 'probe'
        }
        pr.probeSent = false
        this.sendAppend(member, true)
      }
      this.reads.noteBroadcast()
      this.maybePromoteLearner()
    }
  }

  private quorumActive(): boolean {
    let active = 0
    for (const v of this.config.voters) if (v === this.id || this.progress.get(v)?.recentActive) active++
    return active >= quorumSize(this.config)
  }

  private resetElectionTimer(): void {
    this.electionElapsed = 0
    this.randomizedTimeout = this.electionTicks + Math.floor(this.random() * this.electionTicks)
  }

  /** While a leader is known and recently heard from, vote requests are ignored (leader stickiness). */
  private inLease(): boolean {
    return this.leader !== undefined && this.electionElapsed < this.electionTicks
  }

  // --- roles -----------------------------------------------------------------------------------

  private becomeFollower(term: number, leader: string | undefined): void {
    const wasLeader = this.role === 'leader'
    if (term > this.term) {
      this.term = term
      this.vote = undefined
    }
    if (wasLeader) this.failPendingReads()
    this.role = 'follower'
    this.leader = leader
    this.progress.clear()
    this.votes.clear()
    this.resetElectionTimer()
  }

  private campaign(): void {
    // Pre-vote: ask first whether a majority would vote at term + 1, without anyone changing term, so a
    // member that was cut off cannot force a healthy group into a new election when it returns.
    this.role = 'pre-candidate'
    this.leader = undefined
    this.votes = new Map([[this.id, true]])
    this.resetElectionTimer()
    this.requestVotes(true)
    this.tallyVotes(true)
  }

  private becomeCandidate(): void {
    this.term++
    this.vote = this.id
    this.role = 'candidate'
    this.leader = undefined
    this.votes = new Map([[this.id, true]])
    this.resetElectionTimer()
    this.requestVotes(false)
    this.tallyVotes(false)
  }

  private requestVotes(pre: boolean): void {
    for (const v of this.config.voters) {
      if (v === this.id) continue
      this.send({
        type: 'vote',
        from: this.id,
        to: v,
        term: pre ? this.term + 1 : this.term,
        pre,
        lastIndex: this.log.lastIndex(),
        lastTerm: this.log.lastTerm(),
      })
    }
  }

  private tallyVotes(pre: boolean): void {
    let granted = 0
    let rejected = 0
    for (const v of this.config.voters) {
      const vote = this.votes.get(v)
      if (vote === true) granted++
      else if (vote === false) rejected++
    }
    const quorum = quorumSize(this.config)
    if (granted >= quorum) {
      if (pre) this.becomeCandidate()
      else this.becomeLeader()
    } else if (this.config.voters.length - rejected < quorum) {
      this.becomeFollower(this.term, undefined)
    }
  }

  private becomeLeader(): void {
    this.role = 'leader'
    this.leader = this.id
    this.heartbeatElapsed = 0
    this.electionElapsed = 0
    this.reads.reset()
    this.progress.clear()
    for (const m of [...this.config.voters, ...this.config.learners]) {
      if (m !== this.id) this.progress.set(m, this.newProgress())
    }
    // No config change until an entry of this term commits (the thesis' fix for single-server
    // changes across leader changes): everything already in the log counts as pending.
    this.pendingConfigIndex = this.log.lastIndex()
    this.event('role-changed', `term ${this.term}: leader`)
    // The noop commits everything from earlier terms and opens read-index reads.
    this.appendNew(
      this.sign({ kind: 'noop', proposer: this.id, client: '', seq: this.term, payload: new Uint8Array() }),
    )
  }

  private newProgress(): Progress {
    return {
      match: 0,
      next: this.log.lastIndex() + 1,
      state: 'probe',
      probeSent: false,
      inflight: [],
      recentActive: true,
      round: 0,
      snapshotTicks: 0,
    }
  }

  // --- messages --------------------------------------------------------------------------------

  private handle(m: RaftMessage): void {
    if (m.to !== this.id || m.from === this.id) return
    const malformed = messageProblem(m)
    if (malformed !== undefined) {
      this.event('message-dropped', `${String(m.type)} from ${m.from}: ${malformed}`)
      return
    }
    switch (m.type) {
      case 'forward':
        this.onForward(m)
        return
      case 'read-index':
        this.onReadIndex(m)
        return
      case 'forward-response':
        if (!this.answeredBy(m.requestId, m.from)) return
        this.out.proposals.push({ requestId: m.requestId, outcome: m.outcome })
        return
      case 'read-index-response':
        if (!this.answeredBy(m.requestId, m.from)) return
        this.out.reads.push(
          m.index < 0
            ? { requestId: m.requestId, index: -1, reason: 'NO_LEADER' }
            : { requestId: m.requestId, index: m.index },
        )
        return
    }
    if (!this.admits(m)) {
      this.event('message-dropped', `${m.type} from non-member ${m.from}`)
      return
    }
    if (m.term > this.term) {
      if (m.type === 'vote') {
        if (this.inLease()) return
        if (!m.pre) this.becomeFollower(m.term, undefined)
      } else if (!(m.type === 'vote-response' && m.pre && m.granted)) {
        const leader = m.type === 'append' || m.type === 'snapshot' ? m.from : undefined
        this.becomeFollower(m.term, leader)
      }
    } else if (m.term < this.term) {
      // Tell a stale leader or pre-candidate about the newer term so it steps down; ignore the rest.
      if (m.type === 'append' || m.type === 'snapshot') {
        this.send(this.appendResponse(m.from, false, this.log.lastIndex(), m.round))
      } else if (m.type === 'vote' && m.pre) {
        this.send({
          type: 'vote-response',
          from: this.id,
          to: m.from,
          term: this.term,
          pre: true,
          granted: false,
        })
      }
      return
    }
    switch (m.type) {
      case 'vote':
        this.onVote(m)
        return
      case 'vote-response':
        this.onVoteResponse(m)
        return
      case 'append':
        this.onAppend(m)
        return
      case 'snapshot':
        this.onSnapshot(m)
        return
      case 'append-response':
        this.onAppendResponse(m)
        return
    }
  }

  /**
   * Membership as of the commit index. An uncommitted change in this member's log may be overwritten
   * by the leader, so a peer it removes is still heard until the removal commits; otherwise a member
   * holding a stale removal of the real leader would refuse the very messages that would repair it.
   */
  private committedConfig(): Membership {
    for (let i = this.configs.length - 1; i >= 0; i--) {
      const c = this.configs[i] as DerivedState['configs'][number]
      if (c.index <= this.commit) return c.membership
    }
    return this.log.snapshot.membership
  }

  /** Only voters vote or ask for votes; only members (or proven new members) lead. */
  private admits(m: RaftMessage): boolean {
    switch (m.type) {
      case 'vote':
      case 'vote-response':
        return isVoter(this.config, m.from) || isVoter(this.committedConfig(), m.from)
      case 'append-response':
        return this.progress.has(m.from) || isMember(this.config, m.from)
      case 'append':
      case 'snapshot':
        return (
          isMember(this.config, m.from) ||
          isMember(this.committedConfig(), m.from) ||
          provenMember(m.from, m.proof, this.config, this.groupId, this.verifier)
        )
      default:
        return true
    }
  }

  private onVote(m: VoteMessage): void {
    const canVote =
      this.vote === m.from ||
      (this.vote === undefined && this.leader === undefined) ||
      (m.pre && m.term > this.term)
    const upToDate =
      m.lastTerm > this.log.lastTerm() ||
      (m.lastTerm === this.log.lastTerm() && m.lastIndex >= this.log.lastIndex())
    if (canVote && upToDate) {
      // The vote is part of the hard state persisted before this response goes out.
      this.send({ type: 'vote-response', from: this.id, to: m.from, term: m.term, pre: m.pre, granted: true })
      if (!m.pre) {
        this.vote = m.from
        this.resetElectionTimer()
      }
    } else {
      this.send({
        type: 'vote-response',
        from: this.id,
        to: m.from,
        term: this.term,
        pre: m.pre,
        granted: false,
      })
    }
  }

  private onVoteResponse(m: VoteResponseMessage): void {
    const counting = m.pre ? this.role === 'pre-candidate' : this.role === 'candidate' && m.term === this.term
    if (!counting) return
    this.votes.set(m.from, m.granted)
    this.tallyVotes(m.pre)
  }

  private appendResponse(to: string, success: boolean, index: number, round: number): AppendResponseMessage {
    return {
      type: 'append-response',
      from: this.id,
      to,
      term: this.term,
      success,
      index,
      hintTerm: success ? 0 : (this.log.term(index) ?? 0),
      round,
    }
  }

  private followLeader(from: string): void {
    if (this.role !== 'follower') this.becomeFollower(this.term, from)
    this.leader = from
    this.electionElapsed = 0
  }

  private onAppend(m: AppendMessage): void {
    this.followLeader(m.from)
    let prevIndex = m.prevIndex
    let prevTerm = m.prevTerm
    let entries = m.entries
    // Everything up to our commit index is known to match the leader (leader completeness).
    if (prevIndex < this.commit) {
      entries = entries.filter((e) => e.index > this.commit)
      prevIndex = this.commit
      prevTerm = this.log.term(this.commit) ?? 0
      if (entries.length > 0 && entries[0]?.index !== prevIndex + 1) entries = []
    }
    if (this.log.term(prevIndex) !== prevTerm) {
      // Reject with a hint: skip back over our entries of terms newer than the leader's prevTerm.
      let hint = Math.min(prevIndex - 1, this.log.lastIndex())
      while (hint > this.commit && (this.log.term(hint) ?? 0) > prevTerm) hint--
      this.send(this.appendResponse(m.from, false, hint, m.round))
      return
    }
    let lastNew = prevIndex
    for (const e of entries) {
      if (e.index !== lastNew + 1) break
      const existing = this.log.term(e.index)
      if (existing === e.term) {
        lastNew = e.index
        continue
      }
      if (existing !== undefined) {
        if (e.index <= this.commit) {
          this.event('entry-rejected', `leader ${m.from} tried to overwrite committed entry ${e.index}`)
          break
        }
        this.truncateFrom(e.index)
      }
      const problem = this.checkEntry(e)
      if (problem !== undefined) {
        this.event('entry-rejected', `entry ${e.index} from leader ${m.from}: ${problem}`)
        break
      }
      this.appendEntry(e)
      lastNew = e.index
    }
    const commit = Math.min(m.commit, lastNew)
    if (commit > this.commit) this.commit = commit
    this.send(this.appendResponse(m.from, true, lastNew, m.round))
  }

  /** Why a follower refuses an entry placed at the end of its log, or undefined if it is valid. */
  private checkEntry(e: Entry): string | undefined {
    const prevHash = this.log.hash(e.index - 1)
    if (prevHash == null || !bytesEqual(e.prevHash, prevHash)) return 'does not chain to the previous entry'
    if (e.term < this.log.lastTerm() || e.term > this.term) return `term ${e.term} out of order`
    if (e.kind === 'noop' && e.seq !== e.term) return 'noop signed for another term'
    if (!bytesEqual(e.hash, entryHash(this.groupId, e, e.index, e.term, prevHash))) return 'hash mismatch'
    return this.checkProposal(e, this.config)
  }

  /** `signedHere`: this member just signed it, so checking the signature again would be wasted work. */
  private checkProposal(p: SignedProposal, config: Membership, signedHere = false): string | undefined {
    return proposalProblem(p, {
      groupId: this.groupId,
      membership: config,
      verifier: signedHere ? SIGNED_HERE : this.verifier,
      maxEntryBytes: this.maxEntryBytes,
      dedupe: this.dedupe,
    })
  }

  private onSnapshot(m: SnapshotMessage): void {
    this.followLeader(m.from)
    const meta = m.snapshot.meta
    let index = meta.index
    if (meta.index <= this.commit) {
      index = this.commit
    } else if (this.log.term(meta.index) === meta.term) {
      // We hold the snapshot's last entry already: it is committed, keep the log.
      this.commit = meta.index
    } else {
      this.log.restore(meta)
      this.snapshot = m.snapshot
      this.commit = meta.index
      this.applied = meta.index
      this.rebuildDerived()
      this.out.restore = m.snapshot
      this.out.snapshot = m.snapshot
      this.out.discardEntries = true
      this.out.entries = []
    }
    this.send(this.appendResponse(m.from, true, index, m.round))
  }

  private onAppendResponse(m: AppendResponseMessage): void {
    if (this.role !== 'leader') return
    const pr = this.progress.get(m.from)
    if (pr == null) return
    pr.recentActive = true
    if (m.round > pr.round) {
      pr.round = m.round
      this.checkReads()
    }
    if (m.success) {
      // Never believe a match beyond our own log (a confused or hostile peer).
      if (m.index > pr.match) pr.match = Math.min(m.index, this.log.lastIndex())
      pr.next = Math.min(Math.max(pr.next, m.index + 1), this.log.lastIndex() + 1)
      if (pr.state === 'replicate') pr.inflight = pr.inflight.filter((i) => i > m.index)
      else pr.inflight = []
      pr.state = 'replicate'
      pr.probeSent = false
      if (this.maybeCommit()) this.broadcastAppend(true)
      else if (pr.next <= this.log.lastIndex()) this.sendAppend(m.from, false)
      return
    }
    if (m.index < pr.match) return // stale rejection
    const snap = this.log.snapshot
    let j = Math.min(m.index, this.log.lastIndex())
    while (j > snap.index && (this.log.term(j) ?? 0) > m.hintTerm) j--
    // The follower diverges at or before our snapshot: only the snapshot can bring it back.
    if (j === snap.index && snap.index > 0 && snap.term > m.hintTerm) j = snap.index - 1
    pr.next = Math.max(pr.match + 1, j + 1)
    pr.state = 'probe'
    pr.probeSent = false
    pr.inflight = []
    this.sendAppend(m.from, true)
  }

  // --- replication (leader) --------------------------------------------------------------------

  private broadcastAppend(force: boolean): void {
    for (const member of this.progress.keys()) this.sendAppend(member, force)
  }

  /** Sends what `member` lacks; with `force` an empty append (heartbeat, commit update) too. */
  private sendAppend(member: string, force: boolean): void {
    const pr = this.progress.get(member)
    if (pr == null || pr.state === 'snapshot') return
    if (pr.state === 'probe' && pr.probeSent && !force) return
    if (pr.next <= this.log.snapshot.index) {
      this.sendSnapshot(member, pr)
      return
    }
    let entries = this.limitBytes(this.log.slice(pr.next, pr.next + this.maxBatch - 1))
    // Flow control: with enough appends unacknowledged, new entries wait and leave together, in one
    // message, when the follower answers (a heartbeat or commit update still goes out, empty).
    if (pr.state === 'replicate' && pr.inflight.length >= this.maxInflight) entries = []
    if (entries.length === 0 && !force) return
    const prevIndex = pr.next - 1
    const msg: AppendMessage = {
      type: 'append',
      from: this.id,
      to: member,
      term: this.term,
      prevIndex,
      prevTerm: this.log.term(prevIndex) ?? 0,
      entries,
      commit: this.commit,
      round: this.reads.round,
    }
    const proof = this.proofFor(pr)
    if (proof != null) msg.proof = proof
    this.send(msg)
    const last = entries.at(-1)
    if (pr.state === 'replicate' && last != null) {
      pr.next = last.index + 1
      pr.inflight.push(last.index)
    }
    if (pr.state === 'probe') pr.probeSent = true
  }

  private limitBytes(entries: Entry[]): Entry[] {
    let bytes = 0
    for (let i = 0; i < entries.length; i++) {
      bytes += (entries[i] as Entry).payload.length
      if (bytes > this.maxAppendBytes && i > 0) return entries.slice(0, i)
    }
    return entries
  }

  private sendSnapshot(member: string, pr: Progress): void {
    if (this.snapshot == null) return
    pr.state = 'snapshot'
    pr.snapshotTicks = 0
    pr.inflight = []
    const msg: SnapshotMessage = {
      type: 'snapshot',
      from: this.id,
      to: member,
      term: this.term,
      snapshot: this.snapshot,
      round: this.reads.round,
    }
    const proof = this.proofFor(pr)
    if (proof != null) msg.proof = proof
    this.send(msg)
  }

  /** Membership proof for followers that may not know this leader yet (see provenMember). */
  private proofFor(pr: Progress): Entry[] | undefined {
    const own = this.memberChanges.get(this.id)
    if (own == null || pr.match >= own.index) return undefined
    return [...this.memberChanges.values()].sort((a, b) => a.index - b.index)
  }

  /** Highest index stored on a majority of voters (the leader counts its own log). */
  protected commitCandidate(): number {
    return quorumValue(this.config, (v) =>
      v === this.id ? this.log.lastIndex() : (this.progress.get(v)?.match ?? 0),
    )
  }

  private maybeCommit(): boolean {
    const candidate = this.commitCandidate()
    // Only entries of the current term commit by counting replicas (Raft paper, figure 8).
    if (candidate <= this.commit || this.log.term(candidate) !== this.term) return false
    this.commit = candidate
    this.syncProgress()
    for (const r of this.reads.takeAwaitingCommit()) this.leaderRead(r.requestId, r.from)
    if (!isVoter(this.config, this.id) && this.pendingConfigIndex <= this.commit) {
      // Our own removal is committed: hand over by stepping down; the others elect a new leader.
      this.event('role-changed', `term ${this.term}: removed from the voters, stepping down`)
      this.becomeFollower(this.term, undefined)
    }
    return true
  }

  private maybePromoteLearner(): void {
    if (this.pendingConfigIndex > this.commit) return
    for (const learner of this.config.learners) {
      const pr = this.progress.get(learner)
      if (pr == null || pr.match < this.commit || !pr.recentActive) continue
      const payload = encodeConfigChange({ type: 'promote', member: learner })
      const seq = this.log.lastIndex() + 1
      this.appendProposal(
        this.sign({ kind: 'config', proposer: this.id, client: PROMOTE_CLIENT, seq, payload }),
        true,
      )
      return
    }
  }

  // --- proposals -------------------------------------------------------------------------------

  private sign(p: Proposal): SignedProposal {
    return { ...p, signature: this.signer.sign(signingBytes(this.groupId, p)) }
  }

  /** Notes that `member` was asked `requestId` (a retry to another leader replaces the first). */
  private ask(requestId: string, member: string): void {
    this.asked.delete(requestId)
    this.asked.set(requestId, member)
    // Requests the shell gave up on are never answered: keep the newest only.
    if (this.asked.size > MAX_ASKED) this.asked.delete(this.asked.keys().next().value as string)
  }

  /** True (and forgets the request) when `from` is the member the request went to. */
  private answeredBy(requestId: string, from: string): boolean {
    if (this.asked.get(requestId) !== from) {
      this.event('message-dropped', `answer to request ${requestId} from ${from}, which was not asked`)
      return false
    }
    this.asked.delete(requestId)
    return true
  }

  private proposeLocal(requestId: string, p: Proposal): void {
    let outcome: ProposalOutcome
    if (!isMember(this.config, this.id)) {
      outcome = reject('NOT_A_MEMBER', `${this.id} is not a member of ${this.groupId}`)
    } else if (p.payload.length > this.maxEntryBytes) {
      outcome = reject('ENTRY_TOO_LARGE', `payload over ${this.maxEntryBytes} bytes`)
    } else if (this.role === 'leader') {
      outcome = this.appendProposal(this.sign(p), true)
    } else if (this.leader !== undefined) {
      this.ask(requestId, this.leader)
      this.send({
        type: 'forward',
        from: this.id,
        to: this.leader,
        term: this.term,
        requestId,
        proposal: this.sign(p),
      })
      return
    } else {
      outcome = reject('NO_LEADER', 'no leader known; retry shortly')
    }
    this.out.proposals.push({ requestId, outcome })
  }

  private onForward(m: ForwardMessage): void {
    let outcome: ProposalOutcome
    if (this.role !== 'leader') outcome = reject('NO_LEADER', `${this.id} is not the leader`)
    else if (!isMember(this.config, m.from)) outcome = reject('NOT_A_MEMBER', `${m.from} is not a member`)
    else outcome = this.appendProposal(m.proposal)
    this.send({
      type: 'forward-response',
      from: this.id,
      to: m.from,
      term: this.term,
      requestId: m.requestId,
      outcome,
    })
  }

  /** Leader: validates a signed proposal and appends it, or says why not. */
  private appendProposal(p: SignedProposal, signedHere = false): ProposalOutcome {
    if (p.kind === 'noop') return reject('INVALID_PROPOSAL', 'noops are appended by leaders only')
    if (p.payload.length > this.maxEntryBytes)
      return reject('ENTRY_TOO_LARGE', `payload over ${this.maxEntryBytes} bytes`)
    if (!isMember(this.config, p.proposer)) return reject('NOT_A_MEMBER', `${p.proposer} is not a member`)
    const seen = this.dedupe.lookup(p.client, p.seq)
    if (seen.state === 'present') {
      return { ok: true, index: seen.index, term: this.log.term(seen.index) ?? 0, duplicate: true }
    }
    if (seen.state === 'stale')
      return reject('STALE_SEQUENCE', `seq ${p.seq} is older than the dedupe window`)
    if (p.kind === 'config') {
      if (this.pendingConfigIndex > this.commit) {
        return reject('CONFIG_CHANGE_PENDING', 'another membership change is not committed yet')
      }
      const change = decodeConfigChange(p.payload)
      if (change?.type === 'promote' && p.proposer !== this.id) {
        return reject('INVALID_PROPOSAL', 'learners are promoted by the leader')
      }
    }
    const problem = this.checkProposal(p, this.config, signedHere)
    if (problem !== undefined) {
      return reject(problem === 'bad signature' ? 'BAD_SIGNATURE' : 'INVALID_PROPOSAL', problem)
    }
    const e = this.appendNew(p)
    return { ok: true, index: e.index, term: e.term, duplicate: false }
  }

  private appendNew(p: SignedProposal): Entry {
    const last = this.log.lastIndex()
    const prevHash = this.log.hash(last) as Uint8Array
    const e = chainEntry(this.groupId, p, last + 1, this.term, prevHash)
    if (e.kind === 'config') this.pendingConfigIndex = e.index
    this.appendEntry(e)
    this.broadcastAppend(this.maybeCommit())
    return e
  }

  // --- log bookkeeping -------------------------------------------------------------------------

  private appendEntry(e: Entry): void {
    this.log.append(e)
    const d: DerivedState = {
      config: this.config,
      configs: this.configs,
      memberChanges: this.memberChanges,
      dedupe: this.dedupe,
    }
    noteEntry(d, e)
    this.out.entries.push(e)
    if (d.config !== this.config) {
      this.config = d.config
      if (this.role === 'leader') this.syncProgress()
    }
  }

  /** Leader: tracks exactly the current members (a config entry added or removed one). */
  /** Leader: tracks the current members. A removed member keeps receiving the log until its removal
   *  commits, so it learns that it is out instead of campaigning in vain. */
  private syncProgress(): void {
    const members = new Set([...this.config.voters, ...this.config.learners])
    for (const m of members) {
      if (m !== this.id && !this.progress.has(m)) this.progress.set(m, this.newProgress())
    }
    if (this.pendingConfigIndex > this.commit) return
    for (const m of this.progress.keys()) if (!members.has(m)) this.progress.delete(m)
  }

  private truncateFrom(index: number): void {
    this.log.truncateFrom(index)
    this.out.entries = this.out.entries.filter((e) => e.index < index)
    this.rebuildDerived()
  }

  private rebuildDerived(): void {
    const d = deriveState(this.log, this.log.lastIndex(), this.dedupeWindow)
    this.config = d.config
    this.configs = d.configs
    this.memberChanges = d.memberChanges
    this.dedupe = d.dedupe
  }

  private compactTo(index: number, data: Uint8Array): void {
    if (index <= this.log.snapshot.index || index > this.applied) return
    const d = deriveState(this.log, index, this.dedupeWindow)
    const meta: SnapshotMeta = {
      index,
      term: this.log.term(index) as number,
      hash: this.log.hash(index) as Uint8Array,
      membership: d.config,
      memberChanges: [...d.memberChanges.values()].sort((a, b) => a.index - b.index),
      dedupe: d.dedupe.recordsUpTo(index),
    }
    this.log.compact(meta)
    this.snapshot = { meta, data }
    this.out.snapshot = this.snapshot
  }

  // --- reads -----------------------------------------------------------------------------------

  private readLocal(requestId: string): void {
    if (this.role === 'leader') this.leaderRead(requestId, this.id)
    else if (this.leader !== undefined) {
      this.ask(requestId, this.leader)
      this.send({ type: 'read-index', from: this.id, to: this.leader, term: this.term, requestId })
    } else this.out.reads.push({ requestId, index: -1, reason: 'NO_LEADER' })
  }

  private onReadIndex(m: ReadIndexMessage): void {
    if (this.role !== 'leader' || !isMember(this.config, m.from)) this.deliverRead(m.requestId, m.from, -1)
    else this.leaderRead(m.requestId, m.from)
  }

  /** Read-index on the leader (see read-index-queue.ts). */
  private leaderRead(requestId: string, from: string): void {
    if (this.log.term(this.commit) !== this.term) {
      this.reads.waitForCommit({ requestId, from })
      return
    }
    this.reads.start({ requestId, from }, this.commit)
    this.checkReads()
  }

  /** Heartbeats carrying the current read round to every follower. */
  private broadcastReadRound(): void {
    for (const [member, pr] of this.progress) if (pr.state !== 'snapshot') this.sendAppend(member, true)
    this.reads.noteBroadcast()
  }

  private checkReads(): void {
    if (!this.reads.hasPending) return
    const confirmed = quorumValue(this.config, (v) =>
      v === this.id ? this.reads.round : (this.progress.get(v)?.round ?? 0),
    )
    for (const r of this.reads.confirm(confirmed)) this.deliverRead(r.requestId, r.from, r.index)
    if (this.reads.needsBroadcast()) this.broadcastReadRound()
  }

  private deliverRead(requestId: string, from: string, index: number): void {
    if (from === this.id) {
      this.out.reads.push(index < 0 ? { requestId, index, reason: 'LEADERSHIP_LOST' } : { requestId, index })
    } else {
      this.send({ type: 'read-index-response', from: this.id, to: from, term: this.term, requestId, index })
    }
  }

  private failPendingReads(): void {
    for (const r of this.reads.drain()) this.deliverRead(r.requestId, r.from, -1)
  }

  // --- output ----------------------------------------------------------------------------------

  private send(m: RaftMessage): void {
    this.out.messages.push(m)
  }

  private event(type: EngineEvent['type'], detail: string): void {
    this.out.events.push({ type, detail })
  }

  private collect(): RaftOutput {
    const out = this.out
    this.out = emptyOutput()
    const hs: HardState = { term: this.term, vote: this.vote, commit: this.commit }
    const p = this.persisted
    const changed = hs.term !== p.term || hs.vote !== p.vote || hs.commit !== p.commit
    if (changed) this.persisted = hs
    let committed: Entry[] = []
    if (this.commit > this.applied) {
      committed = this.log.slice(this.applied + 1, this.commit)
      this.applied = this.commit
    }
    const persist: RaftPersist | undefined =
      changed || out.snapshot != null || out.entries.length > 0 || out.discardEntries
        ? {
            snapshot: out.snapshot,
            discardEntries: out.discardEntries,
            entries: out.entries,
            hardState: changed ? hs : undefined,
          }
        : undefined
    return {
      persist,
      messages: out.messages,
      restore: out.restore,
      committed,
      reads: out.reads,
      proposals: out.proposals,
      events: out.events,
    }
  }
}
