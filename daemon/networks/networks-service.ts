// Networks as the API sees them: create, invite, join, leave, remove, list, broadcast and subscribe.
// Every local membership change is a signed operation committed before the call returns, then
// gossiped on the network's topic and pushed to connected members; invitations are queued in the
// messaging outbox in the same batch as the record of the sent invitation.

import { newId } from '../common/ids.ts'
import { parseCursor } from '../common/paging.ts'
import { failedPrecondition, invalidArgument, MoltmeshError, notFound } from '../errors/moltmesh-error.ts'
import type { EventBus } from '../events/event-bus.ts'
import { eventQueue } from '../events/event-queue.ts'
import type { Identity } from '../identity/identity.ts'
import type { Logger } from '../log/logger.ts'
import type { FrameSigner } from '../messaging/outbound.ts'
import type { OutboxStore } from '../messaging/outbox-store.ts'
import { checkPayload } from '../pubsub/topics.ts'
import { MessageBody } from '../wire/gen/moltmesh/wire/v1/messaging.ts'
import type { NetworkGossip } from '../wire/gen/moltmesh/wire/v1/networks.ts'
import type { Broadcasts } from './broadcasts.ts'
import { deriveMembership } from './membership.ts'
import type { NetworkStore } from './network-store.ts'
import {
  type BroadcastRecord,
  canonical,
  invitationProblem,
  isNetworkId,
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  type MemberInfo,
  type NetworkPolicyName,
  networkIdOf,
  type OpEntry,
  parseDescriptor,
  parseOp,
  type SignedDescriptor,
  type SignedInvitation,
  signBroadcast,
  signDescriptor,
  signInvitation,
  signOp,
} from './records.ts'
import { MAX_OPS_PER_NETWORK, type NetState, type Registry } from './registry.ts'

export interface NetworksServiceComponents {
  identity: Identity
  registry: Registry
  store: NetworkStore
  broadcasts: Broadcasts
  outbox: OutboxStore
  /** Signs an invitation frame on the network channel (messaging.signFrame('network', …)). */
  signFrame: FrameSigner
  /** Starts delivery of queued envelopes to a peer. */
  kick: (did: string) => void
  events: EventBus
  logger: Logger
  resolveTarget: (value: string) => Promise<string>
  /** Publishes on the network's topic; resolves with the DIDs it was sent to. */
  gossip: (state: NetState, message: NetworkGossip) => Promise<string[]>
  /** Finds the descriptor (and operations) of a network this daemon does not know, from any member. */
  discover: (
    networkId: string,
    hint: string | undefined,
  ) => Promise<{ descriptor: SignedDescriptor; text: string; ops: string[] } | undefined>
  /** Exchanges operations with connected members (and `also`), waiting at most a few seconds. */
  push: (state: NetState, also?: string[]) => Promise<void>
  maxPayloadBytes: number
  /** Largest serialized envelope body (the messaging payload limit). */
  maxEnvelopeBytes: number
  /** Networks this agent may be a member of at once (networks.max_networks). */
  maxNetworks: number
}

export interface InvitationView {
  invitation: SignedInvitation
  descriptor: SignedDescriptor
}

const DEFAULT_INVITATION_TTL_MS = 7 * 24 * 3600 * 1000
const MAX_INVITATION_TTL_MS = 30 * 24 * 3600 * 1000
const REPLAY_PAGE = 500

