// Live traffic of the networks this agent is in: GossipSub on "/moltmesh/net/1/<id>" carries
// broadcasts and membership operations. Each message is checked by a topic validator before
// GossipSub delivers or forwards it; an accepted broadcast is then stored in the network's history.

import type { SignedMessage, TopicValidatorFn } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { reasonOf } from '../errors/moltmesh-error.ts'
import { tryDidFromPeerId } from '../identity/did.ts'
import type { Logger } from '../log/logger.ts'
import type { Counter } from '../metrics/metrics.ts'
import type { TopicRouter } from '../pubsub/topic-router.ts'
import { RESERVED_TOPIC_PREFIX } from '../pubsub/topics.ts'
import { type NetworkBroadcast, NetworkGossip } from '../wire/gen/moltmesh/wire/v1/networks.ts'
import type { Broadcasts } from './broadcasts.ts'
import { opHashOf, parseOp } from './records.ts'
import type { NetState, Registry } from './registry.ts'

export const NETWORK_TOPIC_PREFIX = `${RESERVED_TOPIC_PREFIX}net/1/`
export const networkTopic = (id: string): string => `${NETWORK_TOPIC_PREFIX}${id}`

export interface NetworkGossipComponents {
  router: TopicRouter
  registry: Pick<Registry, 'persist' | 'apply'>
  broadcasts: Pick<Broadcasts, 'check' | 'refused' | 'store'>
  logger: Logger
  hostile: Counter
}

export function createNetworkGossip(c: NetworkGossipComponents) {
  /** Leave functions of the network topics this daemon is on (the networks it is a member of). */
  const topics = new Map<string, () => void>()
  /** Broadcasts accepted by the validator, for the message handler (GossipSub passes the same object). */
  const accepted = new WeakMap<SignedMessage, NetworkBroadcast>()

  function reject(state: NetState, reason: string, peer: string): TopicValidatorResult {
    c.hostile.inc({ protocol: 'net', reason })
    c.logger.warn({ network: state.id, peer, reason }, 'rejected network gossip')
    return TopicValidatorResult.Reject
  }

  function validatorFor(state: NetState): TopicValidatorFn {
    return async (peer, msg) => {
      const author = msg.type === 'signed' ? tryDidFromPeerId(msg.from) : undefined
      if (msg.type !== 'signed' || author == null) return reject(state, 'NOT_ED25519', peer.toString())
      let gossip: NetworkGossip
      try {
        gossip = NetworkGossip.decode(msg.data)
      } catch {
        return reject(state, 'MALFORMED', author)
      }
      if (gossip.op != null) {
        if (state.ops.has(opHashOf(gossip.op))) return TopicValidatorResult.Ignore
        try {
          const entry = await parseOp(gossip.op, state.descriptor, state.id)
          if (entry.op.actor !== author) return reject(state, 'SENDER_MISMATCH', author)
          // Applied now, so a broadcast right behind a join already sees the new member.
          void c.registry.persist(state, c.registry.apply(state, [entry]))
          return TopicValidatorResult.Accept
        } catch (err) {
          const reason = reasonOf(err) ?? 'INTERNAL'
          return reason === 'FROM_THE_FUTURE' ? TopicValidatorResult.Ignore : reject(state, reason, author)
        }
      }
      if (gossip.broadcast != null) {
        const verdict = await c.broadcasts.check(state, gossip.broadcast, author, 'live')
        if (verdict === 'OK') {
          accepted.set(msg, gossip.broadcast)
          return TopicValidatorResult.Accept
        }
        c.broadcasts.refused(state, verdict, author, gossip.broadcast.id)
        // A sender that is not a member may be one whose join has not reached us yet: no penalty for
        // whoever forwarded it; the history sync fetches it later if it was legitimate.
        return verdict === 'DUPLICATE' || verdict === 'TOO_OLD' || verdict === 'NOT_A_MEMBER'
          ? TopicValidatorResult.Ignore
          : TopicValidatorResult.Reject
      }
      return reject(state, 'MALFORMED', author)
    }
  }

  function leave(id: string): void {
    topics.get(id)?.()
    topics.delete(id)
  }

  return {
    /** Subscribes to a network's topic (once), with its validator. */
    join(state: NetState): void {
      if (topics.has(state.id)) return
      const handler = (msg: SignedMessage) => {
        const b = accepted.get(msg)
        if (b != null)
          c.broadcasts
            .store(state, b)
            .catch((err: unknown) => c.logger.warn({ network: state.id, err }, 'could not store a broadcast'))
      }
      topics.set(state.id, c.router.join(networkTopic(state.id), handler, validatorFor(state)))
    },

    leave,

    leaveAll(): void {
      for (const id of [...topics.keys()]) leave(id)
    },

    /** Publishes on a network's topic; returns the DIDs it reached directly. */
    async publish(state: NetState, message: NetworkGossip): Promise<string[]> {
      const result = await c.router.publish(networkTopic(state.id), NetworkGossip.encode(message).finish())
      return result.recipients.map((p) => tryDidFromPeerId(p)).filter((d): d is string => d != null)
    },
  }
}

export type NetworkGossipChannel = ReturnType<typeof createNetworkGossip>
