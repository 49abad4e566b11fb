// A2ANode over gRPC: identity here; messaging, names and the rest come from their own adapters. RPCs
// without an implementation answer UNIMPLEMENTED / NOT_IMPLEMENTED (see service-handlers.ts).

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
import type { ServiceHandlers } from './service-types.ts'

export interface A2AAdapterComponents {
  identity: Identity
  dataDir: string
  heldNames: () => Promise<string[]>
}

export function a2aAdapter(c: A2AAdapterComponents) {
  return {
    getIdentity: async () => ({
      did: c.identity.did,
      peerId: c.identity.peerId.toString(),
      publicKey: c.identity.publicKeyHex,
      dataDir: c.dataDir,
      names: await c.heldNames(),
    }),
    convertId: (req) => {
      const id = req.id.trim()
      if (id === '')
        throw invalidArgument('INVALID_ARGUMENT', 'id is required: a did:key DID or an Ed25519 peer id', {
          field: 'id',
        })
      if (id.startsWith('did:')) {
        const raw = publicKeyBytesFromDid(id)
        return { did: id, peerId: peerIdFromDid(id).toString(), publicKey: publicKeyHex(raw) }
      }
      const peerId = parsePeerId(id)
      const did = didFromPeerId(peerId)
      return { did, peerId: peerId.toString(), publicKey: publicKeyHex(publicKeyBytesFromDid(did)) }
    },
  } satisfies ServiceHandlers<typeof A2ANodeService>
}
