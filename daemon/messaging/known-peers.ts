// Which peers this agent knows (worked with, owes or is owed, shares a network with): they get the
// larger inbox quota (peer-quota.ts). Messaging needs the answer, but the subsystems that know it —
// ledger, track records, networks — are built on top of messaging. This port breaks that cycle: the
// assembly creates it before messaging, and each of those subsystems adds its own test as it is
// created. Until one is added, every peer is a stranger.

export type KnownPeerTest = (did: string) => boolean

export interface KnownPeers {
  isKnown(did: string): boolean
  /** Adds a source of knowledge; a peer is known if any source knows it. */
  add(test: KnownPeerTest): void
}

export function createKnownPeers(): KnownPeers {
  const tests: KnownPeerTest[] = []
  return {
    isKnown: (did) => tests.some((test) => test(did)),
    add: (test) => void tests.push(test),
  }
}
