// The API's ordered-threads service over a stand-in layer (the layer itself runs on real hosts in
// ordered-threads.test.ts, the whole stack through daemons in test/integration/ordered-threads.test.ts):
// names resolved to DIDs, invitations sent to every other member, parts encoded into entries and back,
// defaults and limits on waits and pages, and bad input refused with reason codes.

import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { MoltmeshError } from '../../../daemon/errors/moltmesh-error.ts'
import { didFromPublicKeyBytes } from '../../../daemon/identity/did.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import type { InvitationStore, ThreadInvitationRecord } from '../../../daemon/ordered-threads/invitations.ts'
import type { OrderedThreads, ThreadRecord } from '../../../daemon/ordered-threads/ordered-threads.ts'
import {
  createOrderedThreadsService,
  entryView,
} from '../../../daemon/ordered-threads/ordered-threads-service.ts'
import { ed25519DidVerifier } from '../../../daemon/raft/entry-auth.ts'
import type { Entry } from '../../../daemon/raft/types.ts'
import type { ThreadInvite } from '../../../daemon/wire/gen/moltmesh/wire/v1/ordered_threads.ts'

const did = () => didFromPublicKeyBytes(randomBytes(32))

function setup() {
  const self = did()
  const bob = did()
  const carol = did()
  const records: ThreadRecord[] = []
  const calls: { append: unknown[]; read: unknown[]; change: unknown[] } = {
    append: [],
    read: [],
    change: [],
  }
  const sent: Array<{ to: string; invite: ThreadInvite }> = []
  const pending = new Map<string, ThreadInvitationRecord>()
  const threads = {
    async create(voters: string[], title: string) {
      const r = {
        genesis: { groupId: `othr_${'a'.repeat(32)}`, voters: [...voters].sort() },
        title,
        createdAtMs: 1,
      }
      records.push(r)
      return r
    },
    async join(genesis: ThreadRecord['genesis'], title: string) {
      const r = { genesis, title, createdAtMs: 2 }
      records.push(r)
      return r
    },
    list: () => records,
    status: () => ({ voters: [self, bob], learners: [], commit: 7 }),
    async append(_id: string, r: unknown) {
      calls.append.push(r)
      return { index: 8, term: 1, duplicate: false }
    },
    async read(...args: unknown[]) {
      calls.read.push(args)
      return []
    },
    async changeMembers(_id: string, r: unknown) {
      calls.change.push(r)
      return { index: 9 }
    },
  } as unknown as OrderedThreads
  const invitations = {
    get: async (id: string) => pending.get(id),
    list: async () => [...pending.values()],
    remove: async (id: string) => void pending.delete(id),
  } as unknown as InvitationStore
  const service = createOrderedThreadsService({
    threads,
    invitations,
    selfDid: self,
    resolveTarget: async (v) => (v === 'bob' ? bob : v === 'carol' ? carol : v),
    sendInvite: async (to, invite) => {
      sent.push({ to, invite })
      return `otfr_${sent.length}`
    },
    verifier: ed25519DidVerifier(),
    logger: silentLogger(),
  })
  return { service, self, bob, carol, calls, sent, pending, records }
}

async function reason(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (err) {
    if (err instanceof MoltmeshError) return err.reason
    throw err
  }
  throw new Error('expected a refusal')
}

