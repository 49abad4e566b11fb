// Shapes of the network records (records.ts): checked when a record is parsed from the network and
// on every read from the database. Structure only; records.ts and network-store.ts apply the rules.

import { nullable, num, object, oneOf, type Shape, str } from '../store/shape.ts'
import type { BroadcastRecord, SignedDescriptor, SignedInvitation, SignedOp } from './records.ts'

export const signedDescriptorShape: Shape<SignedDescriptor> = object<SignedDescriptor>({
  v: oneOf(1),
  type: oneOf('moltmesh.network'),
  name: str,
  description: str,
  policy: oneOf('invite-only', 'open'),
  creator: str,
  created_at_ms: num,
  nonce: str,
  sig: str,
})

export const signedInvitationShape: Shape<SignedInvitation> = object<SignedInvitation>({
  v: oneOf(1),
  type: oneOf('moltmesh.netinvite'),
  network: str,
  network_name: str,
  invitee: str,
  inviter: str,
  issued_at_ms: num,
  expires_at_ms: num,
  sig: str,
})

export const signedOpShape: Shape<SignedOp> = object<SignedOp>({
  v: oneOf(1),
  type: oneOf('moltmesh.netop'),
  network: str,
  op: oneOf('join', 'leave', 'remove'),
  member: str,
  actor: str,
  at_ms: num,
  invitation: nullable(signedInvitationShape),
  sig: str,
})

export const broadcastRecordShape: Shape<BroadcastRecord> = object<BroadcastRecord>({
  seq: num,
  id: str,
  networkId: str,
  from: str,
  sentAtMs: num,
  receivedAtMs: num,
  payload: str,
  signature: str,
})
