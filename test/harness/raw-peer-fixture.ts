// Raw peers made by a test file (see raw-peer.ts), stopped after its tests. Apart from raw-peer.ts so
// that bench/ can import that one without vitest.
import { afterAll } from 'vitest'
import { createRawPeer, type RawPeer } from './raw-peer.ts'

/** Raw peers for one test file, all stopped after its tests. Call at describe level. */
export function useRawPeers(): { create(): Promise<RawPeer> } {
  const peers: RawPeer[] = []
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.stop()))
  })
  return {
    async create() {
      const peer = await createRawPeer()
      peers.push(peer)
      return peer
    },
  }
}
