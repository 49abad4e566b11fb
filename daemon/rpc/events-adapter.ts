// Ext.WatchEvents: the daemon event bus as a gRPC stream (the same bus webhooks will subscribe to).

import type { ExtService } from '../../clients/ts/gen/moltmesh/v1/ext.ts'
import { DaemonEvent } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import { newId } from '../common/ids.ts'
import type { BusEvent, EventBus } from '../events/event-bus.ts'
import { eventMatcher } from '../events/event-filter.ts'
import { eventQueue } from '../events/event-queue.ts'
import { entryView } from '../ordered-threads/ordered-threads-service.ts'
import { apiReceipt, apiSettlement, apiThreadEntry } from './convert.ts'
import { inboxMessage, outboxMessage } from './messaging-adapter.ts'
import { broadcastProto, memberProto } from './networks-adapter.ts'
import { topicMessageProto } from './pubsub-adapter.ts'
import type { ServiceHandlers } from './service-types.ts'
import { taskProto } from './tasks-adapter.ts'

/** A bus event as the proto3 JSON of its DaemonEvent: the body of a webhook delivery. */
export function daemonEventJson(e: BusEvent): unknown {
  return DaemonEvent.toJSON(toDaemonEvent(e))
}

export function toDaemonEvent(e: BusEvent): DaemonEvent {
  const base: DaemonEvent = { id: newId('evt', e.at), type: e.type, createdAtMs: e.at, networkId: '' }
  switch (e.type) {
    case 'message.received':
      return { ...base, message: inboxMessage((e as BusEvent<'message.received'>).data.message) }
    case 'message.delivered':
    case 'message.expired':
    case 'message.failed':
      return { ...base, message: outboxMessage((e as BusEvent<'message.delivered'>).data.message) }
    case 'task.created':
    case 'task.updated':
    case 'task.completed':
    case 'task.failed':
    case 'task.canceled':
    case 'task.rejected':
      return { ...base, task: taskProto((e as BusEvent<'task.created'>).data.task) }
    case 'ledger.receipt':
      return { ...base, receipt: apiReceipt((e as BusEvent<'ledger.receipt'>).data.receipt) }
    case 'ledger.settlement':
      return { ...base, settlement: apiSettlement((e as BusEvent<'ledger.settlement'>).data.settlement) }
    case 'thread.entry.committed': {
      const d = (e as BusEvent<'thread.entry.committed'>).data
      return { ...base, threadEntry: apiThreadEntry(d.threadId, entryView(d.entry)) }
    }
    case 'topic.message':
      return { ...base, broadcast: topicMessageProto((e as BusEvent<'topic.message'>).data.message) }
    case 'network.broadcast': {
      const d = (e as BusEvent<'network.broadcast'>).data
      return { ...base, broadcast: broadcastProto(d.message), networkId: d.networkId }
    }
    case 'network.member_joined':
    case 'network.member_left': {
      const d = (e as BusEvent<'network.member_joined'>).data
      return { ...base, member: memberProto(d.member), networkId: d.networkId }
    }
    case 'peer.connected':
    case 'peer.disconnected': {
      const d = (e as BusEvent<'peer.connected'>).data
      return {
        ...base,
        peer: {
          peerId: d.peerId,
          did: d.did ?? '',
          addresses: d.address != null ? [d.address] : [],
          latencyMs: 0,
          transport: '',
          direction: '',
          protocols: [],
          agentVersion: '',
          connectedAtMs: 0,
        },
      }
    }
    default:
      return base
  }
}

export function eventsAdapter(events: EventBus) {
  return {
    async *watchEvents(req, ctx) {
      const matches = eventMatcher(req.types)
      const queue = eventQueue<BusEvent>(
        (push) => events.subscribe((e) => matches(e.type) && push(e)),
        ctx.signal,
      )
      for await (const e of queue) yield { event: toDaemonEvent(e) }
    },
  } satisfies ServiceHandlers<typeof ExtService>
}
