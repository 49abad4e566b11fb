// withFreshDialBacks (daemon/p2p/libp2p-internals.ts): the service it wraps (AutoNAT) dials one
// address on a new connection (force), so closing that connection afterwards never closes the one we
// already had to the peer; multi-address dials and everything else pass through untouched.
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { withFreshDialBacks } from '../../../daemon/p2p/libp2p-internals.ts'

function fakeComponents() {
  const dials: Array<{ peer: unknown; options?: Record<string, unknown> }> = []
  const connectionManager = {
    max: 300,
    async openConnection(peer: unknown, options?: Record<string, unknown>) {
      dials.push({ peer, options })
      return { id: dials.length }
    },
    getMaxConnections() {
      return this.max
    },
  }
  return { dials, components: { connectionManager, peerId: 'self' } }
}

describe('AutoNAT dial-backs on a new connection', () => {
  it('forces a new connection for a dial-back to one address, and only then', async () => {
    const { dials, components } = fakeComponents()
    let seen: typeof components | undefined
    const factory = withFreshDialBacks(((c: typeof components) => {
      seen = c
      return 'service'
    }) as never)
    expect(factory(components as never)).toBe('service')
    const addr = multiaddr(
      '/ip4/7.17.0.6/udp/4001/quic-v1/p2p/12D3KooWDG53h9g1toGuHw4JND1NVzGdM2TRRRRdVDyvJfmD31fk',
    )
    const signal = AbortSignal.timeout(1_000)
    await seen!.connectionManager.openConnection(addr, { signal })
    await seen!.connectionManager.openConnection([addr], { signal })
    expect(dials[0]).toEqual({ peer: addr, options: { signal, force: true } })
    expect(dials[1]).toEqual({ peer: [addr], options: { signal } })
    // Other members still reach the real connection manager (methods bound to it).
    expect(seen!.connectionManager.getMaxConnections()).toBe(300)
    expect(seen!.peerId).toBe('self')
  })
})
