// Deterministic simulation of a Raft group: the real core (daemon/raft) driven by a simulated shell,
// network, disk, clock and clients, all drawing from one seeded PRNG.
//
// - Network: per-message delay (so reordering), loss, duplication, symmetric and one-way partitions.
// - Disk: each output is persisted after a random delay, in order; its messages leave and its entries
//   are applied only then ("persist before send"). A crash (of one member, several at once, or one
//   in the middle of a write) drops whatever was not yet persisted, and the member restarts from its
//   MemoryRaftStorage alone.
// - Clock: members tick at skewed rates and stall now and then (a GC pause or a busy event loop).
// - Clients: each runs appends and linearizable reads one at a time against random members, retrying
//   with the same (client, seq) after timeouts and refusals, and records invocation and completion.
// - Membership: spare members are added (as learners, then promoted), voters removed and removed
//   members added again, while all of the above goes on. Members compact their logs, so lagging
//   members need snapshots.

import type { EngineOutput, ReadResult } from '../../../daemon/raft/engine.ts'
import { leaderSends } from '../../../daemon/raft/leader-sends.ts'
import { RaftNode, type RaftOptions, type RaftRestart } from '../../../daemon/raft/raft-node.ts'
import { MemoryRaftStorage, type RaftPersist } from '../../../daemon/raft/storage.ts'
import type { Entry, ProposalOutcome, RaftMessage } from '../../../daemon/raft/types.ts'
import { EventQueue } from './event-queue.ts'
import { fakeSigner, fakeVerifier } from './fake-auth.ts'
import type { AppendOp, LogEntry, MemberLog, Op, ReadOp } from './history.ts'
import { checkHistory, type Violation } from './linearizability.ts'
import { Prng } from './prng.ts'

export type EngineFactory = (options: RaftOptions, restart?: RaftRestart) => RaftNode

export interface SimConfig {
  seed: number
  voters: number
  /** Non-members that membership changes may add. */
  spares: number
  clients: number
  opsPerClient: number
  /** Virtual milliseconds of faults, then up to settleMs for everything to heal and finish. */
  chaosMs: number
  settleMs: number
  faults: boolean
  membershipChanges: boolean
  /** Snapshot after this many applied entries (small, so snapshots are installed often). */
  compactEvery: number
  engine?: EngineFactory
  /** A deliberately broken shell: answers reads from the local state without read-index. */
  localReads?: boolean
  /** A deliberately broken shell: sends messages before the state they depend on is on disk. */
  sendBeforePersist?: boolean
  /** false: a leader's appends wait for its write like every other message (the shell's rule
   *  before leader-sends.ts; kept to compare). */
  leaderSendsEarly?: boolean
  /** A deliberately broken shell: a leader's early appends carry its commit index unchecked, though
   *  it may rest on entries only in the leader's memory. */
  leaderCommitUnchecked?: boolean
}

export interface SimStats {
  events: number
  elections: number
  crashes: number
  partitions: number
  snapshotsInstalled: number
  forwarded: number
  followerReads: number
  configCommitted: number
  duplicatesDelivered: number
  /** Leaders that stepped down by check-quorum. */
  stepDowns: number
  /** Retried appends the leader recognised as already in the log. */
  dedupedRetries: number
  committed: number
}

export interface SimResult {
  seed: number
  violations: Violation[]
  /** Things that should have happened once the faults stopped but did not. */
  liveness: string[]
  stats: SimStats
  history: Op[]
  logs: MemberLog[]
  /** Each member's engine status at the end (for diagnosing a failed seed). */
  statuses: string[]
}

const TICK_MS = 10
const ELECTION_TICKS = 10
const HEARTBEAT_TICKS = 2
const OP_TIMEOUT_MS = 400

type RaftOutput = EngineOutput<RaftMessage, RaftPersist>

interface Member {
  id: string
  storage: MemoryRaftStorage
  engine: RaftNode | undefined
  /** Incarnation: callbacks scheduled for an earlier life are ignored. */
  epoch: number
  app: LogEntry[]
  keyIndex: Map<string, number>
  snapshotAt: number
  /** When the last queued write completes. */
  diskDoneAt: number
  /** Crash while the next write is in flight (targets the persist-before-send window). */
  crashOnNextWrite: boolean
  skew: number
  stalledUntil: number
  random: Prng
}

