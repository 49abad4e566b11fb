// Invitations arrive as durable messaging envelopes (MessageBody.network), handed here by the
// receiver with the authenticated sender. A valid one (signed by the sender, for this agent, of a
// well-formed network) is kept until it is used to join; repeats and used ones are duplicates.

import type { Logger } from '../log/logger.ts'
import type { ChannelSpec } from '../messaging/channels.ts'
import type { NetworkStore } from './network-store.ts'
import {
  invitationProblem,
  networkIdOf,
  parseDescriptor,
  parseInvitationText,
  type SignedDescriptor,
} from './records.ts'
import type { Registry } from './registry.ts'

export interface InvitationComponents {
  store: Pick<NetworkStore, 'receivedInvitation' | 'putReceivedInvitation'>
  registry: Pick<Registry, 'isMember'>
  logger: Logger
  selfDid: string
}

/** The handler of messaging's 'network' channel (registered by networks.ts in start()). */
export function createInvitationSink(c: InvitationComponents): ChannelSpec<'network'>['handle'] {
  return async (from, frame) => {
    const invite = frame.invite
    if (invite == null) return { status: 'rejected', reason: 'MALFORMED', detail: 'empty network frame' }
    let descriptor: SignedDescriptor
    try {
      descriptor = await parseDescriptor(invite.descriptor)
    } catch (err) {
      return {
        status: 'rejected',
        reason: 'INVITATION_INVALID',
        detail: `descriptor: ${(err as Error).message}`,
      }
    }
    const id = networkIdOf(descriptor)
    let invitation: ReturnType<typeof parseInvitationText>
    try {
      invitation = parseInvitationText(invite.invitation)
    } catch (err) {
      return { status: 'rejected', reason: 'INVITATION_INVALID', detail: (err as Error).message }
    }
    if (invitation.inviter !== from)
      return { status: 'rejected', reason: 'SENDER_MISMATCH', detail: invitation.inviter }
    const problem = await invitationProblem(invitation, descriptor, id, c.selfDid, Date.now())
    if (problem != null) return { status: 'rejected', reason: 'INVITATION_INVALID', detail: problem }
    const existing = await c.store.receivedInvitation(id)
    // Already used (or joined otherwise): nothing to keep.
    if (existing?.invitation.sig === invitation.sig || c.registry.isMember(id, c.selfDid))
      return { status: 'duplicate' }
    await c.store.putReceivedInvitation(id, {
      descriptor: invite.descriptor,
      invitation,
      receivedAtMs: Date.now(),
    })
    c.logger.info({ network: id, name: descriptor.name, inviter: from }, 'received a network invitation')
    return { status: 'stored' }
  }
}
