// Membership rules: quorums and single-server changes.
//
// One member changes at a time (Ongaro's thesis, section 4.1): any majority of the old voters and any
// majority of the new voters then overlap, so no joint consensus is needed. A new member joins as a
// learner (it receives the log but does not vote) and the leader promotes it once it has caught up,
// so adding a member never leaves the group waiting for a voter that has nothing yet.

import { sortedMembership } from './entry-codec.ts'
import type { ConfigChange, MemberChange, Membership } from './types.ts'

export const isVoter = (m: Membership, id: string): boolean => m.voters.includes(id)

export const isMember = (m: Membership, id: string): boolean =>
  m.voters.includes(id) || m.learners.includes(id)

/** Smallest number of voters that forms a majority. */
export const quorumSize = (m: Membership): number => Math.floor(m.voters.length / 2) + 1

export const toConfigChange = (request: MemberChange): ConfigChange => ({
  type: request.type === 'add' ? 'add-learner' : 'remove',
  member: request.member,
})

/** The membership after `change`, or why the change is not allowed from `current`. */
export function applyChange(current: Membership, change: ConfigChange): Membership | string {
  const { member } = change
  switch (change.type) {
    case 'add-learner':
      if (isMember(current, member)) return `${member} is already a member`
      return sortedMembership({ voters: current.voters, learners: [...current.learners, member] })
    case 'promote':
      if (!current.learners.includes(member)) return `${member} is not a learner`
      return sortedMembership({
        voters: [...current.voters, member],
        learners: current.learners.filter((v) => v !== member),
      })
    case 'remove':
      if (!isMember(current, member)) return `${member} is not a member`
      if (isVoter(current, member) && current.voters.length === 1) return 'cannot remove the last voter'
      return sortedMembership({
        voters: current.voters.filter((v) => v !== member),
        learners: current.learners.filter((v) => v !== member),
      })
  }
}

/** The highest value that a majority of voters has reached (e.g. the commit candidate from match
 *  indexes, or the confirmed read round from answered rounds). */
export function quorumValue(m: Membership, valueFor: (voter: string) => number): number {
  const values = m.voters.map(valueFor).sort((a, b) => b - a)
  return values[quorumSize(m) - 1] ?? 0
}