interface Attempt {
  id: number
  member: Member
  readIndex?: number
}

interface Client {
  id: string
  seq: number
  opsLeft: number
  op: AppendOp | ReadOp | undefined
  attempt: Attempt | undefined
}

export function runSimulation(config: SimConfig): SimResult {
  return new Simulation(config).run()
}

class Simulation {
  private readonly cfg: SimConfig
  private readonly rng: Prng
  private readonly queue = new EventQueue<() => void>()
  private now = 0
  private readonly members = new Map<string, Member>()
  private readonly clients: Client[] = []
  private readonly history: Op[] = []
  private readonly blocked = new Map<string, number>()
  private loss = 0.02
  private duplicate = 0.02
  private attemptSeq = 0
  private adminSeq = 0
  private readonly genesisVoters: string[]
  /** Slowest write of this run: a wider window between deciding and persisting exposes more bugs. */
  private readonly diskMaxMs: number
  private readonly stats: SimStats = {
    events: 0,
    elections: 0,
    crashes: 0,
    partitions: 0,
    snapshotsInstalled: 0,
    forwarded: 0,
    followerReads: 0,
    configCommitted: 0,
    duplicatesDelivered: 0,
    stepDowns: 0,
    dedupedRetries: 0,
    committed: 0,
  }
  private readonly problems: string[] = []
  /** Entries applied somewhere while fewer than a majority of members had them on disk. */
  private readonly undurable: Violation[] = []

  constructor(cfg: SimConfig) {
    this.cfg = cfg
    this.rng = new Prng(cfg.seed)
    const ids = Array.from({ length: cfg.voters + cfg.spares }, (_, i) => `n${i + 1}`)
    this.genesisVoters = ids.slice(0, cfg.voters)
    this.diskMaxMs = this.rng.int(1, 10)
    for (const id of ids) {
      this.members.set(id, {
        id,
        storage: new MemoryRaftStorage(),
        engine: undefined,
        epoch: 0,
        app: [],
        keyIndex: new Map(),
        snapshotAt: 0,
        diskDoneAt: 0,
        crashOnNextWrite: false,
        skew: cfg.faults ? 0.7 + this.rng.next() * 0.6 : 1,
        stalledUntil: 0,
        random: this.rng.fork(),
      })
    }
    for (let i = 0; i < cfg.clients; i++) {
      this.clients.push({
        id: `c${i + 1}`,
        seq: 0,
        opsLeft: cfg.opsPerClient,
        op: undefined,
        attempt: undefined,
      })
    }
  }

  run(): SimResult {
    for (const m of this.members.values()) this.start(m)
    for (const c of this.clients) this.at(this.rng.int(0, 50), () => this.nextOp(c))
    if (this.cfg.faults) this.at(this.rng.int(50, 200), () => this.fault())
    const chaosEnd = this.cfg.chaosMs
    this.at(chaosEnd, () => this.healAll())
    const deadline = chaosEnd + this.cfg.settleMs
    let nextCheck = chaosEnd
    for (;;) {
      const ev = this.queue.pop()
      if (ev == null || ev.time > deadline) break
      this.now = ev.time
      this.stats.events++
      ev.value()
      if (this.now >= nextCheck) {
        nextCheck = this.now + 50
        if (this.settled()) break
      }
    }
    const logs = [...this.members.values()].map((m) => ({ member: m.id, entries: m.app }))
    const liveness = [...this.problems]
    for (const c of this.clients) {
      if (c.op != null) liveness.push(`${c.id}'s ${c.op.kind} invoked at ${c.op.invoke} never completed`)
      else if (c.opsLeft > 0) liveness.push(`${c.id} still had ${c.opsLeft} operations to run`)
    }
    const lengths = this.currentMembers().map((m) => `${m.id}:${m.app.length}`)
    if (new Set(this.currentMembers().map((m) => m.app.length)).size > 1) {
      liveness.push(`members did not converge: ${lengths.join(' ')}`)
    }
    return {
      seed: this.cfg.seed,
      violations: [...this.undurable, ...checkHistory(this.history, logs)],
      liveness,
      stats: this.stats,
      history: this.history,
      logs,
      statuses: [...this.members.values()].map(
        (m) => `${m.id}: ${JSON.stringify(m.engine?.status() ?? 'down')}`,
      ),
    }
  }