export function createNetworksService(c: NetworksServiceComponents) {
  const self = c.identity.did

  function requireNetwork(networkId: string): NetState {
    if (!isNetworkId(networkId))
      throw invalidArgument('INVALID_NETWORK_ID', `"${networkId.slice(0, 80)}" is not a network id (net_…)`)
    const state = c.registry.get(networkId)
    if (state == null) throw notFound('NETWORK_NOT_FOUND', `this agent knows no network ${networkId}`)
    return state
  }

  function requireMember(state: NetState): void {
    if (!state.view.members.has(self))
      throw failedPrecondition('NOT_A_MEMBER', `this agent is not a member of ${state.id}`)
  }

  function requireAdmin(state: NetState): void {
    if (state.descriptor.creator !== self)
      throw new MoltmeshError(
        'permission_denied',
        'NOT_ADMIN',
        `only the network's admin (its creator ${state.descriptor.creator}) can do this`,
      )
  }

  function requireRoom(state: NetState): void {
    if (state.ops.size >= MAX_OPS_PER_NETWORK)
      throw new MoltmeshError(
        'resource_exhausted',
        'MEMBERSHIP_LOG_FULL',
        `network ${state.id} has ${MAX_OPS_PER_NETWORK} membership operations, the limit`,
      )
  }

  /** Commits, applies and announces a local operation. */
  async function change(state: NetState, entry: Awaited<ReturnType<typeof signOp>>, also: string[] = []) {
    await c.registry.commitLocal(state, entry)
    await c
      .gossip(state, { op: entry.json })
      .catch((err: unknown) =>
        c.logger.debug({ network: state.id, err: (err as Error).message }, 'gossip of an operation failed'),
      )
    await c.push(state, also)
  }

  function requireNetworkRoom(): void {
    const joined = c.registry.list().filter((n) => n.view.members.has(self)).length
    if (joined >= c.maxNetworks)
      throw failedPrecondition(
        'TOO_MANY_NETWORKS',
        `this agent is in ${joined} networks, the limit (networks.max_networks); leave one first`,
      )
  }

  return {
    async create(req: { name: string; description: string; policy: NetworkPolicyName }): Promise<NetState> {
      requireNetworkRoom()
      const name = req.name.trim()
      if (name.length === 0 || name.length > MAX_NAME_LENGTH)
        throw invalidArgument('INVALID_ARGUMENT', `name must be 1-${MAX_NAME_LENGTH} characters`)
      if (req.description.length > MAX_DESCRIPTION_LENGTH)
        throw invalidArgument(
          'INVALID_ARGUMENT',
          `description must be at most ${MAX_DESCRIPTION_LENGTH} characters`,
        )
      const descriptor = await signDescriptor(c.identity, {
        name,
        description: req.description,
        policy: req.policy,
        createdAtMs: Date.now(),
      })
      const id = networkIdOf(descriptor)
      const state = await c.registry.add(id, descriptor, canonical(descriptor), [])
      c.logger.info({ network: id, name, policy: req.policy }, 'created network')
      return state
    },

    async invite(req: {
      networkId: string
      did: string
      ttlMs: number
    }): Promise<{ invitation: SignedInvitation; messageId: string }> {
      const state = requireNetwork(req.networkId)
      requireAdmin(state)
      if (req.did.trim() === '')
        throw invalidArgument('INVALID_ARGUMENT', 'did is required: a DID or a claimed name')
      const invitee = await c.resolveTarget(req.did)
      if (invitee === self) throw invalidArgument('SELF_TARGET', 'cannot invite yourself')
      if (state.view.members.has(invitee))
        throw failedPrecondition('ALREADY_MEMBER', `${invitee} is already a member of ${state.id}`)
      if (req.ttlMs < 0 || req.ttlMs > MAX_INVITATION_TTL_MS)
        throw invalidArgument(
          'INVALID_ARGUMENT',
          `ttl_ms must be between 0 (default 7 days) and ${MAX_INVITATION_TTL_MS}`,
        )
      const ttlMs = req.ttlMs > 0 ? req.ttlMs : DEFAULT_INVITATION_TTL_MS
      const now = Date.now()
      const invitation = await signInvitation(c.identity, {
        network: state.id,
        networkName: state.descriptor.name,
        invitee,
        issuedAtMs: now,
        expiresAtMs: now + ttlMs,
      })
      const body = MessageBody.encode(
        MessageBody.fromPartial({
          network: { invite: { descriptor: state.descriptorText, invitation: canonical(invitation) } },
        }),
      ).finish()
      if (body.length > c.maxEnvelopeBytes)
        throw invalidArgument(
          'PAYLOAD_TOO_LARGE',
          `the invitation is ${body.length} bytes; the messaging limit is ${c.maxEnvelopeBytes}`,
        )
      const record = await c.signFrame({
        to: invitee,
        body,
        ttlMs,
        contextId: '',
        threadId: '',
        replyTo: '',
        idempotencyKey: '',
      })
      const queued = c.outbox.prepare(record)
      await c.store.commit([
        ...queued.ops,
        c.store.sentInvitationOp(state.id, invitee, { invitation, messageId: record.id }),
      ])
      c.kick(invitee)
      c.logger.info({ network: state.id, invitee, message: record.id }, 'sent network invitation')
      return { invitation, messageId: record.id }
    },

    /** Received invitations that can still be used, newest first. */
    async invitations(): Promise<InvitationView[]> {
      const now = Date.now()
      const out: Array<InvitationView & { receivedAtMs: number }> = []
      for (const { id, received } of await c.store.receivedInvitations()) {
        if (received.invitation.expires_at_ms <= now || c.registry.isMember(id, self)) continue
        const descriptor = await parseDescriptor(received.descriptor, id).catch(() => undefined)
        if (descriptor != null)
          out.push({ invitation: received.invitation, descriptor, receivedAtMs: received.receivedAtMs })
      }
      return out.sort((a, b) => b.receivedAtMs - a.receivedAtMs)
    },

    async join(req: { networkId: string; invitation?: SignedInvitation }): Promise<NetState> {
      if (!isNetworkId(req.networkId))
        throw invalidArgument(
          'INVALID_NETWORK_ID',
          `"${req.networkId.slice(0, 80)}" is not a network id (net_…)`,
        )
      const id = req.networkId
      const known = c.registry.get(id)
      if (known?.view.members.has(self)) return known
      requireNetworkRoom()
      const received = await c.store.receivedInvitation(id)
      const invitation = req.invitation ?? received?.invitation
      let descriptor = known?.descriptor
      let text = known?.descriptorText
      let peerOps: string[] = []
      if (descriptor == null && received != null) {
        descriptor = await parseDescriptor(received.descriptor, id).catch(() => undefined)
        text = received.descriptor
      }
      if (descriptor == null) {
        const found = await c.discover(id, invitation?.inviter)
        if (found == null)
          throw notFound(
            'NETWORK_NOT_FOUND',
            `network ${id} is unknown here and no member of it could be reached to fetch it`,
          )
        descriptor = found.descriptor
        text = found.text
        peerOps = found.ops
      }
      const now = Date.now()
      if (invitation == null && descriptor.policy !== 'open')
        throw failedPrecondition(
          'INVITATION_REQUIRED',
          `network ${id} is invite-only: ask its admin ${descriptor.creator} for an invitation`,
        )
      if (invitation != null) {
        const problem = await invitationProblem(invitation, descriptor, id, self, now)
        if (problem != null) throw failedPrecondition('INVITATION_INVALID', problem)
      }
      const entry = await signOp(c.identity, {
        network: id,
        op: 'join',
        member: self,
        atMs: now,
        invitation: invitation ?? null,
      })
      // The operations of the peer the descriptor came from, verified (a removal of this agent shows).
      const verified: Array<OpEntry | undefined> = []
      for (const json of peerOps) verified.push(await parseOp(json, descriptor, id).catch(() => undefined))
      const ops = [...verified.filter((e): e is OpEntry => e != null), ...(known?.ops.values() ?? [])]
      if (!deriveMembership(descriptor, [...ops, entry]).members.has(self))
        throw failedPrecondition(
          'INVITATION_INVALID',
          'this agent was removed from the network after the invitation was issued; ask the admin for a new one',
        )
      const dropInvitation = received != null ? [c.store.dropReceivedInvitationOp(id)] : []
      let state: NetState
      if (known != null) {
        requireRoom(known)
        await c.registry.commitLocal(known, entry, dropInvitation)
        state = known
      } else state = await c.registry.add(id, descriptor, text as string, [...ops, entry], dropInvitation)
      c.logger.info({ network: id, members: state.view.members.size }, 'joined network')
      await c.gossip(state, { op: entry.json }).catch(() => undefined)
      await c.push(state, invitation != null ? [invitation.inviter] : [])
      return state
    },

    async leave(networkId: string): Promise<void> {
      const state = requireNetwork(networkId)
      requireMember(state)
      if (state.descriptor.creator === self)
        throw failedPrecondition(
          'ADMIN_CANNOT_LEAVE',
          "the network's creator is its admin and cannot leave it",
        )
      requireRoom(state)
      const entry = await signOp(c.identity, {
        network: state.id,
        op: 'leave',
        member: self,
        atMs: Date.now(),
        invitation: null,
      })
      // The registry leaves the topic on commit; the operation still goes out to its subscribers.
      await change(state, entry)
      c.logger.info({ network: state.id }, 'left network')
    },

    async remove(networkId: string, target: string): Promise<void> {
      const state = requireNetwork(networkId)
      requireAdmin(state)
      if (target.trim() === '')
        throw invalidArgument('INVALID_ARGUMENT', 'did is required: a DID or a claimed name')
      const did = await c.resolveTarget(target)
      if (did === self) throw invalidArgument('SELF_TARGET', 'the admin cannot remove itself')
      if (!state.view.members.has(did))
        throw failedPrecondition('NOT_A_MEMBER', `${did} is not a member of ${state.id}`)
      requireRoom(state)
      const entry = await signOp(c.identity, {
        network: state.id,
        op: 'remove',
        member: did,
        atMs: Date.now(),
        invitation: null,
      })
      // The removed member is told directly too: it is no longer a member, so gossip may miss it.
      await change(state, entry, [did])
      c.logger.info({ network: state.id, member: did }, 'removed member')
    },

    list: (): NetState[] =>
      c.registry.list().sort((a, b) => a.descriptor.created_at_ms - b.descriptor.created_at_ms),

    members(networkId: string): MemberInfo[] {
      return c.registry.members(requireNetwork(networkId).id)
    },

    async broadcast(networkId: string, payload: Uint8Array): Promise<{ id: string; recipients: number }> {
      const state = requireNetwork(networkId)
      requireMember(state)
      checkPayload(payload, c.maxPayloadBytes)
      const now = Date.now()
      const message = await signBroadcast(c.identity, {
        id: newId('bcm', now),
        networkId: state.id,
        sentAtMs: now,
        payload,
      })
      // Stored here too (answered once written): the sender's own stream and history have it, and
      // members that are offline now fetch it from here later. Sending does not wait for the write.
      const [, sentTo] = await Promise.all([
        c.broadcasts.store(state, message),
        c.gossip(state, { broadcast: message }),
      ])
      return { id: message.id, recipients: sentTo.filter((did) => state.view.members.has(did)).length }
    },

    /**
     * Broadcasts of a network: with a cursor, first the stored ones after it, then live ones, with no
     * gap and no repeat at the seam (as SubscribeInbox). Ends when this agent leaves the network.
     */
    async *subscribe(
      networkId: string,
      afterCursor: string,
      signal: AbortSignal,
    ): AsyncGenerator<BroadcastRecord> {
      const state = requireNetwork(networkId)
      requireMember(state)
      const start = afterCursor === '' ? undefined : parseCursor(afterCursor, 'after_cursor')
      const live = eventQueue<BroadcastRecord | null>((push) => {
        const offBroadcast = c.events.on('network.broadcast', (e) => {
          if (e.networkId === state.id) push(e.message)
        })
        const offLeft = c.events.on('network.member_left', (e) => {
          if (e.networkId === state.id && e.member.did === self) push(null)
        })
        return () => {
          offBroadcast()
          offLeft()
        }
      }, signal)
      try {
        let last = start ?? c.store.lastSeqOf(state.id)
        if (start != null) {
          while (!signal.aborted) {
            const page = await c.store.historyPage(state.id, last, REPLAY_PAGE)
            for (const r of page) {
              last = r.seq
              yield r
            }
            if (page.length < REPLAY_PAGE) break
          }
        }
        for await (const next of live) {
          if (next == null) return
          if (next.seq <= last) continue
          last = next.seq
          yield next
        }
      } finally {
        live.close()
      }
    },
  }
}

export type NetworksService = ReturnType<typeof createNetworksService>
