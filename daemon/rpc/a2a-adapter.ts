// A2ANode over gRPC. The foundation implements identity; the other RPCs are filled in by their
// subsystems and answer UNIMPLEMENTED / NOT_IMPLEMENTED until then (see service-handlers.ts).

import type { A2ANodeService } from '../../clients/ts/gen/moltmesh/v1/a2a.ts'
import { invalidArgument } from '../errors/moltmesh-error.ts'
import {
  didFromPeerId,
  parsePeerId,
  peerIdFromDid,
  publicKeyBytesFromDid,
  publicKeyHex,
} from '../identity/did.ts'
import type { Identity } from '../identity/identity.ts'
import type { ServiceImpl } from './service-types.ts'

export interface A2AAdapterComponents {
  identity: Identity
  dataDir: string
}

export function a2aAdapter(c: A2AAdapterComponents): ServiceImpl<typeof A2ANodeService> {
  return {
    getIdentity: () => ({
      did: c.identity.did,
      peerId: c.identity.peerId.toString(),
      publicKey: c.identity.publicKeyHex,
      dataDir: c.dataDir,
      names: [],
    }),
    convertId: (req) => {
      const id = req.id.trim()
      if (id === '')
        throw invalidArgument('INVALID_ARGUMENT', 'id is required: a did:key DID or an Ed25519 peer id')
      if (id.startsWith('did:')) {
        const raw = publicKeyBytesFromDid(id)
        return { did: id, peerId: peerIdFromDid(id).toString(), publicKey: publicKeyHex(raw) }
      }
      const peerId = parsePeerId(id)
      const did = didFromPeerId(peerId)
      return { did, peerId: peerId.toString(), publicKey: publicKeyHex(publicKeyBytesFromDid(did)) }
    },
  }
}
