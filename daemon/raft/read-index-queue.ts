// A leader's linearizable reads in flight (read-index, Raft thesis 6.4).
//
// A read notes the commit index and a heartbeat round; once a majority of voters has answered that
// round (or a later one), no newer leader can have existed when the read arrived, and the read may be
// served at the noted index. Until the leader's own noop commits its commit index may lag behind what
// earlier leaders committed, so reads arriving before that wait.
//
// Reads share rounds: while one broadcast round is unanswered, new reads take the next round number
// (carried by every append sent from then on) and one broadcast follows when the first is answered,
// so many concurrent reads cost a couple of heartbeat rounds rather than one each.

export interface ReadRequest {
  requestId: string
  /** Member that asked (the leader itself, or a follower that forwarded its client's read). */
  from: string
}

interface PendingRead extends ReadRequest {
  index: number
  round: number
}

export class ReadIndexQueue {
  private currentRound = 0
  /** Latest round broadcast to every follower. */
  private sentRound = 0
  private pending: PendingRead[] = []
  private awaitingCommit: ReadRequest[] = []

  /** The heartbeat round carried by the leader's appends; followers echo it back. */
  get round(): number {
    return this.currentRound
  }

  get hasPending(): boolean {
    return this.pending.length > 0
  }

  /** New leadership: rounds restart (answers from earlier terms are dropped by term checks). */
  reset(): void {
    this.currentRound = 0
    this.sentRound = 0
  }

  /** The current round has just been sent to every follower. */
  noteBroadcast(): void {
    this.sentRound = this.currentRound
  }

  /** Some read waits for a round nobody has been asked yet, and no broadcast is unanswered. */
  needsBroadcast(): boolean {
    return this.pending.length > 0 && !this.pending.some((r) => r.round <= this.sentRound)
  }

  waitForCommit(read: ReadRequest): void {
    this.awaitingCommit.push(read)
  }

  takeAwaitingCommit(): ReadRequest[] {
    const waiting = this.awaitingCommit
    this.awaitingCommit = []
    return waiting
  }

  /** Gives the read a round newer than anything sent before it arrived; see needsBroadcast. */
  start(read: ReadRequest, commitIndex: number): void {
    this.currentRound++
    this.pending.push({ ...read, index: commitIndex, round: this.currentRound })
  }

  /** Reads whose round a majority has answered, given that majority's highest common round. */
  confirm(confirmedRound: number): PendingRead[] {
    const ready = this.pending.filter((r) => r.round <= confirmedRound)
    if (ready.length > 0) this.pending = this.pending.filter((r) => r.round > confirmedRound)
    return ready
  }

  /** Everything still waiting (leadership lost). */
  drain(): ReadRequest[] {
    const all = [...this.pending, ...this.awaitingCommit]
    this.pending = []
    this.awaitingCommit = []
    return all
  }
}
