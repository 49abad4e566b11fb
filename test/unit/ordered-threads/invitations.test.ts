// Ordered-thread invitations as the invitee's daemon receives them on messaging's 'orderedThread'
// channel: a valid one is kept (in the real store) until accepted, a repeat for a thread already joined
// is a duplicate, and everything an invitee cannot trust is refused with a reason the sender sees.

import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { didFromPublicKeyBytes } from '../../../daemon/identity/did.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import {
  createInvitationSink,
  type InvitationStore,
  inviteProblem,
  openInvitationStore,
} from '../../../daemon/ordered-threads/invitations.ts'
import { openStore, type Store } from '../../../daemon/store/store.ts'
import type { ThreadInvite } from '../../../daemon/wire/gen/moltmesh/wire/v1/ordered_threads.ts'

const did = () => didFromPublicKeyBytes(randomBytes(32))
const threadId = () => `othr_${randomBytes(16).toString('hex')}`

describe('ordered-thread invitations', () => {
  let dir: string
  let store: Store
  let invitations: InvitationStore
  const self = did()
  const creator = did()
  const other = did()
  const joined = new Set<string>()
  let sink: ReturnType<typeof createInvitationSink>

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'othr-inv-'))
    store = await openStore(dir)
    invitations = openInvitationStore(store)
    sink = createInvitationSink({
      invitations,
      isMember: (id) => joined.has(id),
      selfDid: self,
      logger: silentLogger(),
    })
  })
  afterAll(async () => {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  })

  const invite = (over: Partial<ThreadInvite> = {}): ThreadInvite => ({
    threadId: threadId(),
    voters: [creator, self, other].sort(),
    title: 'plan',
    addedLater: false,
    ...over,
  })

  it('keeps a valid invitation, newest first, and treats one for a joined thread as a duplicate', async () => {
    const first = invite()
    expect(await sink(creator, { invite: first })).toEqual({ status: 'stored' })
    const second = invite({ title: 'second' })
    expect(await sink(other, { invite: second })).toEqual({ status: 'stored' })
    const listed = await invitations.list()
    expect(listed.map((i) => i.threadId)).toEqual([second.threadId, first.threadId])
    expect(listed[1]).toMatchObject({ inviter: creator, title: 'plan', addedLater: false })
    expect(listed[1]?.voters).toEqual(first.voters)

    joined.add(first.threadId)
    expect(await sink(creator, { invite: first })).toEqual({ status: 'duplicate' })
    await invitations.remove(first.threadId)
    expect(await invitations.get(first.threadId)).toBeUndefined()
  })

  it('accepts an invitation for a member added later without it being a genesis voter', async () => {
    const later = invite({ voters: [creator, other].sort(), addedLater: true })
    expect(await sink(other, { invite: later })).toEqual({ status: 'stored' })
    expect((await invitations.get(later.threadId))?.addedLater).toBe(true)
  })

  it('refuses what the invitee cannot trust, with a reason', async () => {
    const cases: Array<[string, ThreadInvite, string]> = [
      ['not a thread id', invite({ threadId: 'othr_xyz' }), creator],
      ['a voter that is not a DID', invite({ voters: [creator, self, 'bob'] }), creator],
      ['a title too long', invite({ title: 'x'.repeat(201) }), creator],
      ['a sender outside the genesis', invite(), did()],
      ['this agent outside the genesis', invite({ voters: [creator, other] }), creator],
      ['no voters', invite({ voters: [] }), creator],
    ]
    for (const [what, inv, from] of cases) {
      const outcome = await sink(from, { invite: inv })
      expect(outcome, what).toMatchObject({ status: 'rejected', reason: 'INVITATION_INVALID' })
      expect(inviteProblem(inv, from, self), what).toBeTypeOf('string')
      expect(await invitations.get(inv.threadId), what).toBeUndefined()
    }
    expect(await sink(creator, {})).toMatchObject({ status: 'rejected', reason: 'MALFORMED' })
  })
})
