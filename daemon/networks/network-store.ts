// Persistent state of networks. Buckets (store/buckets.ts), all in the sublevel "networks":
//   networks.descriptors            <net> -> descriptor text (networks this agent created, joined or left)
//   networks.ops                    <net>!<hash> -> signed membership operation text
//   networks.received-invitations   <net> -> { descriptor, invitation, receivedAtMs }
//   networks.sent-invitations       <net>!<invitee> -> { invitation, messageId }
//   networks.history                <net>!<seq> -> BroadcastRecord, in local arrival order (seq is the
//                                   resume cursor)
//   networks.history-ids            <net>!<id> -> seq, for de-duplication by broadcast id
//   networks.last-seq               last assigned history seq
// History is bounded per network by count and age; the oldest entries go first.

import { json, pair, seq, single, text, unit } from '../store/codecs.ts'
import { num, object, str } from '../store/shape.ts'
import type { Store, StoreOp } from '../store/store.ts'
import { broadcastRecordShape, signedInvitationShape } from './record-shapes.ts'
import type { BroadcastRecord, SignedInvitation } from './records.ts'

export interface ReceivedInvitation {
  descriptor: string
  invitation: SignedInvitation
  receivedAtMs: number
}

export interface SentInvitation {
  invitation: SignedInvitation
  messageId: string
}

const receivedShape = object<ReceivedInvitation>({
  descriptor: str,
  invitation: signedInvitationShape,
  receivedAtMs: num,
})
const sentShape = object<SentInvitation>({ invitation: signedInvitationShape, messageId: str })

export interface HistoryLimits {
  maxMessages: number
  maxAgeMs: number
}

