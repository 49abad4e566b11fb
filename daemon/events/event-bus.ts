// The daemon's one typed event bus. gRPC WatchEvents, SDK streams and webhooks all subscribe here, so
// every consumer sees the same events in the same order.

import { EventEmitter } from 'node:events'
import type { InboxRecord, OutboxRecord } from '../messaging/records.ts'
import type { BroadcastRecord, MemberInfo } from '../networks/records.ts'
import type { TopicMessageRecord } from '../pubsub/records.ts'
import type { Entry } from '../raft/types.ts'
import type { TaskRecord } from '../tasks/records.ts'
import type { Receipt, Settlement } from '../wire/gen/moltmesh/wire/v1/ledger.ts'

/** Event payloads by type. Subsystems add their events here as they land. */
export interface DaemonEvents {
  'peer.connected': { peerId: string; did: string | undefined; address: string | undefined }
  'peer.disconnected': { peerId: string; did: string | undefined }
  'daemon.stopping': Record<string, never>
  /** A message was persisted in the inbox (once per message, never for duplicates). */
  'message.received': { message: InboxRecord }
  /** A sent message reached the recipient's inbox. */
  'message.delivered': { message: OutboxRecord }
  /** A sent message ran out of TTL, or the recipient refused it for good. */
  'message.expired': { message: OutboxRecord }
  'message.failed': { message: OutboxRecord }
  /** A task was created on this daemon (either role). */
  'task.created': { task: TaskRecord }
  /** A task changed state (also emitted before each terminal event below). */
  'task.updated': { task: TaskRecord }
  'task.completed': { task: TaskRecord }
  'task.failed': { task: TaskRecord }
  'task.canceled': { task: TaskRecord }
  'task.rejected': { task: TaskRecord }
  /** A message on a topic this daemon is subscribed to (from a peer, or published here). */
  'topic.message': { message: TopicMessageRecord }
  /** A broadcast was stored in a network's history (received live, fetched, or sent here). */
  'network.broadcast': { networkId: string; message: BroadcastRecord }
  /** The replicated member set of a network gained a member. */
  'network.member_joined': { networkId: string; member: MemberInfo }
  /** A member left or was removed. */
  'network.member_left': { networkId: string; member: MemberInfo }
  /** A receipt was countersigned (balances moved on both sides). */
  'ledger.receipt': { receipt: Receipt }
  /** A settlement was proposed to us, or one of ours / to us was accepted. */
  'ledger.settlement': { settlement: Settlement }
  /** An entry of an ordered thread (data or membership change) committed while this daemon runs. */
  'thread.entry.committed': { threadId: string; entry: Entry }
}

export type DaemonEventType = keyof DaemonEvents

export interface BusEvent<T extends DaemonEventType = DaemonEventType> {
  type: T
  data: DaemonEvents[T]
  at: number
}

export interface EventBus {
  emit<T extends DaemonEventType>(type: T, data: DaemonEvents[T]): void
  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: (event: BusEvent) => void): () => void
  on<T extends DaemonEventType>(type: T, listener: (data: DaemonEvents[T]) => void): () => void
}

export function createEventBus(): EventBus {
  const emitter = new EventEmitter()
  // Many concurrent gRPC watchers are normal; no leak warning for them.
  emitter.setMaxListeners(0)
  return {
    emit(type, data) {
      emitter.emit(type, data)
      emitter.emit('*', { type, data, at: Date.now() } satisfies BusEvent)
    },
    subscribe(listener) {
      emitter.on('*', listener)
      return () => emitter.off('*', listener)
    },
    on(type, listener) {
      const fn = listener as (data: unknown) => void
      emitter.on(type, fn)
      return () => emitter.off(type, fn)
    },
  }
}
