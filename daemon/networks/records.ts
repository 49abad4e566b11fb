// Signed records of named networks, all JCS-canonical JSON (RFC 8785) signed Ed25519 by a DID key:
//   descriptor  {v, type: "moltmesh.network", name, description, policy, creator, created_at_ms, nonce}
//               signed by the creator; the network id is "net_" + base32(sha256(JCS(signed descriptor)))
//   invitation  {v, type: "moltmesh.netinvite", network, network_name, invitee, inviter, issued_at_ms,
//               expires_at_ms} signed by the inviter (the admin, i.e. the creator)
//   operation   {v, type: "moltmesh.netop", network, op: join|leave|remove, member, actor, at_ms,
//               invitation|null} signed by the actor; its hash is sha256 of its JCS form
//   broadcast   NetworkBroadcast (protobuf) with a signature by `from` over JCS {v, type:
//               "moltmesh.netmsg", id, network, from, sent_at_ms, payload_sha256}
// Parsing is strict: unknown keys, wrong types, non-canonical text, bad signatures and rule violations
// are refused with a reason code (a MoltmeshError whose `reason` callers test; the message says why).

import { createHash, randomBytes } from 'node:crypto'
import canonicalize from 'canonicalize'
import { base32 } from 'multiformats/bases/base32'
import { refused } from '../errors/moltmesh-error.ts'
import { isDid, verifyDidSignature } from '../identity/did.ts'
import type { Identity } from '../identity/identity.ts'
import type { NetworkBroadcast } from '../wire/gen/moltmesh/wire/v1/networks.ts'
import { signedDescriptorShape, signedInvitationShape, signedOpShape } from './record-shapes.ts'

export type NetworkPolicyName = 'invite-only' | 'open'
export type OpKind = 'join' | 'leave' | 'remove'

export const MAX_RECORD_BYTES = 16 * 1024
export const MAX_NAME_LENGTH = 64
export const MAX_DESCRIPTION_LENGTH = 1024
export const MAX_MESSAGE_ID_LENGTH = 128
/** How far ahead of our clock a signed time may be. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000
const NETWORK_ID = /^net_[a-z2-7]{52}$/

export interface NetworkDescriptor {
  v: 1
  type: 'moltmesh.network'
  name: string
  description: string
  policy: NetworkPolicyName
  creator: string
  created_at_ms: number
  /** Random, so two networks with the same name and creator get different ids. */
  nonce: string
}
export interface SignedDescriptor extends NetworkDescriptor {
  sig: string
}

export interface Invitation {
  v: 1
  type: 'moltmesh.netinvite'
  network: string
  network_name: string
  invitee: string
  inviter: string
  issued_at_ms: number
  expires_at_ms: number
}
export interface SignedInvitation extends Invitation {
  sig: string
}

export interface MembershipOp {
  v: 1
  type: 'moltmesh.netop'
  network: string
  op: OpKind
  member: string
  actor: string
  at_ms: number
  invitation: SignedInvitation | null
}
export interface SignedOp extends MembershipOp {
  sig: string
}

/** A stored, verified operation: its canonical text and hash. */
export interface OpEntry {
  hash: string
  json: string
  op: SignedOp
}

/** A stored broadcast (one entry of a network's history). */
export interface BroadcastRecord {
  /** Position in the local history (all networks); the resume cursor. */
  seq: number
  id: string
  networkId: string
  from: string
  sentAtMs: number
  receivedAtMs: number
  /** base64 */
  payload: string
  /** base64 */
  signature: string
}

export interface MemberInfo {
  did: string
  role: 'admin' | 'member'
  joinedAtMs: number
}

const encoder = new TextEncoder()
const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex')

export function isNetworkId(value: string): boolean {
  return NETWORK_ID.test(value)
}

export function canonical(value: unknown): string {
  return canonicalize(value) as string
}

function withoutSig<T extends { sig: string }>(record: T): Omit<T, 'sig'> {
  const { sig: _sig, ...rest } = record
  return rest
}