  private at(delay: number, fn: () => void): void {
    this.queue.push(this.now + delay, fn)
  }

  // --- members ---------------------------------------------------------------------------------

  private start(m: Member): void {
    m.epoch++
    const stored = m.storage.loadSync()
    const fresh = stored.hardState.term === 0 && stored.entries.length === 0 && stored.snapshot == null
    const options: RaftOptions = {
      genesis: { groupId: 'sim-thread', voters: this.genesisVoters },
      signer: fakeSigner(m.id),
      verifier: fakeVerifier(),
      random: () => m.random.next(),
      electionTicks: ELECTION_TICKS,
      heartbeatTicks: HEARTBEAT_TICKS,
      maxBatch: 16,
    }
    const factory = this.cfg.engine ?? ((o, r) => new RaftNode(o, r))
    m.engine = factory(options, fresh ? undefined : { state: stored })
    m.app = []
    m.keyIndex = new Map()
    m.snapshotAt = 0
    m.diskDoneAt = 0
    this.scheduleTick(m, m.epoch)
  }

  private crashAndRestart(m: Member): void {
    this.crash(m)
    this.at(this.rng.int(20, 400), () => {
      if (m.engine == null) this.start(m)
    })
  }

  private crash(m: Member): void {
    m.engine = undefined
    m.epoch++
    m.diskDoneAt = 0
    m.crashOnNextWrite = false
    m.app = []
    m.keyIndex = new Map()
    this.stats.crashes++
  }

  private scheduleTick(m: Member, epoch: number): void {
    this.at(Math.max(1, Math.round(TICK_MS * m.skew)), () => {
      if (m.epoch !== epoch || m.engine == null) return
      if (this.now >= m.stalledUntil) this.handle(m, m.engine.step({ type: 'tick' }))
      this.scheduleTick(m, epoch)
    })
  }

  /**
   * The shell: persist, then send, apply and answer. Writes overlap but complete in order (as a
   * LevelDB write queue does); an output with nothing to persist still waits for earlier writes.
   */
  private handle(m: Member, out: RaftOutput): void {
    if (this.cfg.sendBeforePersist) {
      for (const msg of out.messages) this.send(msg)
      out = { ...out, messages: [] }
    } else if (out.persist != null && this.cfg.leaderSendsEarly !== false && m.engine != null) {
      // As the daemon's shell does: a leader's appends leave now, with the commit index held to its
      // durable log (leader-sends.ts). Here writes overlap, so unlike in the daemon the core may
      // count answers for entries still being written: the durable log is what storage holds now.
      const status = m.engine.status()
      const durable = m.storage.durable()
      const sends = leaderSends(out.messages, {
        leader: status.role === 'leader',
        durableTerm: durable.term,
        durableLast: this.cfg.leaderCommitUnchecked ? Number.MAX_SAFE_INTEGER : durable.lastIndex,
      })
      for (const msg of sends.now) this.send(msg)
      out = { ...out, messages: sends.afterWrite }
    }
    if (out.persist == null && m.diskDoneAt <= this.now) {
      this.finish(m, out)
      return
    }
    const delay = out.persist == null ? 0 : this.rng.int(1, this.diskMaxMs)
    m.diskDoneAt = Math.max(m.diskDoneAt, this.now + delay)
    const epoch = m.epoch
    if (out.persist != null && m.crashOnNextWrite) {
      m.crashOnNextWrite = false
      // At any moment before the write completes: messages that left early (a leader's appends)
      // may have been answered by then.
      this.at(this.rng.int(0, Math.max(0, m.diskDoneAt - this.now - 1)), () => {
        if (m.epoch === epoch) this.crashAndRestart(m)
      })
    }
    this.at(m.diskDoneAt - this.now, () => {
      if (m.epoch !== epoch) return
      if (out.persist != null) m.storage.saveSync(out.persist)
      this.finish(m, out)
    })
  }