describe('ordered-threads service', () => {
  it('creates with names resolved, this agent added once, and invites every other member', async () => {
    const { service, self, bob, sent } = setup()
    const { record, invitations } = await service.create({ members: ['bob', self, 'bob', ''], title: 't' })
    expect(record.genesis.voters).toEqual([self, bob].sort())
    expect(invitations).toEqual([{ member: bob, messageId: 'otfr_1' }])
    expect(sent[0]?.invite).toEqual({
      threadId: record.genesis.groupId,
      voters: record.genesis.voters,
      title: 't',
      addedLater: false,
    })
  })

  it('appends parts with the given client and seq, or a fresh client; refuses bad ones', async () => {
    const { service, calls, records, self } = setup()
    await service.create({ members: [], title: '' })
    const id = records[0]?.genesis.groupId as string
    const parts = [{ text: 'hi', mediaType: '', metadata: {} }]
    await service.append({ threadId: id, parts, clientId: 'c-1', seq: 3, timeoutMs: 0 })
    await service.append({ threadId: id, parts, clientId: '', seq: 0, timeoutMs: 999_999 })
    const [first, second] = calls.append as Array<{
      requester: string
      client: string
      seq: number
      payload: Uint8Array
      timeoutMs: number
    }>
    expect(first).toMatchObject({ requester: self, client: 'c-1', seq: 3, timeoutMs: 10_000 })
    expect(second?.client).toMatch(/^auto-/)
    expect(second).toMatchObject({ seq: 1, timeoutMs: 300_000 })
    // The payload decodes back into the parts.
    const entry = { kind: 'data', payload: first?.payload } as unknown as Entry
    expect(entryView(entry).parts.map((p) => p.text)).toEqual(['hi'])

    expect(
      await reason(service.append({ threadId: id, parts: [], clientId: '', seq: 0, timeoutMs: 0 })),
    ).toBe('EMPTY_MESSAGE')
    expect(
      await reason(service.append({ threadId: id, parts, clientId: 'bad client', seq: 1, timeoutMs: 0 })),
    ).toBe('INVALID_ARGUMENT')
    expect(await reason(service.append({ threadId: id, parts, clientId: 'c', seq: 0, timeoutMs: 0 }))).toBe(
      'INVALID_ARGUMENT',
    )
    expect(await reason(service.append({ threadId: id, parts, clientId: '', seq: 2, timeoutMs: 0 }))).toBe(
      'INVALID_ARGUMENT',
    )
    expect(await reason(service.append({ threadId: '', parts, clientId: '', seq: 0, timeoutMs: 0 }))).toBe(
      'INVALID_THREAD_ID',
    )
    expect(
      await reason(
        service.append({ threadId: `othr_${'b'.repeat(32)}`, parts, clientId: '', seq: 0, timeoutMs: 0 }),
      ),
    ).toBe('THREAD_NOT_FOUND')
  })

  it('clamps reads, and checks members before changes', async () => {
    const { service, calls, records, bob, carol, sent } = setup()
    await service.create({ members: ['bob'], title: '' })
    const id = records[0]?.genesis.groupId as string
    expect((await service.read({ threadId: id, afterIndex: 4, limit: 0, timeoutMs: 0 })).readIndex).toBe(7)
    await service.read({ threadId: id, afterIndex: 0, limit: 5000, timeoutMs: 0 })
    expect(calls.read).toEqual([
      [id, 4, 100, 10_000],
      [id, 0, 1000, 10_000],
    ])

    expect(await reason(service.addMember({ threadId: id, member: 'bob', timeoutMs: 0 }))).toBe(
      'ALREADY_MEMBER',
    )
    expect(await reason(service.removeMember({ threadId: id, member: 'carol', timeoutMs: 0 }))).toBe(
      'NOT_A_MEMBER',
    )
    const added = await service.addMember({ threadId: id, member: 'carol', timeoutMs: 0 })
    expect(added.invitation.member).toBe(carol)
    expect(sent.at(-1)?.invite.addedLater).toBe(true)
    await service.removeMember({ threadId: id, member: 'bob', timeoutMs: 0 })
    expect(calls.change).toMatchObject([
      { change: { type: 'add', member: carol } },
      { change: { type: 'remove', member: bob } },
    ])
  })

  it('accepts a pending invitation once, refuses an unknown one, and verifies only one source', async () => {
    const { service, pending, bob, self } = setup()
    const id = `othr_${'c'.repeat(32)}`
    pending.set(id, {
      threadId: id,
      title: 'x',
      inviter: bob,
      voters: [bob, self],
      addedLater: false,
      receivedAtMs: 1,
    })
    expect((await service.accept(id)).genesis.groupId).toBe(id)
    expect(pending.size).toBe(0)
    expect((await service.accept(id)).genesis.groupId).toBe(id)
    expect(await reason(service.accept(`othr_${'d'.repeat(32)}`))).toBe('THREAD_INVITATION_NOT_FOUND')
    expect(await reason(service.verify({ threadId: '', jsonl: '' }))).toBe('INVALID_ARGUMENT')
    expect(await reason(service.verify({ threadId: id, jsonl: '{}' }))).toBe('INVALID_ARGUMENT')
    expect(await reason(service.verify({ threadId: '', jsonl: 'not json' }))).toBe('INVALID_EXPORT')
  })
})
