// Network RPCs of Ext: proto <-> network records, nothing else.

import type { ExtService } from '../../clients/ts/gen/moltmesh/v1/ext.ts'
import {
  type BroadcastMessage,
  type Network,
  type NetworkInvitation,
  type NetworkMember,
  NetworkPolicy,
} from '../../clients/ts/gen/moltmesh/v1/types.ts'
import { failedPrecondition, invalidArgument } from '../errors/moltmesh-error.ts'
import type { NetworksService } from '../networks/networks-service.ts'
import {
  type BroadcastRecord,
  invitationFromFields,
  type MemberInfo,
  type NetworkPolicyName,
  type SignedInvitation,
} from '../networks/records.ts'
import type { NetState } from '../networks/registry.ts'
import type { ServiceHandlers } from './service-types.ts'

export function memberProto(m: MemberInfo): NetworkMember {
  return { did: m.did, role: m.role, joinedAtMs: m.joinedAtMs, name: '' }
}

export function broadcastProto(r: BroadcastRecord): BroadcastMessage {
  return {
    id: r.id,
    topic: r.networkId,
    from: r.from,
    payload: Buffer.from(r.payload, 'base64'),
    sentAtMs: r.sentAtMs,
    cursor: String(r.seq),
  }
}

export function invitationProto(i: SignedInvitation): NetworkInvitation {
  return {
    networkId: i.network,
    networkName: i.network_name,
    invitee: i.invitee,
    inviter: i.inviter,
    expiresAtMs: i.expires_at_ms,
    signature: i.sig,
    issuedAtMs: i.issued_at_ms,
  }
}

function networkProto(s: NetState, self: string): Network {
  return {
    id: s.id,
    name: s.descriptor.name,
    description: s.descriptor.description,
    policy:
      s.descriptor.policy === 'open'
        ? NetworkPolicy.NETWORK_POLICY_OPEN
        : NetworkPolicy.NETWORK_POLICY_INVITE_ONLY,
    creator: s.descriptor.creator,
    memberCount: s.view.members.size,
    joined: s.view.members.has(self),
    admin: s.descriptor.creator === self,
    createdAtMs: s.descriptor.created_at_ms,
  }
}

function policyName(policy: NetworkPolicy): NetworkPolicyName {
  if (policy === NetworkPolicy.NETWORK_POLICY_OPEN) return 'open'
  if (
    policy === NetworkPolicy.NETWORK_POLICY_INVITE_ONLY ||
    policy === NetworkPolicy.NETWORK_POLICY_UNSPECIFIED
  )
    return 'invite-only'
  throw invalidArgument('INVALID_ARGUMENT', `policy ${policy} is not INVITE_ONLY or OPEN`)
}

/** An invitation given in a request (fields only; the service verifies it). */
function invitationInput(i: NetworkInvitation | undefined): SignedInvitation | undefined {
  if (i == null || i.signature === '') return undefined
  try {
    return invitationFromFields(i)
  } catch {
    throw failedPrecondition('INVITATION_INVALID', 'the invitation is incomplete or malformed')
  }
}

export function networksAdapter(networks: NetworksService, self: string) {
  return {
    async createNetwork(req) {
      const state = await networks.create({
        name: req.name,
        description: req.description,
        policy: policyName(req.policy),
      })
      return { network: networkProto(state, self) }
    },
    async inviteToNetwork(req) {
      const { invitation, messageId } = await networks.invite(req)
      return { invitation: invitationProto(invitation), messageId }
    },
    async listInvitations() {
      return { invitations: (await networks.invitations()).map((i) => invitationProto(i.invitation)) }
    },
    async joinNetwork(req) {
      const state = await networks.join({
        networkId: req.networkId,
        invitation: invitationInput(req.invitation),
      })
      return { network: networkProto(state, self) }
    },
    async leaveNetwork(req) {
      await networks.leave(req.networkId)
      return {}
    },
    async removeMember(req) {
      await networks.remove(req.networkId, req.did)
      return {}
    },
    listNetworks: () => ({ networks: networks.list().map((s) => networkProto(s, self)) }),
    listNetworkMembers: (req) => ({ members: networks.members(req.networkId).map(memberProto) }),
    broadcastNetwork: (req) => networks.broadcast(req.networkId, req.payload),
    async *subscribeNetwork(req, ctx) {
      for await (const r of networks.subscribe(req.networkId, req.afterCursor, ctx.signal))
        yield { message: broadcastProto(r) }
    },
  } satisfies ServiceHandlers<typeof ExtService>
}