  private finish(m: Member, out: RaftOutput): void {
    for (const msg of out.messages) this.send(msg)
    for (const e of out.events) {
      if (e.type !== 'role-changed') continue
      if (e.detail.endsWith(': leader')) this.stats.elections++
      else if (e.detail.includes('lost contact with a majority')) this.stats.stepDowns++
    }
    if (out.restore != null) {
      m.app = JSON.parse(new TextDecoder().decode(out.restore.data)) as LogEntry[]
      m.keyIndex = new Map(m.app.filter((e) => e.key !== '').map((e) => [e.key, e.index]))
      m.snapshotAt = out.restore.meta.index
      this.stats.snapshotsInstalled++
    }
    for (const e of out.committed) this.apply(m, e)
    for (const r of out.reads) this.onRead(m, r)
    for (const p of out.proposals) this.onProposal(m, p.requestId, p.outcome)
    this.checkWaiters(m)
    const engine = m.engine
    if (engine != null && m.app.length - m.snapshotAt >= this.cfg.compactEvery) {
      m.snapshotAt = m.app.length
      const data = new TextEncoder().encode(JSON.stringify(m.app))
      this.handle(m, engine.step({ type: 'compact', index: m.app.length, data }))
    }
  }

  private apply(m: Member, e: Entry): void {
    if (e.index !== m.app.length + 1) {
      this.problems.push(`${m.id} applied ${e.index} after ${m.app.length}`)
      return
    }
    // Committed means durable on a majority: whoever applies an entry, that many members must hold it
    // in storage right now (a crash keeps it). Voters never drop below 3 when membership changes.
    const minVoters = this.cfg.membershipChanges ? 3 : this.cfg.voters
    let copies = 0
    for (const x of this.members.values()) if (x.storage.holds(e.index, e.term)) copies++
    if (copies < Math.floor(minVoters / 2) + 1 && this.undurable.length < 10) {
      this.undurable.push({
        rule: 'durability',
        detail: `${m.id} applied entry ${e.index} (term ${e.term}) at ${this.now} ms while ${copies} member(s) had it on disk`,
      })
    }
    const key = e.client === '' ? '' : `${e.client}:${e.seq}`
    m.app.push({ index: e.index, key, hash: Buffer.from(e.hash).toString('hex') })
    if (key !== '' && !m.keyIndex.has(key)) m.keyIndex.set(key, e.index)
    if (e.kind === 'config') this.stats.configCommitted++
    this.stats.committed++
  }

  private currentMembers(): Member[] {
    // The membership as the member with the longest log sees it.
    let best: Member | undefined
    for (const m of this.members.values()) {
      if (
        m.engine != null &&
        (best == null || m.engine.status().lastIndex > (best.engine?.status().lastIndex ?? 0))
      ) {
        best = m
      }
    }
    const status = best?.engine?.status()
    const ids = status == null ? this.genesisVoters : [...status.voters, ...status.learners]
    return ids.map((id) => this.members.get(id) as Member)
  }

  private settled(): boolean {
    if (this.now < this.cfg.chaosMs) return false
    if (this.clients.some((c) => c.op != null || c.opsLeft > 0)) return false
    const current = this.currentMembers()
    // Applied everything it knows to be committed (a restarted member replays on its first step).
    if (current.some((m) => m.engine == null || m.engine.status().commit !== m.app.length)) return false
    return new Set(current.map((m) => m.app.length)).size === 1
  }

  // --- network ---------------------------------------------------------------------------------

  private send(msg: RaftMessage): void {
    if (msg.type === 'forward') this.stats.forwarded++
    if (msg.type === 'read-index') this.stats.followerReads++
    if (this.isBlocked(msg.from, msg.to) || this.rng.chance(this.loss)) return
    this.at(this.rng.int(1, 8), () => this.deliver(msg))
    if (this.rng.chance(this.duplicate)) {
      this.stats.duplicatesDelivered++
      this.at(this.rng.int(1, 30), () => this.deliver(msg))
    }
  }

