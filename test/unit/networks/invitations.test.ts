// The invitation sink with a stubbed store and registry: only a valid invitation signed by the
// authenticated sender, for this agent, of a well-formed network is kept; repeats and invitations to
// networks already joined are duplicates, and every refusal names its reason.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { createIdentity } from '../../../daemon/identity/identity.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { createInvitationSink } from '../../../daemon/networks/invitations.ts'
import type { NetworkStore } from '../../../daemon/networks/network-store.ts'
import { canonical, networkIdOf, signDescriptor, signInvitation } from '../../../daemon/networks/records.ts'

const newIdentity = async () => createIdentity(await generateKeyPair('Ed25519'))

async function setup() {
  const admin = await newIdentity()
  const me = await newIdentity()
  const mallory = await newIdentity()
  const descriptor = await signDescriptor(admin, {
    name: 'research',
    description: '',
    policy: 'invite-only',
    createdAtMs: Date.now(),
  })
  const id = networkIdOf(descriptor)
  const kept = new Map<string, Awaited<ReturnType<NetworkStore['receivedInvitation']>>>()
  const members = new Set<string>()
  const sink = createInvitationSink({
    store: {
      receivedInvitation: async (network) => kept.get(network),
      putReceivedInvitation: async (network, value) => void kept.set(network, value),
    },
    registry: { isMember: (network, did) => members.has(`${network} ${did}`) },
    logger: silentLogger(),
    selfDid: me.did,
  })
  const invite = async (by = admin, invitee = me.did) => ({
    invite: {
      descriptor: canonical(descriptor),
      invitation: canonical(
        await signInvitation(by, {
          network: id,
          networkName: 'research',
          invitee,
          issuedAtMs: Date.now(),
          expiresAtMs: Date.now() + 60_000,
        }),
      ),
    },
  })
  return { admin, me, mallory, id, sink, kept, members, invite }
}

describe('network invitations', () => {
  it('keeps a valid invitation once', async () => {
    const { admin, id, sink, kept, invite } = await setup()
    const frame = await invite()
    expect(await sink(admin.did, frame)).toEqual({ status: 'stored' })
    expect(kept.get(id)?.invitation.inviter).toBe(admin.did)
    expect(await sink(admin.did, frame)).toEqual({ status: 'duplicate' })
  })

  it('takes an invitation to a network already joined as a duplicate', async () => {
    const { admin, me, id, sink, members, kept, invite } = await setup()
    members.add(`${id} ${me.did}`)
    expect(await sink(admin.did, await invite())).toEqual({ status: 'duplicate' })
    expect(kept.size).toBe(0)
  })

  it('refuses an invitation relayed by someone else, meant for another agent, or malformed', async () => {
    const { admin, mallory, sink, kept, invite } = await setup()
    expect(await sink(mallory.did, await invite())).toMatchObject({
      status: 'rejected',
      reason: 'SENDER_MISMATCH',
    })
    expect(await sink(admin.did, await invite(admin, mallory.did))).toMatchObject({
      status: 'rejected',
      reason: 'INVITATION_INVALID',
    })
    const bad = await invite()
    expect(await sink(admin.did, { invite: { ...bad.invite, descriptor: '{}' } })).toMatchObject({
      reason: 'INVITATION_INVALID',
    })
    expect(await sink(admin.did, { invite: { ...bad.invite, invitation: 'x' } })).toMatchObject({
      reason: 'INVITATION_INVALID',
    })
    expect(await sink(admin.did, {})).toMatchObject({ reason: 'MALFORMED' })
    expect(kept.size).toBe(0)
  })
})
