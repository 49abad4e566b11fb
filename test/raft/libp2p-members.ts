// Real Raft members in one test process: each has its own libp2p host on 127.0.0.1 (TCP, Noise,
// Yamux, an Ed25519 key whose DID is the member id), the /moltmesh/raft/1.0.0 transport, a LevelDB
// directory with LevelRaftStorage, and the RaftGroup shell with Ed25519 signing and verification.
// Members can be stopped and restarted from their directory with the same key.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { silentLogger } from '../../daemon/log/logger.ts'
import { createMetrics, type Metrics } from '../../daemon/metrics/metrics.ts'
import { ed25519DidVerifier, ed25519Signer } from '../../daemon/raft/entry-auth.ts'
import { type RaftGroup, startRaftGroup } from '../../daemon/raft/raft-group.ts'
import { LevelRaftStorage, openRaftRepositories } from '../../daemon/raft/storage-leveldb.ts'
import { createRaftTransport, type RaftTransport } from '../../daemon/raft/transport-libp2p.ts'
import type { Entry, Genesis } from '../../daemon/raft/types.ts'
import { createVerifyPool, type VerifyPool } from '../../daemon/raft/verify-pool.ts'
import { openStore, type Store } from '../../daemon/store/store.ts'

export interface RunningMember {
  host: Libp2p
  transport: RaftTransport
  db: Store
  group: RaftGroup
  metrics: Metrics
  pool: VerifyPool | undefined
}

export class LiveMember {
  readonly dir: string
  readonly key: Ed25519PrivateKey
  readonly did: string
  /** Committed entries applied since the last (re)start, in order. */
  applied: Entry[] = []
  running: RunningMember | undefined
  metrics: Metrics = createMetrics()

  private constructor(dir: string, key: Ed25519PrivateKey) {
    this.dir = dir
    this.key = key
    this.did = ed25519Signer(key).id
  }

  static async create(): Promise<LiveMember> {
    const dir = await mkdtemp(join(tmpdir(), 'raft-live-'))
    return new LiveMember(dir, await generateKeyPair('Ed25519'))
  }

  get group(): RaftGroup {
    if (this.running == null) throw new Error(`member ${this.did} is stopped`)
    return this.running.group
  }

  async start(
    genesis: Genesis,
    tickMs: number,
    options: { sync?: boolean; verifyPool?: boolean } = {},
  ): Promise<void> {
    const host = await createLibp2p({
      privateKey: this.key,
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
    })
    await host.start()
    this.metrics = createMetrics()
    const logger = silentLogger()
    const transport = createRaftTransport({ did: this.did, host, logger, metrics: this.metrics })
    await transport.start()
    const db = await openStore(this.dir)
    this.applied = []
    const pool = options.verifyPool === true ? createVerifyPool(1, ed25519DidVerifier()) : undefined
    const group = await startRaftGroup({
      genesis,
      signer: ed25519Signer(this.key),
      verifier: pool?.verifier ?? ed25519DidVerifier(),
      precheck: pool == null ? undefined : (m) => (pool as VerifyPool).precheck(genesis.groupId, m),
      storage: new LevelRaftStorage(openRaftRepositories(db), genesis.groupId, { sync: options.sync }),
      transport,
      tickMs,
      logger,
      metrics: this.metrics,
      apply: (committed, restore) => {
        if (restore != null) throw new Error('no snapshots in these tests')
        this.applied.push(...committed)
      },
    })
    this.running = { host, transport, db, group, metrics: this.metrics, pool }
  }

  /** Stops everything, as a crash of the process would after its last completed write. */
  async stop(): Promise<void> {
    const r = this.running
    if (r == null) return
    this.running = undefined
    await r.group.stop()
    await r.pool?.close()
    await r.transport.stop()
    await r.host.stop()
    await r.db.close()
  }

  async destroy(): Promise<void> {
    await this.stop()
    await rm(this.dir, { recursive: true, force: true })
  }

  /** Count of moltmesh_hostile_input_total{protocol="raft", reason}. */
  hostile(reason: string): number {
    return this.metrics
      .collect()
      .filter(
        (s) =>
          s.name === 'moltmesh_hostile_input_total' &&
          s.labels.protocol === 'raft' &&
          s.labels.reason === reason,
      )
      .reduce((sum, s) => sum + s.value, 0)
  }
}

/** Tells every running member's host where the others listen now (a restart changes the port). */
export async function introduce(members: LiveMember[]): Promise<void> {
  for (const a of members) {
    for (const b of members) {
      if (a === b || a.running == null || b.running == null) continue
      await a.running.host.peerStore.patch(b.running.host.peerId, {
        multiaddrs: b.running.host.getMultiaddrs(),
      })
    }
  }
}

/** The leader all running members agree on, if any. */
export function agreedLeader(members: LiveMember[]): string | undefined {
  const up = members.filter((m) => m.running != null)
  const leaders = new Set(up.map((m) => m.group.status().leader))
  const [leader] = leaders
  if (leaders.size !== 1 || leader == null) return undefined
  return up.find((m) => m.did === leader)?.group.status().role === 'leader' ? leader : undefined
}

export const text = (e: Entry): string => new TextDecoder().decode(e.payload)
export const dataTexts = (m: LiveMember): string[] => m.applied.filter((e) => e.kind === 'data').map(text)