  private deliver(msg: RaftMessage): void {
    const target = this.members.get(msg.to)
    if (target?.engine == null || this.isBlocked(msg.from, msg.to)) return
    this.handle(target, target.engine.step({ type: 'message', message: msg }))
  }

  private isBlocked(from: string, to: string): boolean {
    return (this.blocked.get(`${from}>${to}`) ?? 0) > 0
  }

  private block(pairs: [string, string][], durationMs: number): void {
    for (const [a, b] of pairs) this.blocked.set(`${a}>${b}`, (this.blocked.get(`${a}>${b}`) ?? 0) + 1)
    this.at(durationMs, () => {
      for (const [a, b] of pairs) this.blocked.set(`${a}>${b}`, (this.blocked.get(`${a}>${b}`) ?? 1) - 1)
    })
  }

  // --- faults ----------------------------------------------------------------------------------

  private fault(): void {
    if (this.now >= this.cfg.chaosMs) return
    const ids = [...this.members.keys()]
    const roll = this.rng.next()
    if (roll < 0.25) {
      // Symmetric partition into two sides.
      const shuffled = [...ids].sort(() => this.rng.next() - 0.5)
      const cut = this.rng.int(1, shuffled.length - 1)
      const left = shuffled.slice(0, cut)
      const right = shuffled.slice(cut)
      const pairs: [string, string][] = []
      for (const a of left) for (const b of right) pairs.push([a, b], [b, a])
      this.block(pairs, this.rng.int(100, 600))
      this.stats.partitions++
    } else if (roll < 0.4) {
      // One-way: one member stops hearing from (or being heard by) some others.
      const a = this.rng.pick(ids)
      const pairs: [string, string][] = ids
        .filter((b) => b !== a && this.rng.chance(0.6))
        .map((b) => (this.rng.chance(0.5) ? [a, b] : [b, a]))
      this.block(pairs, this.rng.int(100, 600))
      this.stats.partitions++
    } else if (roll < 0.65) {
      // Usually one member crashes; sometimes several at once (a power cut): every write still
      // in flight on those members is lost at once.
      // Or one crashes in the middle of its next write.
      const up = [...this.members.values()].filter((m) => m.engine != null)
      if (up.length > 0 && this.rng.chance(0.3)) {
        // Half the time the leader: its writes overlap with its followers' (leader-sends.ts).
        const leader = up.find((m) => m.engine?.status().role === 'leader')
        ;(leader != null && this.rng.chance(0.5) ? leader : this.rng.pick(up)).crashOnNextWrite = true
      } else {
        const count = this.rng.chance(0.3) ? Math.min(up.length, this.rng.int(2, 3)) : Math.min(up.length, 1)
        for (let i = 0; i < count; i++)
          this.crashAndRestart(up.splice(Math.floor(this.rng.next() * up.length), 1)[0] as Member)
      }
    } else if (roll < 0.75) {
      const m = this.members.get(this.rng.pick(ids)) as Member
      m.stalledUntil = this.now + this.rng.int(50, 300)
    } else if (roll < 0.85) {
      this.loss = 0.3
      this.at(this.rng.int(50, 300), () => {
        this.loss = 0.02
      })
    } else if (this.cfg.membershipChanges) {
      this.changeMembership()
    }
    this.at(this.rng.int(30, 250), () => this.fault())
  }

  private changeMembership(): void {
    const leader = [...this.members.values()].find((m) => m.engine?.status().role === 'leader')
    const status = leader?.engine?.status()
    if (leader == null || status == null) return
    const members = new Set([...status.voters, ...status.learners])
    const spares = [...this.members.keys()].filter((id) => !members.has(id))
    const add = spares.length > 0 && (status.voters.length <= 3 || this.rng.chance(0.5))
    const member = add ? this.rng.pick(spares) : this.rng.pick(status.voters.filter((v) => v !== leader.id))
    if (!add && status.voters.length <= 3) return
    const via = this.rng.pick([...members].map((id) => this.members.get(id) as Member))
    if (via.engine == null) return
    this.adminSeq++
    this.handle(
      via,
      via.engine.step({
        type: 'change-members',
        requestId: `admin/${this.adminSeq}`,
        client: 'admin',
        seq: this.adminSeq,
        change: { type: add ? 'add' : 'remove', member },
      }),
    )
  }

