import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import type { AddressWithMetadata } from '../../../daemon/p2p/libp2p-internals.ts'
import { classifyReachability } from '../../../daemon/p2p/reachability.ts'
import { dialableFromOutside, rendezvousCid } from '../../../daemon/p2p/rendezvous.ts'

const addr = (
  ma: string,
  type: AddressWithMetadata['type'],
  verified: boolean,
  expires = 0,
): AddressWithMetadata => ({ multiaddr: multiaddr(ma), type, verified, expires })

describe('reachability', () => {
  it('is public once a public address is confirmed (AutoNAT or announce)', () => {
    const r = classifyReachability({
      addresses: [
        addr('/ip4/127.0.0.1/tcp/4001', 'transport', true),
        addr('/ip4/7.17.0.10/tcp/4001', 'transport', true),
      ],
      directRemotes: [],
    })
    expect(r.reachability).toBe('public')
    expect(r.why).toContain('7.17.0.10')
  })

  it('is unknown while a public address waits for its first dial-back', () => {
    const r = classifyReachability({
      addresses: [addr('/ip4/7.17.0.10/tcp/4001', 'transport', false, 0)],
      directRemotes: [multiaddr('/ip4/7.17.0.1/tcp/4001')],
    })
    expect(r.reachability).toBe('unknown')
  })

  it('is behind NAT when dial-backs to the public address failed', () => {
    const r = classifyReachability({
      addresses: [addr('/ip4/7.17.0.10/tcp/4001', 'transport', false, Date.now() + 60_000)],
      directRemotes: [],
    })
    expect(r.reachability).toBe('nat')
  })

  it('is behind NAT when peers see us at an address that is not ours', () => {
    const r = classifyReachability({
      addresses: [
        addr('/ip4/192.168.1.2/tcp/4001', 'transport', true),
        addr('/ip4/7.17.0.2/tcp/53122', 'observed', false),
      ],
      directRemotes: [],
    })
    expect(r.reachability).toBe('nat')
    expect(r.why).toContain('7.17.0.2')
  })

  it('is behind NAT with only private addresses while talking to public peers', () => {
    const r = classifyReachability({
      addresses: [addr('/ip4/192.168.1.2/tcp/4001', 'transport', true)],
      directRemotes: [multiaddr('/ip4/7.17.0.5/tcp/4001')],
    })
    expect(r.reachability).toBe('nat')
  })

  it('stays unknown in a LAN or loopback mesh, and relay addresses prove nothing', () => {
    const r = classifyReachability({
      addresses: [
        addr('/ip4/127.0.0.1/tcp/4001', 'transport', true),
        addr(
          '/ip4/7.17.0.10/tcp/4001/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp/p2p-circuit',
          'transport',
          true,
        ),
      ],
      directRemotes: [multiaddr('/ip4/127.0.0.1/tcp/5000'), multiaddr('/ip4/192.168.1.7/tcp/4001')],
    })
    expect(r.reachability).toBe('unknown')
  })
})

describe('rendezvous', () => {
  it('uses CIDv1 raw sha2-256 of "moltmesh/v1/rendezvous"', async () => {
    const cid = await rendezvousCid()
    expect(cid.version).toBe(1)
    expect(cid.code).toBe(0x55)
    expect(cid.multihash.code).toBe(0x12)
    expect(cid.toString()).toBe((await rendezvousCid('moltmesh/v1/rendezvous')).toString())
    expect(cid.toString()).not.toBe((await rendezvousCid('moltmesh/v1/other')).toString())
  })

  it('puts only public and relay addresses into the public record', () => {
    const kept = dialableFromOutside([
      multiaddr('/ip4/127.0.0.1/tcp/4001'),
      multiaddr('/ip4/192.168.1.2/tcp/4001'),
      multiaddr('/ip4/7.17.0.10/tcp/4001'),
      multiaddr(
        '/ip4/7.17.0.10/tcp/4001/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp/p2p-circuit',
      ),
    ]).map((a) => a.toString())
    expect(kept).toEqual([
      '/ip4/7.17.0.10/tcp/4001',
      '/ip4/7.17.0.10/tcp/4001/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp/p2p-circuit',
    ])
  })
})
