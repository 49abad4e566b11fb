// Is this daemon reachable from the internet? Read from what libp2p already knows, checked again every
// few seconds and on every change of its own addresses:
// - public: an address that is not private (and not a relay address) is confirmed dialable — AutoNAT
//   got a successful dial-back, or the operator announced it (p2p.announce);
// - behind NAT: AutoNAT dial-backs to our public address failed, or peers see us from an address that
//   is not ours (translation), or we only have private addresses yet talk to peers on public ones;
// - unknown: no evidence either way yet (no public peers so far, as in a LAN-only or loopback mesh).
// AutoNAT v1 in js-libp2p needs 8 failures from different /8 networks before it withdraws an address,
// and never reports "not reachable" on its own, so the NAT evidence is read here.

import { getNetConfig, isPrivate } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { AddressWithMetadata } from './libp2p-internals.ts'

export type Reachability = 'public' | 'nat' | 'unknown'

export interface ReachabilityInput {
  /** Our addresses with their verification state (libp2p-internals.ts). */
  addresses: AddressWithMetadata[]
  /** Remote addresses of our open direct (not relayed) connections. */
  directRemotes: Multiaddr[]
}

const isCircuit = (ma: Multiaddr): boolean => ma.toString().includes('/p2p-circuit')

function isPublicIp(ma: Multiaddr): boolean {
  try {
    return !isCircuit(ma) && isPrivate(ma) !== true && getNetConfig(ma).type.startsWith('ip')
  } catch {
    return false
  }
}

function hostOf(ma: Multiaddr): string | undefined {
  try {
    return getNetConfig(ma).host
  } catch {
    return undefined
  }
}

export function classifyReachability(input: ReachabilityInput): { reachability: Reachability; why: string } {
  const confirmed = input.addresses.find((a) => a.verified && isPublicIp(a.multiaddr))
  if (confirmed != null)
    return {
      reachability: 'public',
      why: `${confirmed.multiaddr.toString()} is confirmed dialable (${confirmed.type})`,
    }
  const own = input.addresses.filter((a) => a.type === 'transport' && !isCircuit(a.multiaddr))
  const failed = own.find((a) => isPublicIp(a.multiaddr) && !a.verified && a.expires > 0)
  if (failed != null)
    return { reachability: 'nat', why: `dial-backs to ${failed.multiaddr.toString()} failed` }
  const ownHosts = new Set(own.map((a) => hostOf(a.multiaddr)))
  const translated = input.addresses.find(
    (a) => a.type === 'observed' && isPublicIp(a.multiaddr) && !ownHosts.has(hostOf(a.multiaddr)),
  )
  if (translated != null)
    return {
      reachability: 'nat',
      why: `peers see us at ${translated.multiaddr.toString()}, which is not one of our addresses`,
    }
  const publicPeer = input.directRemotes.find(isPublicIp)
  if (own.length > 0 && !own.some((a) => isPublicIp(a.multiaddr)) && publicPeer != null)
    return {
      reachability: 'nat',
      why: `only private addresses of our own, while talking to ${publicPeer.toString()}`,
    }
  return { reachability: 'unknown', why: 'no evidence yet' }
}
