// A small synchronous harness for unit tests of the Raft core: members in one process, outputs
// persisted at once, messages delivered in order unless a link is cut. Scenario tests use the
// simulation instead; this is for checking one rule at a time.

import type { EngineEvent, EngineInput, EngineOutput, ReadResult } from '../../daemon/raft/engine.ts'
import type { EntrySigner, EntryVerifier } from '../../daemon/raft/entry-auth.ts'
import { RaftNode, type RaftOptions } from '../../daemon/raft/raft-node.ts'
import { MemoryRaftStorage, type RaftPersist } from '../../daemon/raft/storage.ts'
import type { Entry, Genesis, ProposalOutcome, RaftMessage } from '../../daemon/raft/types.ts'
import { fakeSigner, fakeVerifier } from './sim/fake-auth.ts'
import { Prng } from './sim/prng.ts'

export type Output = EngineOutput<RaftMessage, RaftPersist>

export interface TestMember {
  id: string
  engine: RaftNode
  storage: MemoryRaftStorage
  committed: Entry[]
  reads: ReadResult[]
  proposals: { requestId: string; outcome: ProposalOutcome }[]
  events: EngineEvent[]
  outputs: Output[]
}

export interface ClusterOptions {
  /** Genesis voters; defaults to every id. */
  voters?: string[]
  signers?: Map<string, EntrySigner>
  verifier?: EntryVerifier
  seed?: number
  engine?: (options: RaftOptions) => RaftNode
}

export class Cluster {
  readonly members = new Map<string, TestMember>()
  readonly genesis: Genesis
  /** Messages sent and not yet delivered, oldest first. */
  inflight: RaftMessage[] = []
  /** Cut links, as "from>to". */
  readonly cut = new Set<string>()
  private readonly options: ClusterOptions
  private readonly rng: Prng

  constructor(ids: string[], options: ClusterOptions = {}) {
    this.options = options
    this.rng = new Prng(options.seed ?? 1)
    this.genesis = { groupId: 'test-thread', voters: options.voters ?? ids }
    for (const id of ids) this.add(id)
  }

  add(id: string): TestMember {
    const random = this.rng.fork()
    const options: RaftOptions = {
      genesis: this.genesis,
      signer: this.options.signers?.get(id) ?? fakeSigner(id),
      verifier: this.options.verifier ?? fakeVerifier(),
      random: () => random.next(),
      electionTicks: 10,
      heartbeatTicks: 2,
    }
    const m: TestMember = {
      id,
      engine: this.options.engine?.(options) ?? new RaftNode(options),
      storage: new MemoryRaftStorage(),
      committed: [],
      reads: [],
      proposals: [],
      events: [],
      outputs: [],
    }
    this.members.set(id, m)
    return m
  }

  get(id: string): TestMember {
    const m = this.members.get(id)
    if (m == null) throw new Error(`no member ${id}`)
    return m
  }

  step(id: string, input: EngineInput<RaftMessage>): Output {
    const m = this.get(id)
    const out = m.engine.step(input)
    if (out.persist != null) m.storage.saveSync(out.persist)
    m.outputs.push(out)
    m.committed.push(...out.committed)
    m.reads.push(...out.reads)
    m.proposals.push(...out.proposals)
    m.events.push(...out.events)
    this.inflight.push(...out.messages)
    return out
  }

  /** Delivers queued messages (and those they cause) until none are left. */
  deliverAll(limit = 100_000): void {
    for (let i = 0; i < limit && this.inflight.length > 0; i++) {
      const msg = this.inflight.shift() as RaftMessage
      if (this.cut.has(`${msg.from}>${msg.to}`) || !this.members.has(msg.to)) continue
      this.step(msg.to, { type: 'message', message: msg })
    }
  }

  tick(ids: string[] = [...this.members.keys()]): void {
    for (const id of ids) this.step(id, { type: 'tick' })
    this.deliverAll()
  }

  /** Ticks until `done` holds; throws after `maxTicks`. */
  tickUntil(done: () => boolean, maxTicks = 500, ids?: string[]): void {
    for (let i = 0; i < maxTicks; i++) {
      if (done()) return
      this.tick(ids)
    }
    if (!done()) throw new Error(`condition not reached in ${maxTicks} ticks`)
  }

  leader(): string | undefined {
    let best: { id: string; term: number } | undefined
    for (const m of this.members.values()) {
      const s = m.engine.status()
      if (s.role === 'leader' && (best == null || s.term > best.term)) best = { id: m.id, term: s.term }
    }
    return best?.id
  }

  electLeader(): string {
    this.tickUntil(() => this.leader() !== undefined)
    return this.leader() as string
  }

  isolate(id: string): void {
    for (const other of this.members.keys()) {
      if (other === id) continue
      this.cut.add(`${id}>${other}`)
      this.cut.add(`${other}>${id}`)
    }
  }

  heal(): void {
    this.cut.clear()
  }

  propose(id: string, client: string, seq: number, text: string): Output {
    const out = this.step(id, {
      type: 'propose',
      requestId: `${client}/${seq}`,
      client,
      seq,
      payload: utf8(text),
    })
    this.deliverAll()
    return out
  }

  /** Committed payloads of a member, as text (data entries only). */
  texts(id: string): string[] {
    return this.get(id)
      .committed.filter((e) => e.kind === 'data')
      .map((e) => new TextDecoder().decode(e.payload))
  }
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