export async function openNetworkStore(store: Store, limits: HistoryLimits) {
  const descriptors = store.repository('networks.descriptors', single(text), json(str))
  const ops = store.repository('networks.ops', pair(text, text), json(str))
  const received = store.repository('networks.received-invitations', single(text), json(receivedShape))
  const sent = store.repository('networks.sent-invitations', pair(text, text), json(sentShape))
  const history = store.repository('networks.history', pair(text, seq), json(broadcastRecordShape))
  const historyIds = store.repository('networks.history-ids', pair(text, text), json(num))
  const counter = store.repository('networks.last-seq', unit, json(num))
  let lastSeq = (await counter.get(null)) ?? 0
  /** Stored broadcasts per network, and the newest committed position per network. */
  const counts = new Map<string, number>()
  const newest = new Map<string, number>()
  for await (const [net, at] of history.keys()) {
    counts.set(net, (counts.get(net) ?? 0) + 1)
    newest.set(net, at)
  }
  /** Ids of the stored broadcasts per network (bounded by the history limits), for de-duplication. */
  const ids = new Map<string, Set<string>>()
  const idsOf = (net: string): Set<string> => {
    let set = ids.get(net)
    if (set == null) {
      set = new Set()
      ids.set(net, set)
    }
    return set
  }
  for await (const [net, id] of historyIds.keys()) idsOf(net).add(id)

  async function historyPage(net: string, afterSeq: number, limit: number): Promise<BroadcastRecord[]> {
    const out: BroadcastRecord[] = []
    for await (const r of history.values({ group: net, gt: [net, afterSeq], limit })) out.push(r)
    return out
  }

  async function deleteHistory(records: BroadcastRecord[]): Promise<void> {
    if (records.length === 0) return
    await store.commit(
      records.flatMap((r) => [history.delOp([r.networkId, r.seq]), historyIds.delOp([r.networkId, r.id])]),
    )
    for (const r of records) {
      counts.set(r.networkId, Math.max(0, (counts.get(r.networkId) ?? 1) - 1))
      ids.get(r.networkId)?.delete(r.id)
    }
  }

  /**
   * Stores broadcasts of one or more networks in one write (the caller checked they are new, and
   * serialises writes per network) and drops what no longer fits. Positions follow the array order.
   */
  async function addBroadcasts(records: Array<Omit<BroadcastRecord, 'seq'>>): Promise<BroadcastRecord[]> {
    if (records.length === 0) return []
    const full = records.map((record): BroadcastRecord => ({ ...record, seq: ++lastSeq }))
    await store.commit([
      ...full.flatMap((r) => [
        history.putOp([r.networkId, r.seq], r),
        historyIds.putOp([r.networkId, r.id], r.seq),
      ]),
      counter.putOp(null, lastSeq),
    ])
    for (const r of full) {
      newest.set(r.networkId, r.seq)
      idsOf(r.networkId).add(r.id)
      counts.set(r.networkId, (counts.get(r.networkId) ?? 0) + 1)
    }
    for (const net of new Set(full.map((r) => r.networkId))) {
      const count = counts.get(net) ?? 0
      if (count > limits.maxMessages)
        await deleteHistory(await historyPage(net, 0, count - limits.maxMessages))
    }
    return full
  }

  return {
    /**
     * The newest history position of a network whose write has completed. A live stream starts after
     * it: a broadcast still being written has a higher position and arrives as an event.
     */
    lastSeqOf: (net: string): number => newest.get(net) ?? 0,

    // ---------------------------------------------------------------- descriptors and operations

    async descriptors(): Promise<Array<{ id: string; text: string }>> {
      const out: Array<{ id: string; text: string }> = []
      for await (const [id, text] of descriptors.entries()) out.push({ id, text })
      return out
    },

    async ops(net: string): Promise<string[]> {
      const out: string[] = []
      for await (const value of ops.values({ group: net })) out.push(value)
      return out
    },

    descriptorOp(net: string, text: string): StoreOp {
      return descriptors.putOp(net, text)
    },

    opOps(net: string, entries: Array<{ hash: string; json: string }>): StoreOp[] {
      return entries.map((e) => ops.putOp([net, e.hash], e.json))
    },

    // ---------------------------------------------------------------- invitations

    async receivedInvitation(net: string): Promise<ReceivedInvitation | undefined> {
      return received.get(net)
    },

    async receivedInvitations(): Promise<Array<{ id: string; received: ReceivedInvitation }>> {
      const out: Array<{ id: string; received: ReceivedInvitation }> = []
      for await (const [id, value] of received.entries()) out.push({ id, received: value })
      return out
    },

    async putReceivedInvitation(net: string, invitation: ReceivedInvitation): Promise<void> {
      await received.put(net, invitation)
    },

    dropReceivedInvitationOp(net: string): StoreOp {
      return received.delOp(net)
    },

    sentInvitationOp(net: string, invitee: string, invitation: SentInvitation): StoreOp {
      return sent.putOp([net, invitee], invitation)
    },

    commit: (ops: StoreOp[]) => store.commit(ops),

    // ---------------------------------------------------------------- history

    historyCount: (net: string): number => counts.get(net) ?? 0,

    hasBroadcast: (net: string, id: string): boolean => ids.get(net)?.has(id) === true,

    addBroadcasts,

    /** One broadcast: addBroadcasts of one. */
    async addBroadcast(record: Omit<BroadcastRecord, 'seq'>): Promise<BroadcastRecord> {
      return (await addBroadcasts([record]))[0] as BroadcastRecord
    },

    historyPage,

    /** Ids and positions of a network's stored broadcasts (without reading their payloads). */
    async historyIndex(net: string): Promise<Array<{ id: string; seq: number }>> {
      const out: Array<{ id: string; seq: number }> = []
      for await (const [[, id], at] of historyIds.entries({ group: net })) out.push({ id, seq: at })
      return out
    },

    async historyAt(net: string, seqs: number[]): Promise<BroadcastRecord[]> {
      const values = await history.getMany(seqs.map((at): [string, number] => [net, at]))
      return values.filter((v) => v != null)
    },

    /** Drops broadcasts older than the age limit (by their send time); returns how many. */
    async pruneByAge(now = Date.now()): Promise<number> {
      const cutoff = now - limits.maxAgeMs
      const old: BroadcastRecord[] = []
      for await (const r of history.values()) if (r.sentAtMs < cutoff) old.push(r)
      await deleteHistory(old)
      return old.length
    },
  }
}

export type NetworkStore = Awaited<ReturnType<typeof openNetworkStore>>
