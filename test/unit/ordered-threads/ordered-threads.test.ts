// The ordered-threads layer on three "daemons" in this process (real libp2p hosts on 127.0.0.1, the
// raft transport, LevelDB): create on one, join on the others, append through a member, read
// linearizably through another, reopen from the registry, refuse bad input with reason codes, and
// commit nothing without a majority.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { createMetrics } from '../../../daemon/metrics/metrics.ts'
import { createOrderedThreads, type OrderedThreads } from '../../../daemon/ordered-threads/ordered-threads.ts'
import { ed25519DidVerifier, ed25519Signer } from '../../../daemon/raft/entry-auth.ts'
import { parseExport } from '../../../daemon/raft/log-export.ts'
import { createRaftTransport, type RaftTransport } from '../../../daemon/raft/transport-libp2p.ts'
import type { Entry, Genesis } from '../../../daemon/raft/types.ts'
import { verifyLog } from '../../../daemon/raft/verify-log.ts'
import { openStore, type Store } from '../../../daemon/store/store.ts'
import { waitFor } from '../../harness/mesh.ts'
import { createRawPeer, type RawPeer } from '../../harness/raw-peer.ts'

interface Node {
  peer: RawPeer
  transport: RaftTransport
  db: Store
  threads: OrderedThreads
  committed: Entry[]
  dir: string
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const text = (e: Entry): string => new TextDecoder().decode(e.payload)

async function openThreads(n: Omit<Node, 'threads'>): Promise<OrderedThreads> {
  const threads = createOrderedThreads({
    did: n.peer.identity.did,
    signer: ed25519Signer(n.peer.identity.privateKey),
    verifier: ed25519DidVerifier(),
    transport: n.transport,
    store: n.db,
    logger: silentLogger(),
    metrics: createMetrics(),
    tickMs: 25,
    onCommitted: (_id, entries) => n.committed.push(...entries),
  })
  await threads.start()
  return threads
}

describe('ordered threads', () => {
  const nodes: Node[] = []

  beforeAll(async () => {
    // Three first members and a fourth added later.
    for (let i = 0; i < 4; i++) {
      const peer = await createRawPeer()
      const transport = createRaftTransport({
        did: peer.identity.did,
        host: peer.node,
        logger: silentLogger(),
        metrics: createMetrics(),
      })
      await transport.start()
      const dir = await mkdtemp(join(tmpdir(), 'othreads-'))
      const db = await openStore(dir)
      const partial = { peer, transport, db, committed: [] as Entry[], dir }
      nodes.push({ ...partial, threads: await openThreads(partial) })
    }
    for (const a of nodes)
      for (const b of nodes)
        if (a !== b)
          await a.peer.node.peerStore.patch(b.peer.node.peerId, { multiaddrs: b.peer.node.getMultiaddrs() })
  })

  afterAll(async () => {
    for (const n of nodes) {
      await n.threads.stop()
      await n.transport.stop()
      await n.peer.stop()
      await n.db.close()
      await rm(n.dir, { recursive: true, force: true })
    }
  })

  const a = (): Node => nodes[0] as Node
  const b = (): Node => nodes[1] as Node
  const c = (): Node => nodes[2] as Node
  const d = (): Node => nodes[3] as Node
  const trio = (): Node[] => nodes.slice(0, 3)
  let genesis: Genesis | undefined
  let threadId = ''

  it('creates on one member, joins on the others, appends through one and reads through another', async () => {
    const dids = trio().map((n) => n.peer.identity.did)
    const record = await a().threads.create(dids, 'plan')
    threadId = record.genesis.groupId
    genesis = record.genesis
    expect(threadId).toMatch(/^othr_[0-9a-f]{32}$/)
    await b().threads.join(record.genesis, 'plan')
    await c().threads.join(record.genesis, 'plan')
    await waitFor(() => a().threads.status(threadId).leader, 20_000, 'a leader')
    const appended = await b().threads.append(threadId, {
      requester: b().peer.identity.did,
      client: 'agent-1',
      seq: 1,
      payload: utf8('step one'),
      timeoutMs: 15_000,
    })
    expect(appended).toMatchObject({ duplicate: false })
    const read = await c().threads.read(threadId, 0, 100, 10_000)
    expect(read.filter((e) => e.kind === 'data').map(text)).toEqual(['step one'])
    expect(read.at(-1)?.index).toBeGreaterThanOrEqual(appended.index)
    // Paging: nothing after the last index.
    expect(await c().threads.read(threadId, appended.index, 100, 10_000)).toEqual([])
    await waitFor(() => a().committed.some((e) => text(e) === 'step one'), 10_000, 'A told of the commit')
  }, 60_000)

  it('exports identical copies on every member that verify offline, and an altered copy does not', async () => {
    // Wait until every member has committed the same prefix, then compare their exports.
    const commit = a().threads.status(threadId).commit
    await waitFor(
      () => trio().every((n) => n.threads.status(threadId).commit >= commit),
      10_000,
      'same commit',
    )
    const copies = await Promise.all(trio().map((n) => n.threads.export(threadId)))
    const prefix = (copy: string) =>
      copy
        .split('\n')
        .slice(0, commit + 1)
        .join('\n')
    for (const copy of copies) expect(prefix(copy)).toBe(prefix(copies[0] as string))
    for (const n of trio()) expect(await n.threads.verify(threadId)).toMatchObject({ ok: true })
    const parsed = parseExport(copies[0] as string)
    expect(verifyLog(parsed.genesis, parsed.entries, ed25519DidVerifier())).toMatchObject({ ok: true })
    const data = parsed.entries.find((e) => e.kind === 'data') as Entry
    data.payload = utf8('step 0ne')
    expect(verifyLog(parsed.genesis, parsed.entries, ed25519DidVerifier())).toMatchObject({
      ok: false,
      index: data.index,
    })
  })

  it('subscribers get every committed entry in order, stored ones first, and can resume', async () => {
    const abort = new AbortController()
    const seen: string[] = []
    let lastIndex = 0
    const reader = (async () => {
      for await (const e of c().threads.subscribe(threadId, 0, abort.signal)) {
        if (e.kind === 'data') seen.push(text(e))
        lastIndex = e.index
        if (seen.length === 4) abort.abort()
      }
    })()
    for (const [i, word] of ['two', 'three', 'four'].entries()) {
      await a().threads.append(threadId, {
        requester: a().peer.identity.did,
        client: 'sub',
        seq: i + 1,
        payload: utf8(word),
        timeoutMs: 15_000,
      })
    }
    await reader
    expect(seen).toEqual(['step one', 'two', 'three', 'four'])
    // Resuming after the last index seen yields only what came later.
    await a().threads.append(threadId, {
      requester: a().peer.identity.did,
      client: 'sub',
      seq: 4,
      payload: utf8('five'),
      timeoutMs: 15_000,
    })
    const again = new AbortController()
    const later: string[] = []
    for await (const e of c().threads.subscribe(threadId, lastIndex, again.signal)) {
      if (e.kind === 'data') later.push(text(e))
      if (later.length === 1) again.abort()
    }
    expect(later).toEqual(['five'])
  }, 60_000)

  it('refuses bad input with reason codes', async () => {
    const other = (await createRawPeer().then(async (p) => [p.identity.did, await p.stop()]))[0] as string
    await expect(
      a().threads.append('othr_nope', {
        requester: 'x',
        client: 'c',
        seq: 1,
        payload: utf8('x'),
        timeoutMs: 1000,
      }),
    ).rejects.toMatchObject({ reason: 'THREAD_NOT_FOUND', kind: 'not_found' })
    await expect(a().threads.create([other], 't')).rejects.toMatchObject({ reason: 'NOT_A_MEMBER' })
    await expect(a().threads.create([a().peer.identity.did, 'bob'], 't')).rejects.toMatchObject({
      reason: 'INVALID_DID',
    })
    await expect(
      a().threads.join({ groupId: '../etc', voters: [a().peer.identity.did] }),
    ).rejects.toMatchObject({ reason: 'INVALID_THREAD_ID' })
    await expect(
      a().threads.append(threadId, {
        requester: 'x',
        client: 'c',
        seq: 1,
        payload: new Uint8Array(65 * 1024),
        timeoutMs: 5000,
      }),
    ).rejects.toMatchObject({ reason: 'ENTRY_TOO_LARGE', kind: 'invalid_argument' })
  }, 30_000)

  it('reopens its threads from the registry after a restart', async () => {
    await a().threads.stop()
    const n = a()
    n.committed = []
    n.threads = await openThreads(n)
    expect(n.threads.list().map((r) => r.genesis.groupId)).toEqual([threadId])
    expect(n.threads.list()[0]?.title).toBe('plan')
    const read = await n.threads.read(threadId, 0, 100, 15_000)
    expect(read.filter((e) => e.kind === 'data').map(text)).toEqual([
      'step one',
      'two',
      'three',
      'four',
      'five',
    ])
  }, 60_000)

  it('adds a fourth member, which catches up, is promoted to voter and appends; then removes it', async () => {
    if (genesis == null) throw new Error('no thread')
    // Not among the genesis voters: it may only join as a member added later.
    await expect(d().threads.join(genesis, 'plan')).rejects.toMatchObject({ reason: 'NOT_A_MEMBER' })
    await d().threads.join(genesis, 'plan', { addedLater: true })
    const dDid = d().peer.identity.did
    const added = await a().threads.changeMembers(threadId, {
      requester: a().peer.identity.did,
      client: 'members',
      seq: 1,
      change: { type: 'add', member: dDid },
      timeoutMs: 15_000,
    })
    expect(added.index).toBeGreaterThan(0)
    await waitFor(() => a().threads.status(threadId).voters.includes(dDid), 20_000, 'the learner promoted')
    const o = await d().threads.append(threadId, {
      requester: dDid,
      client: 'd',
      seq: 1,
      payload: utf8('from the newcomer'),
      timeoutMs: 15_000,
    })
    const read = await d().threads.read(threadId, 0, 1000, 10_000)
    expect(read.filter((e) => e.kind === 'data').map(text)).toEqual([
      'step one',
      'two',
      'three',
      'four',
      'five',
      'from the newcomer',
    ])
    expect(read.at(-1)?.index).toBe(o.index)
    expect(await d().threads.verify(threadId)).toMatchObject({ ok: true })

    await b().threads.changeMembers(threadId, {
      requester: b().peer.identity.did,
      client: 'members',
      seq: 1,
      change: { type: 'remove', member: dDid },
      timeoutMs: 15_000,
    })
    await waitFor(
      () => trio().every((n) => !n.threads.status(threadId).voters.includes(dDid)),
      20_000,
      'the member removed everywhere',
    )
    await expect(
      a().threads.changeMembers(threadId, {
        requester: a().peer.identity.did,
        client: 'members',
        seq: 2,
        change: { type: 'add', member: 'not-a-did' },
        timeoutMs: 5_000,
      }),
    ).rejects.toMatchObject({ reason: 'INVALID_DID' })
  }, 90_000)

  it('commits nothing without a majority: the append times out as NOT_COMMITTED', async () => {
    await b().threads.stop()
    await c().threads.stop()
    await expect(
      a().threads.append(threadId, {
        requester: a().peer.identity.did,
        client: 'alone',
        seq: 1,
        payload: utf8('lost?'),
        timeoutMs: 1_500,
      }),
    ).rejects.toMatchObject({ reason: 'NOT_COMMITTED', kind: 'deadline_exceeded' })
    expect(a().committed.some((e) => text(e) === 'lost?')).toBe(false)
  }, 30_000)
})