  private healAll(): void {
    this.blocked.clear()
    this.loss = 0.02
    for (const m of this.members.values()) {
      m.stalledUntil = 0
      if (m.engine == null) this.start(m)
    }
  }

  // --- clients ---------------------------------------------------------------------------------

  private nextOp(c: Client): void {
    c.op = undefined
    c.attempt = undefined
    if (c.opsLeft === 0 || this.now >= this.cfg.chaosMs) {
      c.opsLeft = 0
      return
    }
    c.opsLeft--
    this.at(this.rng.int(0, 20), () => {
      if (this.rng.chance(0.7)) {
        c.seq++
        c.op = { kind: 'append', key: `${c.id}:${c.seq}`, invoke: this.now }
      } else {
        c.op = { kind: 'read', client: c.id, invoke: this.now }
      }
      this.history.push(c.op)
      this.attempt(c)
    })
  }

  private attempt(c: Client): void {
    const op = c.op
    if (op == null) return
    const member = this.rng.pick([...this.members.values()])
    const attempt: Attempt = { id: ++this.attemptSeq, member }
    c.attempt = attempt
    this.at(OP_TIMEOUT_MS, () => {
      if (c.attempt === attempt) this.attempt(c)
    })
    const engine = member.engine
    if (engine == null) return
    const requestId = `${c.id}/${attempt.id}`
    if (op.kind === 'append') {
      const index = member.keyIndex.get(op.key)
      if (index !== undefined) {
        this.completeAppend(c, index)
        return
      }
      const payload = new TextEncoder().encode(op.key)
      this.handle(member, engine.step({ type: 'propose', requestId, client: c.id, seq: c.seq, payload }))
    } else if (this.cfg.localReads) {
      attempt.readIndex = 0
      this.checkWaiters(member)
    } else {
      this.handle(member, engine.step({ type: 'read', requestId }))
    }
  }

  private clientOf(requestId: string, m: Member): { c: Client; attempt: Attempt } | undefined {
    if (requestId.startsWith('admin/')) return undefined
    const [clientId, attemptId] = requestId.split('/')
    const c = this.clients.find((x) => x.id === clientId)
    const attempt = c?.attempt
    if (c == null || attempt == null || attempt.id !== Number(attemptId) || attempt.member !== m)
      return undefined
    return { c, attempt }
  }

  private retrySoon(c: Client, attempt: Attempt): void {
    this.at(this.rng.int(5, 40), () => {
      if (c.attempt === attempt) this.attempt(c)
    })
  }

  private onProposal(m: Member, requestId: string, outcome: ProposalOutcome): void {
    const found = this.clientOf(requestId, m)
    // A client's retry that found its first attempt already committed (the engine answers a duplicated
    // forward once: the member that forwarded takes only the first answer of the leader it asked).
    if (outcome.ok && outcome.duplicate && found != null) this.stats.dedupedRetries++
    if (found != null && !outcome.ok) this.retrySoon(found.c, found.attempt)
  }

  private onRead(m: Member, r: ReadResult): void {
    const found = this.clientOf(r.requestId, m)
    if (found == null) return
    if (r.index < 0) this.retrySoon(found.c, found.attempt)
    else found.attempt.readIndex = r.index
  }

  /** Completes client operations whose answer is now available at member m. */
  private checkWaiters(m: Member): void {
    for (const c of this.clients) {
      const op = c.op
      if (op == null || c.attempt?.member !== m) continue
      if (op.kind === 'append') {
        const index = m.keyIndex.get(op.key)
        if (index !== undefined) this.completeAppend(c, index)
      } else if (c.attempt.readIndex !== undefined && m.app.length >= c.attempt.readIndex) {
        op.complete = this.now
        op.length = m.app.length
        op.hash = m.app.at(-1)?.hash ?? ''
        this.nextOp(c)
      }
    }
  }

  private completeAppend(c: Client, index: number): void {
    const op = c.op as AppendOp
    op.complete = this.now
    op.index = index
    this.nextOp(c)
  }
}
