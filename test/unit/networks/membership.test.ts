// The member set derived from signed operations: the rules (join with invitation, leave, admin
// removal that holds until a newer invitation), and convergence — any order or split of the same
// operations gives the same members.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { beforeAll, describe, expect, it } from 'vitest'
import { createIdentity, type Identity } from '../../../daemon/identity/identity.ts'
import { deriveMembership, diffMembers, wasMemberAt } from '../../../daemon/networks/membership.ts'
import {
  networkIdOf,
  type OpEntry,
  type OpKind,
  type SignedDescriptor,
  type SignedInvitation,
  signDescriptor,
  signInvitation,
  signOp,
} from '../../../daemon/networks/records.ts'

const newIdentity = async () => createIdentity(await generateKeyPair('Ed25519'))
const DAY = 24 * 3600 * 1000
const T = 1_000_000

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items]
  let s = seed
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

const dids = (descriptor: SignedDescriptor, ops: OpEntry[]) =>
  [...deriveMembership(descriptor, ops).members.keys()].sort()

describe('membership', () => {
  let admin: Identity
  let alice: Identity
  let bob: Identity
  let carol: Identity
  let closed: SignedDescriptor
  let open: SignedDescriptor

  const invite = (net: SignedDescriptor, who: Identity, issuedAtMs: number): Promise<SignedInvitation> =>
    signInvitation(admin, {
      network: networkIdOf(net),
      networkName: net.name,
      invitee: who.did,
      issuedAtMs,
      expiresAtMs: issuedAtMs + DAY,
    })
  const op = (
    net: SignedDescriptor,
    actor: Identity,
    kind: OpKind,
    member: Identity,
    atMs: number,
    invitation: SignedInvitation | null = null,
  ) => signOp(actor, { network: networkIdOf(net), op: kind, member: member.did, atMs, invitation })

  beforeAll(async () => {
    ;[admin, alice, bob, carol] = await Promise.all([
      newIdentity(),
      newIdentity(),
      newIdentity(),
      newIdentity(),
    ])
    closed = await signDescriptor(admin, {
      name: 'closed',
      description: '',
      policy: 'invite-only',
      createdAtMs: T,
    })
    open = await signDescriptor(admin, { name: 'open', description: '', policy: 'open', createdAtMs: T })
  })

  it('starts with the creator as admin; joins, leaves and removals change the set', async () => {
    expect(dids(closed, [])).toEqual([admin.did])
    expect(deriveMembership(closed, []).members.get(admin.did)?.role).toBe('admin')
    const joinA = await op(closed, alice, 'join', alice, T + 10, await invite(closed, alice, T + 5))
    const joinB = await op(closed, bob, 'join', bob, T + 20, await invite(closed, bob, T + 5))
    const leaveA = await op(closed, alice, 'leave', alice, T + 30)
    const removeB = await op(closed, admin, 'remove', bob, T + 40)
    expect(dids(closed, [joinA, joinB])).toEqual([admin.did, alice.did, bob.did].sort())
    const view = deriveMembership(closed, [joinA, joinB])
    expect(view.members.get(alice.did)).toEqual({ did: alice.did, role: 'member', joinedAtMs: T + 10 })
    expect(dids(closed, [joinA, joinB, leaveA])).toEqual([admin.did, bob.did].sort())
    expect(dids(closed, [joinA, joinB, leaveA, removeB])).toEqual([admin.did])
    // A leave or removal of someone who never joined changes nothing.
    expect(dids(closed, [leaveA])).toEqual([admin.did])
  })

  it('a removal holds against old invitations until the admin invites again', async () => {
    const first = await invite(closed, alice, T)
    const join = await op(closed, alice, 'join', alice, T + 10, first)
    const remove = await op(closed, admin, 'remove', alice, T + 20)
    const rejoinOld = await op(closed, alice, 'join', alice, T + 30, first)
    expect(dids(closed, [join, remove, rejoinOld])).toEqual([admin.did])
    const second = await invite(closed, alice, T + 25)
    const rejoinNew = await op(closed, alice, 'join', alice, T + 40, second)
    expect(dids(closed, [join, remove, rejoinOld, rejoinNew])).toEqual([admin.did, alice.did].sort())
    // A voluntary leave does not need a new invitation.
    const leave = await op(closed, bob, 'leave', bob, T + 20)
    const joinB = await op(closed, bob, 'join', bob, T + 10, await invite(closed, bob, T))
    const rejoinB = await op(closed, bob, 'join', bob, T + 30, await invite(closed, bob, T))
    expect(dids(closed, [joinB, leave, rejoinB])).toContain(bob.did)
  })

  it('open networks need no invitation, except after a removal', async () => {
    const join = await op(open, carol, 'join', carol, T + 10)
    expect(dids(open, [join])).toEqual([admin.did, carol.did].sort())
    const remove = await op(open, admin, 'remove', carol, T + 20)
    const rejoin = await op(open, carol, 'join', carol, T + 30)
    expect(dids(open, [join, remove, rejoin])).toEqual([admin.did])
    const readmit = await op(open, carol, 'join', carol, T + 40, await invite(open, carol, T + 35))
    expect(dids(open, [join, remove, rejoin, readmit])).toEqual([admin.did, carol.did].sort())
  })

  it('knows who was a member when', async () => {
    const join = await op(closed, alice, 'join', alice, T + 10, await invite(closed, alice, T))
    const leave = await op(closed, alice, 'leave', alice, T + 20)
    const view = deriveMembership(closed, [join, leave])
    expect(wasMemberAt(view, alice.did, T + 9)).toBe(false)
    expect(wasMemberAt(view, alice.did, T + 10)).toBe(true)
    expect(wasMemberAt(view, alice.did, T + 19)).toBe(true)
    expect(wasMemberAt(view, alice.did, T + 20)).toBe(false)
    expect(wasMemberAt(view, admin.did, T + 1_000_000)).toBe(true)
    expect(wasMemberAt(view, bob.did, T + 15)).toBe(false)
  })

  it('converges: every order and every split of the same operations gives the same members', async () => {
    const ops: OpEntry[] = []
    const people = [alice, bob, carol]
    // Concurrent histories: joins, leaves, removals and rejoins, some at the same millisecond.
    for (const [i, who] of people.entries()) {
      const inv = await invite(closed, who, T)
      ops.push(await op(closed, who, 'join', who, T + 10, inv))
      ops.push(await op(closed, who, 'leave', who, T + 20 + i))
      ops.push(await op(closed, who, 'join', who, T + 30, inv))
    }
    ops.push(await op(closed, admin, 'remove', bob, T + 30))
    ops.push(await op(closed, admin, 'remove', carol, T + 25))
    ops.push(await op(closed, carol, 'join', carol, T + 50, await invite(closed, carol, T + 40)))
    const expected = dids(closed, ops)
    expect(expected).toEqual([admin.did, alice.did, carol.did].sort())
    for (let seed = 1; seed <= 25; seed++) {
      const order = shuffled(ops, seed)
      expect(dids(closed, order)).toEqual(expected)
      // Two replicas that saw different halves (with overlap) agree once they merge their sets.
      const cut = seed % ops.length
      const left = order.slice(0, cut + 2)
      const right = order.slice(cut)
      const merged = new Map([...left, ...right].map((e) => [e.hash, e]))
      expect(dids(closed, [...merged.values()])).toEqual(expected)
      expect(dids(closed, [...right, ...left])).toEqual(expected)
    }
  })

  it('reports who joined and who left between two views', async () => {
    const joinA = await op(closed, alice, 'join', alice, T + 10, await invite(closed, alice, T))
    const joinB = await op(closed, bob, 'join', bob, T + 10, await invite(closed, bob, T))
    const leaveA = await op(closed, alice, 'leave', alice, T + 20)
    const before = deriveMembership(closed, [joinA])
    const after = deriveMembership(closed, [joinA, joinB, leaveA])
    const diff = diffMembers(before, after)
    expect(diff.joined.map((m) => m.did)).toEqual([bob.did])
    expect(diff.left.map((m) => m.did)).toEqual([alice.did])
  })
})