async function sign<T extends object>(identity: Identity, record: T): Promise<T & { sig: string }> {
  const sig = Buffer.from(await identity.sign(encoder.encode(canonical(record)))).toString('base64url')
  return { ...record, sig }
}

async function verify(did: string, record: { sig: string }): Promise<boolean> {
  return verifyDidSignature(
    did,
    encoder.encode(canonical(withoutSig(record))),
    Buffer.from(record.sig, 'base64url'),
  )
}

/** Parses JSON text that must be the canonical form of an object with exactly `keys`. */
function parseStrict(text: string, keys: readonly string[]): Record<string, unknown> {
  if (text.length > MAX_RECORD_BYTES)
    throw refused('RECORD_TOO_LARGE', `record over ${MAX_RECORD_BYTES} bytes`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw refused('RECORD_MALFORMED', 'record is not JSON')
  }
  if (value == null || typeof value !== 'object' || Array.isArray(value))
    throw refused('RECORD_MALFORMED', 'record is not a JSON object')
  const record = value as Record<string, unknown>
  const actual = Object.keys(record).sort()
  const expected = [...keys].sort()
  if (actual.length !== expected.length || actual.some((k, i) => k !== expected[i]))
    throw refused('RECORD_MALFORMED', `record keys are not ${expected.join(',')}`)
  if (canonical(record) !== text) throw refused('RECORD_MALFORMED', 'record is not canonical JSON (JCS)')
  return record
}

const isStr = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length <= max
const isTime = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0

// ------------------------------------------------------------------------------------------ descriptor

const DESCRIPTOR_KEYS = [
  'v',
  'type',
  'name',
  'description',
  'policy',
  'creator',
  'created_at_ms',
  'nonce',
  'sig',
] as const

export async function signDescriptor(
  identity: Identity,
  fields: { name: string; description: string; policy: NetworkPolicyName; createdAtMs: number },
): Promise<SignedDescriptor> {
  return sign<NetworkDescriptor>(identity, {
    v: 1,
    type: 'moltmesh.network',
    name: fields.name,
    description: fields.description,
    policy: fields.policy,
    creator: identity.did,
    created_at_ms: fields.createdAtMs,
    nonce: randomBytes(16).toString('base64url'),
  })
}

export function networkIdOf(descriptor: SignedDescriptor): string {
  const digest = createHash('sha256').update(canonical(descriptor)).digest()
  return `net_${base32.baseEncode(digest)}`
}

/** Verifies a descriptor's text; with `id`, also that it is that network's descriptor. */
export async function parseDescriptor(text: string, id?: string): Promise<SignedDescriptor> {
  const r = parseStrict(text, DESCRIPTOR_KEYS)
  if (
    !signedDescriptorShape.is(r) ||
    r.v !== 1 ||
    r.type !== 'moltmesh.network' ||
    !isStr(r.name, MAX_NAME_LENGTH) ||
    r.name.length === 0 ||
    !isStr(r.description, MAX_DESCRIPTION_LENGTH) ||
    (r.policy !== 'invite-only' && r.policy !== 'open') ||
    !isStr(r.creator) ||
    !isDid(r.creator) ||
    !isTime(r.created_at_ms) ||
    !isStr(r.nonce, 64) ||
    !isStr(r.sig, 128)
  )
    throw refused('RECORD_MALFORMED', 'a network descriptor field has a wrong type or length')
  const d = r
  if (id != null && networkIdOf(d) !== id)
    throw refused('NETWORK_ID_MISMATCH', `the descriptor is not that of network ${id}`)
  if (!(await verify(d.creator, d)))
    throw refused('SIGNATURE_INVALID', "the descriptor's signature does not verify")
  return d
}

// ------------------------------------------------------------------------------------------ invitation

const INVITATION_KEYS = [
  'v',
  'type',
  'network',
  'network_name',
  'invitee',
  'inviter',
  'issued_at_ms',
  'expires_at_ms',
  'sig',
] as const

