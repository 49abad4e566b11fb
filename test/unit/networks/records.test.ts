// Signed network records: descriptors and ids, invitations, membership operations and broadcasts are
// verified strictly, and every forgery or rule violation is refused with its reason.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { beforeAll, describe, expect, it } from 'vitest'
import { reasonOf } from '../../../daemon/errors/moltmesh-error.ts'
import { createIdentity, type Identity } from '../../../daemon/identity/identity.ts'
import {
  canonical,
  invitationFromFields,
  invitationProblem,
  isNetworkId,
  networkIdOf,
  parseDescriptor,
  parseInvitationText,
  parseOp,
  type SignedDescriptor,
  signBroadcast,
  signDescriptor,
  signInvitation,
  signOp,
  verifyBroadcast,
} from '../../../daemon/networks/records.ts'

const newIdentity = async () => createIdentity(await generateKeyPair('Ed25519'))
const DAY = 24 * 3600 * 1000

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    return reasonOf(err) ?? `uncoded: ${err}`
  }
  return 'accepted'
}

describe('network records', () => {
  let admin: Identity
  let alice: Identity
  let mallory: Identity
  let descriptor: SignedDescriptor
  let text: string
  let id: string

  beforeAll(async () => {
    admin = await newIdentity()
    alice = await newIdentity()
    mallory = await newIdentity()
    descriptor = await signDescriptor(admin, {
      name: 'research',
      description: 'd',
      policy: 'invite-only',
      createdAtMs: 1000,
    })
    text = canonical(descriptor)
    id = networkIdOf(descriptor)
  })

  it('derives the network id from the signed descriptor and verifies it', async () => {
    expect(isNetworkId(id)).toBe(true)
    expect(await parseDescriptor(text, id)).toEqual(descriptor)
    // Same fields, new nonce: another network.
    const again = await signDescriptor(admin, {
      name: 'research',
      description: 'd',
      policy: 'invite-only',
      createdAtMs: 1000,
    })
    expect(networkIdOf(again)).not.toBe(id)
  })

  it('refuses tampered, re-signed, padded and non-canonical descriptors', async () => {
    expect(await reason(parseDescriptor(canonical({ ...descriptor, name: 'other' }), id))).toBe(
      'NETWORK_ID_MISMATCH',
    )
    expect(await reason(parseDescriptor(canonical({ ...descriptor, name: 'other' })))).toBe(
      'SIGNATURE_INVALID',
    )
    // Mallory signs the same content as its own: a different creator, so a different network.
    const stolen = await signDescriptor(mallory, {
      name: 'research',
      description: 'd',
      policy: 'invite-only',
      createdAtMs: 1000,
    })
    expect(await reason(parseDescriptor(canonical({ ...stolen, creator: admin.did })))).toBe(
      'SIGNATURE_INVALID',
    )
    expect(await reason(parseDescriptor(canonical({ ...descriptor, extra: 1 }), id))).toBe('RECORD_MALFORMED')
    expect(await reason(parseDescriptor(JSON.stringify(descriptor, null, 1), id))).toBe('RECORD_MALFORMED')
    expect(await reason(parseDescriptor('{nope', id))).toBe('RECORD_MALFORMED')
  })

  it('checks that an invitation is for this network and invitee, signed by the admin and current', async () => {
    const now = Date.now()
    const fields = {
      network: id,
      networkName: 'research',
      invitee: alice.did,
      issuedAtMs: now,
      expiresAtMs: now + DAY,
    }
    const inv = await signInvitation(admin, fields)
    expect(await invitationProblem(inv, descriptor, id, alice.did, now)).toBeUndefined()
    expect(parseInvitationText(canonical(inv))).toEqual(inv)
    const roundTrip = invitationFromFields({
      networkId: inv.network,
      networkName: inv.network_name,
      invitee: inv.invitee,
      inviter: inv.inviter,
      issuedAtMs: inv.issued_at_ms,
      expiresAtMs: inv.expires_at_ms,
      signature: inv.sig,
    })
    expect(await invitationProblem(roundTrip, descriptor, id, alice.did, now)).toBeUndefined()

    expect(await invitationProblem(inv, descriptor, id, mallory.did, now)).toMatch(/another agent/)
    expect(await invitationProblem(inv, descriptor, `net_${'a'.repeat(52)}`, alice.did, now)).toMatch(
      /another network/,
    )
    expect(await invitationProblem(inv, descriptor, id, alice.did, now + 2 * DAY)).toMatch(/expired/)
    const byMallory = await signInvitation(mallory, fields)
    expect(await invitationProblem(byMallory, descriptor, id, alice.did, now)).toMatch(/admin/)
    const forged = { ...byMallory, inviter: admin.did }
    expect(await invitationProblem(forged, descriptor, id, alice.did, now)).toMatch(/signature/)
    const stretched = { ...inv, expires_at_ms: inv.expires_at_ms + DAY }
    expect(await invitationProblem(stretched, descriptor, id, alice.did, now)).toMatch(/signature/)
  })

  it('accepts valid operations and refuses forged or rule-breaking ones with reasons', async () => {
    const now = Date.now()
    const inv = await signInvitation(admin, {
      network: id,
      networkName: 'research',
      invitee: alice.did,
      issuedAtMs: now,
      expiresAtMs: now + DAY,
    })
    const join = await signOp(alice, {
      network: id,
      op: 'join',
      member: alice.did,
      atMs: now,
      invitation: inv,
    })
    expect((await parseOp(join.json, descriptor, id)).hash).toBe(join.hash)
    const leave = await signOp(alice, {
      network: id,
      op: 'leave',
      member: alice.did,
      atMs: now,
      invitation: null,
    })
    expect((await parseOp(leave.json, descriptor, id)).op.op).toBe('leave')
    const remove = await signOp(admin, {
      network: id,
      op: 'remove',
      member: alice.did,
      atMs: now,
      invitation: null,
    })
    expect((await parseOp(remove.json, descriptor, id)).op.op).toBe('remove')

    const uninvited = await signOp(mallory, {
      network: id,
      op: 'join',
      member: mallory.did,
      atMs: now,
      invitation: null,
    })
    expect(await reason(parseOp(uninvited.json, descriptor, id))).toBe('INVITATION_INVALID')
    // Alice's invitation does not admit Mallory.
    const borrowed = await signOp(mallory, {
      network: id,
      op: 'join',
      member: mallory.did,
      atMs: now,
      invitation: inv,
    })
    expect(await reason(parseOp(borrowed.json, descriptor, id))).toBe('INVITATION_INVALID')
    const coup = await signOp(mallory, {
      network: id,
      op: 'remove',
      member: alice.did,
      atMs: now,
      invitation: null,
    })
    expect(await reason(parseOp(coup.json, descriptor, id))).toBe('NOT_ADMIN')
    const leaveForOther = await signOp(mallory, {
      network: id,
      op: 'leave',
      member: alice.did,
      atMs: now,
      invitation: null,
    })
    expect(await reason(parseOp(leaveForOther.json, descriptor, id))).toBe('RULE_VIOLATION')
    const removeCreator = await signOp(admin, {
      network: id,
      op: 'remove',
      member: admin.did,
      atMs: now,
      invitation: null,
    })
    expect(await reason(parseOp(removeCreator.json, descriptor, id))).toBe('RULE_VIOLATION')
    const late = await signOp(alice, {
      network: id,
      op: 'join',
      member: alice.did,
      atMs: now + 2 * DAY,
      invitation: inv,
    })
    expect(await reason(parseOp(late.json, descriptor, id, now + 2 * DAY))).toBe('INVITATION_INVALID')
    const future = await signOp(alice, {
      network: id,
      op: 'leave',
      member: alice.did,
      atMs: now + DAY,
      invitation: null,
    })
    expect(await reason(parseOp(future.json, descriptor, id, now))).toBe('FROM_THE_FUTURE')
    const elsewhere = await signOp(alice, {
      network: `net_${'b'.repeat(52)}`,
      op: 'leave',
      member: alice.did,
      atMs: now,
      invitation: null,
    })
    expect(await reason(parseOp(elsewhere.json, descriptor, id))).toBe('WRONG_NETWORK')
    const tampered = canonical({ ...leave.op, at_ms: now - 1 })
    expect(await reason(parseOp(tampered, descriptor, id))).toBe('SIGNATURE_INVALID')
    expect(await reason(parseOp(canonical({ ...leave.op, note: 'x' }), descriptor, id))).toBe(
      'RECORD_MALFORMED',
    )
  })

  it('signs broadcasts over every field that matters', async () => {
    const b = await signBroadcast(alice, {
      id: 'bcm_1',
      networkId: id,
      sentAtMs: 5,
      payload: Buffer.from('hi'),
    })
    expect(b.from).toBe(alice.did)
    expect(await verifyBroadcast(b)).toBe(true)
    expect(await verifyBroadcast({ ...b, payload: Buffer.from('ho') })).toBe(false)
    expect(await verifyBroadcast({ ...b, from: mallory.did })).toBe(false)
    expect(await verifyBroadcast({ ...b, networkId: `net_${'c'.repeat(52)}` })).toBe(false)
    expect(await verifyBroadcast({ ...b, sentAtMs: 6 })).toBe(false)
  })
})
