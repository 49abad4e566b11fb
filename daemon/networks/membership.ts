// The member set of a network, derived from its descriptor and its set of signed operations. The
// result depends only on the set (not on the order operations arrived in), so two daemons holding the
// same operations agree on the members: operations are replayed in one total order — time, then
// join < leave < remove, then hash — over this state machine per DID:
//   join    makes a non-member a member, unless the DID was removed and the join's invitation was
//           issued before that removal (a removal holds until the admin invites the DID again)
//   leave   ends a membership
//   remove  ends a membership and records the removal time
// The creator is a member (the admin) from the network's creation and no operation applies to it.

import type { MemberInfo, OpEntry, SignedDescriptor } from './records.ts'

export interface MembershipView {
  members: Map<string, MemberInfo>
  /** Membership periods per DID, [start, end) in signer time; end is Infinity while a member. */
  spans: Map<string, Array<[number, number]>>
}

const RANK = { join: 0, leave: 1, remove: 2 } as const

export function compareOps(a: OpEntry, b: OpEntry): number {
  if (a.op.at_ms !== b.op.at_ms) return a.op.at_ms - b.op.at_ms
  if (a.op.op !== b.op.op) return RANK[a.op.op] - RANK[b.op.op]
  return a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0
}

export function deriveMembership(descriptor: SignedDescriptor, ops: Iterable<OpEntry>): MembershipView {
  const members = new Map<string, MemberInfo>()
  const spans = new Map<string, Array<[number, number]>>()
  const removedAt = new Map<string, number>()
  members.set(descriptor.creator, {
    did: descriptor.creator,
    role: 'admin',
    joinedAtMs: descriptor.created_at_ms,
  })
  spans.set(descriptor.creator, [[descriptor.created_at_ms, Number.POSITIVE_INFINITY]])

  const close = (did: string, at: number) => {
    const list = spans.get(did)
    const last = list?.at(-1)
    if (last != null) last[1] = Math.max(last[0], at)
  }

  for (const { op } of [...ops].sort(compareOps)) {
    const did = op.member
    if (did === descriptor.creator) continue
    const current = members.get(did)
    switch (op.op) {
      case 'join': {
        if (current != null) break
        const removal = removedAt.get(did)
        if (removal != null && (op.invitation == null || op.invitation.issued_at_ms <= removal)) break
        if (op.invitation == null && descriptor.policy !== 'open') break
        members.set(did, { did, role: 'member', joinedAtMs: op.at_ms })
        const list = spans.get(did) ?? []
        list.push([op.at_ms, Number.POSITIVE_INFINITY])
        spans.set(did, list)
        break
      }
      case 'leave':
        if (current == null) break
        members.delete(did)
        close(did, op.at_ms)
        break
      case 'remove':
        removedAt.set(did, Math.max(removedAt.get(did) ?? 0, op.at_ms))
        if (current == null) break
        members.delete(did)
        close(did, op.at_ms)
        break
    }
  }
  return { members, spans }
}

/** Whether `did` was a member at `atMs` (its own clock, as broadcasts carry it). */
export function wasMemberAt(view: MembershipView, did: string, atMs: number): boolean {
  return (view.spans.get(did) ?? []).some(([start, end]) => atMs >= start && atMs < end)
}

/** Members that joined and left between two views. */
export function diffMembers(
  before: MembershipView,
  after: MembershipView,
): { joined: MemberInfo[]; left: MemberInfo[] } {
  const joined = [...after.members.values()].filter((m) => !before.members.has(m.did))
  const left = [...before.members.values()].filter((m) => !after.members.has(m.did))
  return { joined, left }
}