export async function signInvitation(
  identity: Identity,
  fields: { network: string; networkName: string; invitee: string; issuedAtMs: number; expiresAtMs: number },
): Promise<SignedInvitation> {
  return sign<Invitation>(identity, {
    v: 1,
    type: 'moltmesh.netinvite',
    network: fields.network,
    network_name: fields.networkName,
    invitee: fields.invitee,
    inviter: identity.did,
    issued_at_ms: fields.issuedAtMs,
    expires_at_ms: fields.expiresAtMs,
  })
}

/** Checks the shape of an invitation object (from JSON or from the API). */
function checkInvitationShape(r: Record<string, unknown>): SignedInvitation {
  if (
    !signedInvitationShape.is(r) ||
    r.v !== 1 ||
    r.type !== 'moltmesh.netinvite' ||
    !isStr(r.network) ||
    !isStr(r.network_name, MAX_NAME_LENGTH) ||
    !isStr(r.invitee) ||
    !isDid(r.invitee) ||
    !isStr(r.inviter) ||
    !isDid(r.inviter) ||
    !isTime(r.issued_at_ms) ||
    !isTime(r.expires_at_ms) ||
    !isStr(r.sig, 128)
  )
    throw refused('RECORD_MALFORMED', 'an invitation field has a wrong type or length')
  return r
}

export function parseInvitationText(text: string): SignedInvitation {
  return checkInvitationShape(parseStrict(text, INVITATION_KEYS))
}

/** An invitation rebuilt from its API fields (NetworkInvitation). */
export function invitationFromFields(fields: {
  networkId: string
  networkName: string
  invitee: string
  inviter: string
  issuedAtMs: number
  expiresAtMs: number
  signature: string
}): SignedInvitation {
  return checkInvitationShape({
    v: 1,
    type: 'moltmesh.netinvite',
    network: fields.networkId,
    network_name: fields.networkName,
    invitee: fields.invitee,
    inviter: fields.inviter,
    issued_at_ms: fields.issuedAtMs,
    expires_at_ms: fields.expiresAtMs,
    sig: fields.signature,
  })
}

/**
 * Why an invitation does not admit `invitee` to the network (undefined when it does): it must be for
 * this network and this invitee, signed by the network's admin (its creator), and valid at `atMs`.
 */
export async function invitationProblem(
  inv: SignedInvitation,
  descriptor: SignedDescriptor,
  networkId: string,
  invitee: string,
  atMs: number,
): Promise<string | undefined> {
  if (inv.network !== networkId) return 'the invitation is for another network'
  if (inv.invitee !== invitee) return 'the invitation is for another agent'
  if (inv.inviter !== descriptor.creator) return "the invitation is not signed by the network's admin"
  if (inv.expires_at_ms <= inv.issued_at_ms) return 'the invitation expires before it was issued'
  if (atMs >= inv.expires_at_ms) return 'the invitation has expired'
  if (atMs + CLOCK_SKEW_MS < inv.issued_at_ms) return 'the invitation is issued in the future'
  if (!(await verify(inv.inviter, inv))) return 'the invitation signature does not verify'
  return undefined
}

// ------------------------------------------------------------------------------------------ operations

const OP_KEYS = ['v', 'type', 'network', 'op', 'member', 'actor', 'at_ms', 'invitation', 'sig'] as const

export async function signOp(
  identity: Identity,
  fields: { network: string; op: OpKind; member: string; atMs: number; invitation: SignedInvitation | null },
): Promise<OpEntry> {
  const op = await sign<MembershipOp>(identity, {
    v: 1,
    type: 'moltmesh.netop',
    network: fields.network,
    op: fields.op,
    member: fields.member,
    actor: identity.did,
    at_ms: fields.atMs,
    invitation: fields.invitation,
  })
  const json = canonical(op)
  return { hash: sha256Hex(json), json, op }
}

export function opHashOf(json: string): string {
  return sha256Hex(json)
}

/**
 * Verifies an operation of network `networkId` (whose descriptor is given). The rules do not depend on
 * other operations, so any set of valid operations can be merged in any order:
 *   join    signed by the member; needs an admin invitation for it unless the network is open
 *   leave   signed by the member
 *   remove  signed by the admin (the creator)
 * The creator is a member by the descriptor and cannot join, leave or be removed.
 */
