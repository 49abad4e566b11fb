// Turns the user's way of naming a peer (DID, claimed name, peer id, multiaddr) into something libp2p
// can dial. Name resolution belongs to the names subsystem and is passed in.

import type { PeerId } from '@libp2p/interface'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { invalidArgument } from '../errors/moltmesh-error.ts'
import { isDid, parsePeerId, peerIdFromDid } from '../identity/did.ts'

export type PeerTarget =
  | { kind: 'peer'; peerId: PeerId; via: 'did' | 'peer-id' | 'name'; input: string }
  | { kind: 'multiaddr'; peerId: PeerId; addr: Multiaddr; input: string }

/** Resolves a claimed name to a DID; provided by the names subsystem. */
export type NameResolver = (name: string, options?: { signal?: AbortSignal }) => Promise<string>

// Human-readable names: lowercase words joined by hyphens, 3–63 characters (see the names issue).
const NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

export function looksLikeName(value: string): boolean {
  return value.length >= 3 && value.length <= 63 && NAME_PATTERN.test(value)
}

export async function resolvePeerTarget(
  input: string,
  resolveName: NameResolver,
  options?: { signal?: AbortSignal },
): Promise<PeerTarget> {
  const value = (input ?? '').trim()
  if (value === '')
    throw invalidArgument('INVALID_TARGET', 'a target is required: a DID, name, peer id or multiaddr')
  if (value.startsWith('/')) {
    let addr: Multiaddr
    try {
      addr = multiaddr(value)
    } catch (err) {
      throw invalidArgument('INVALID_MULTIADDR', `invalid multiaddr "${value}": ${(err as Error).message}`)
    }
    const peer = addr.getComponents().findLast((c) => c.name === 'p2p')?.value
    if (peer == null) {
      throw invalidArgument(
        'INVALID_MULTIADDR',
        `multiaddr "${value}" must end in /p2p/<peer id> so the peer is authenticated`,
      )
    }
    return { kind: 'multiaddr', peerId: parsePeerId(peer), addr, input: value }
  }
  if (value.startsWith('did:'))
    return { kind: 'peer', peerId: peerIdFromDid(value), via: 'did', input: value }
  if (/^(12D3KooW|16Uiu2|Qm)[1-9A-HJ-NP-Za-km-z]+$/.test(value)) {
    return { kind: 'peer', peerId: parsePeerId(value), via: 'peer-id', input: value }
  }
  if (looksLikeName(value)) {
    const did = await resolveName(value, options)
    return { kind: 'peer', peerId: peerIdFromDid(did), via: 'name', input: value }
  }
  throw invalidArgument('INVALID_TARGET', `"${value}" is not a DID, name, peer id or multiaddr`)
}

/** A DID, or the DID holding a claimed name: how agents are named wherever a DID is accepted. */
export async function resolveAgent(
  input: string,
  resolveName: NameResolver,
  options?: { signal?: AbortSignal },
): Promise<string> {
  const value = (input ?? '').trim()
  if (value === '') throw invalidArgument('INVALID_ARGUMENT', 'an agent is required: a DID or a claimed name')
  if (value.startsWith('did:')) {
    if (!isDid(value)) throw invalidArgument('INVALID_DID', `"${value}" is not an Ed25519 did:key`)
    return value
  }
  if (looksLikeName(value)) return resolveName(value, options)
  throw invalidArgument('INVALID_TARGET', `"${value}" is not a DID or a name`)
}
