// A deliberately broken engine: the leader commits whatever it has appended, without waiting for a
// majority. The simulation must catch it; if it did not, the simulation would prove nothing.

import { RaftNode } from '../../../daemon/raft/raft-node.ts'

export class CommitWithoutMajority extends RaftNode {
  protected override commitCandidate(): number {
    return this.log.lastIndex()
  }
}