export async function parseOp(
  json: string,
  descriptor: SignedDescriptor,
  networkId: string,
  now = Date.now(),
): Promise<OpEntry> {
  const r = parseStrict(json, OP_KEYS)
  if (
    r.v !== 1 ||
    r.type !== 'moltmesh.netop' ||
    !isStr(r.network) ||
    (r.op !== 'join' && r.op !== 'leave' && r.op !== 'remove') ||
    !isStr(r.member) ||
    !isDid(r.member) ||
    !isStr(r.actor) ||
    !isDid(r.actor) ||
    !isTime(r.at_ms) ||
    !isStr(r.sig, 128) ||
    (r.invitation !== null && (typeof r.invitation !== 'object' || Array.isArray(r.invitation)))
  )
    throw refused('RECORD_MALFORMED', 'a membership operation field has a wrong type or length')
  if (r.invitation !== null) {
    const inv = r.invitation as Record<string, unknown>
    const keys = Object.keys(inv).sort()
    if (keys.join() !== [...INVITATION_KEYS].sort().join())
      throw refused('RECORD_MALFORMED', 'the embedded invitation has unexpected keys')
    checkInvitationShape(inv)
  }
  if (!signedOpShape.is(r)) throw refused('RECORD_MALFORMED', 'an operation field has a wrong type or length')
  const op = r
  if (op.network !== networkId) throw refused('WRONG_NETWORK', `the operation is for network ${op.network}`)
  if (op.at_ms > now + CLOCK_SKEW_MS) throw refused('FROM_THE_FUTURE', 'the operation is dated in the future')
  if (op.member === descriptor.creator)
    throw refused('RULE_VIOLATION', 'the creator cannot join, leave or be removed')
  if (op.op === 'remove') {
    if (op.actor !== descriptor.creator) throw refused('NOT_ADMIN', 'only the admin removes members')
    if (op.invitation !== null) throw refused('RECORD_MALFORMED', 'a remove carries no invitation')
  } else if (op.actor !== op.member) throw refused('RULE_VIOLATION', 'only the member joins or leaves')
  if (op.op === 'leave' && op.invitation !== null)
    throw refused('RECORD_MALFORMED', 'a leave carries no invitation')
  if (op.op === 'join') {
    if (op.invitation == null && descriptor.policy !== 'open')
      throw refused('INVITATION_INVALID', 'a join of an invite-only network needs an invitation')
    const problem =
      op.invitation == null
        ? undefined
        : await invitationProblem(op.invitation, descriptor, networkId, op.member, op.at_ms)
    if (problem != null) throw refused('INVITATION_INVALID', problem)
  }
  if (!(await verify(op.actor, op)))
    throw refused('SIGNATURE_INVALID', "the operation's signature does not verify")
  return { hash: sha256Hex(json), json, op }
}

// ------------------------------------------------------------------------------------------ broadcasts

function broadcastSigningBytes(b: Omit<NetworkBroadcast, 'signature'>): Uint8Array {
  return encoder.encode(
    canonical({
      v: 1,
      type: 'moltmesh.netmsg',
      id: b.id,
      network: b.networkId,
      from: b.from,
      sent_at_ms: b.sentAtMs,
      payload_sha256: sha256Hex(b.payload),
    }),
  )
}

export async function signBroadcast(
  identity: Identity,
  fields: { id: string; networkId: string; sentAtMs: number; payload: Uint8Array },
): Promise<NetworkBroadcast> {
  const unsigned = {
    id: fields.id,
    networkId: fields.networkId,
    from: identity.did,
    sentAtMs: fields.sentAtMs,
    payload: Buffer.from(fields.payload),
  }
  return { ...unsigned, signature: Buffer.from(await identity.sign(broadcastSigningBytes(unsigned))) }
}

export async function verifyBroadcast(b: NetworkBroadcast): Promise<boolean> {
  return verifyDidSignature(b.from, broadcastSigningBytes(b), b.signature)
}
