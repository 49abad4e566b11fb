// The local agent's identity: one Ed25519 key, seen as a DID and as a libp2p PeerId.

import type { Ed25519PrivateKey, PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { didFromPublicKeyBytes, publicKeyHex } from './did.ts'
import { ed25519Sign } from './key-objects.ts'

export interface Identity {
  readonly did: string
  readonly peerId: PeerId
  readonly privateKey: Ed25519PrivateKey
  /** "ed25519:" + hex of the raw public key. */
  readonly publicKeyHex: string
  /** Signs bytes with the identity key (Ed25519). */
  sign(data: Uint8Array): Promise<Uint8Array>
}

export function createIdentity(privateKey: Ed25519PrivateKey): Identity {
  const raw = privateKey.publicKey.raw
  // The private key object is built once, not per signature (as privateKey.sign does).
  const signRaw = ed25519Sign(privateKey.raw.subarray(0, 32), raw)
  return {
    did: didFromPublicKeyBytes(raw),
    peerId: peerIdFromPrivateKey(privateKey),
    privateKey,
    publicKeyHex: publicKeyHex(raw),
    sign: async (data) => signRaw(data),
  }
}
