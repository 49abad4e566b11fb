// The networks this daemon knows, in memory: descriptor, operation set and the member view derived
// from it. Operations are merged here (verified elsewhere or here), persisted, and every change of the
// member set is announced on the event bus (`network.member_joined` / `network.member_left`). A change
// of the local agent's own membership is reported to `onSelfChange` (join or leave the topic).

import { createKeyedLock } from '../common/keyed-lock.ts'
import { reasonOf } from '../errors/moltmesh-error.ts'
import type { EventBus } from '../events/event-bus.ts'
import type { Logger } from '../log/logger.ts'
import type { Counter } from '../metrics/metrics.ts'
import type { StoreOp } from '../store/store.ts'
import { deriveMembership, diffMembers, type MembershipView } from './membership.ts'
import type { NetworkStore } from './network-store.ts'
import {
  type MemberInfo,
  type OpEntry,
  opHashOf,
  parseDescriptor,
  parseOp,
  type SignedDescriptor,
} from './records.ts'

export interface NetState {
  id: string
  descriptor: SignedDescriptor
  descriptorText: string
  ops: Map<string, OpEntry>
  view: MembershipView
  /** When this daemon first stored the network. */
  knownSinceMs: number
}

export interface RegistryComponents {
  store: NetworkStore
  events: EventBus
  logger: Logger
  hostile: Counter
  selfDid: string
  onSelfChange: (state: NetState, member: boolean) => void
}

/** Operations kept per network; a network with more refuses further ones (LOG_FULL). */
export const MAX_OPS_PER_NETWORK = 10_000

export function createRegistry(c: RegistryComponents) {
  const states = new Map<string, NetState>()

  /** Runs `fn` after every earlier call for the same network has finished. */
  const lock = createKeyedLock()

  /**
   * Adds verified operations to the in-memory set and re-derives the members (synchronously, so a
   * broadcast validated right after a join sees the new member). Returns the operations that were new.
   */
  function apply(state: NetState, entries: OpEntry[]): OpEntry[] {
    const fresh: OpEntry[] = []
    for (const e of entries) {
      if (state.ops.has(e.hash)) continue
      if (state.ops.size >= MAX_OPS_PER_NETWORK) {
        c.hostile.inc({ protocol: 'net', reason: 'LOG_FULL' })
        c.logger.warn({ network: state.id }, 'membership log is full: operation dropped')
        break
      }
      state.ops.set(e.hash, e)
      fresh.push(e)
    }
    if (fresh.length === 0) return fresh
    const before = state.view
    state.view = deriveMembership(state.descriptor, state.ops.values())
    const { joined, left } = diffMembers(before, state.view)
    for (const member of joined) c.events.emit('network.member_joined', { networkId: state.id, member })
    for (const member of left) c.events.emit('network.member_left', { networkId: state.id, member })
    const wasMember = before.members.has(c.selfDid)
    const isMember = state.view.members.has(c.selfDid)
    if (wasMember !== isMember) c.onSelfChange(state, isMember)
    return fresh
  }

  /** Persists operations already applied in memory (remote ones: lost ones come back by sync). */
  function persist(state: NetState, entries: OpEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve()
    return lock(state.id, () => c.store.commit(c.store.opOps(state.id, entries))).catch((err: unknown) =>
      c.logger.warn({ network: state.id, err }, 'could not persist membership operations'),
    )
  }

  return {
    lock,
    apply,
    persist,
    get: (id: string): NetState | undefined => states.get(id),
    list: (): NetState[] => [...states.values()],
    isMember: (id: string, did: string): boolean => states.get(id)?.view.members.has(did) === true,

    /** Loads every stored network, re-verifying descriptors and operations. */
    async load(): Promise<void> {
      for (const { id, text } of await c.store.descriptors()) {
        let descriptor: SignedDescriptor
        try {
          descriptor = await parseDescriptor(text, id)
        } catch (err) {
          c.logger.error({ network: id, err: (err as Error).message }, 'stored network descriptor is invalid')
          continue
        }
        const ops = new Map<string, OpEntry>()
        for (const json of await c.store.ops(id)) {
          try {
            // Stored operations were valid when stored; only their signature and shape are re-checked.
            const entry = await parseOp(json, descriptor, id, Number.MAX_SAFE_INTEGER)
            ops.set(entry.hash, entry)
          } catch (err) {
            c.logger.warn(
              { network: id, err: (err as Error).message },
              'dropping an invalid stored operation',
            )
          }
        }
        states.set(id, {
          id,
          descriptor,
          descriptorText: text,
          ops,
          view: deriveMembership(descriptor, ops.values()),
          knownSinceMs: descriptor.created_at_ms,
        })
      }
    },

    /**
     * Stores a network this daemon did not know (a verified descriptor) together with `entries` and any
     * `extra` writes, in one batch; then applies the operations.
     */
    async add(
      id: string,
      descriptor: SignedDescriptor,
      text: string,
      entries: OpEntry[],
      extra: StoreOp[] = [],
    ): Promise<NetState> {
      return lock(id, async () => {
        const existing = states.get(id)
        if (existing != null) {
          await c.store.commit([
            ...c.store.opOps(
              id,
              entries.filter((e) => !existing.ops.has(e.hash)),
            ),
            ...extra,
          ])
          apply(existing, entries)
          return existing
        }
        await c.store.commit([c.store.descriptorOp(id, text), ...c.store.opOps(id, entries), ...extra])
        const state: NetState = {
          id,
          descriptor,
          descriptorText: text,
          ops: new Map(),
          view: deriveMembership(descriptor, []),
          knownSinceMs: Date.now(),
        }
        states.set(id, state)
        if (state.view.members.has(c.selfDid)) c.onSelfChange(state, true)
        apply(state, entries)
        return state
      })
    },

    /** Commits a local operation (with `extra` writes) before applying it: acknowledged = durable. */
    async commitLocal(state: NetState, entry: OpEntry, extra: StoreOp[] = []): Promise<void> {
      await lock(state.id, () => c.store.commit([...c.store.opOps(state.id, [entry]), ...extra]))
      apply(state, [entry])
    },

    /** Verifies operation texts from a peer and merges the valid ones; returns how many were new. */
    async merge(id: string, texts: string[], source: string): Promise<number> {
      const state = states.get(id)
      if (state == null) return 0
      const entries: OpEntry[] = []
      for (const text of texts) {
        if (state.ops.has(opHashOf(text))) continue
        try {
          entries.push(await parseOp(text, state.descriptor, id))
        } catch (err) {
          const reason = reasonOf(err) ?? 'INTERNAL'
          if (reason === 'FROM_THE_FUTURE') continue // offered again by a later sync
          c.hostile.inc({ protocol: 'net', reason })
          c.logger.warn({ network: id, peer: source, reason }, 'rejected a membership operation')
        }
      }
      const fresh = apply(state, entries)
      await persist(state, fresh)
      return fresh.length
    },

    members(id: string): MemberInfo[] {
      const state = states.get(id)
      if (state == null) return []
      return [...state.view.members.values()].sort(
        (a, b) => a.joinedAtMs - b.joinedAtMs || (a.did < b.did ? -1 : 1),
      )
    },
  }
}

export type Registry = ReturnType<typeof createRegistry>
