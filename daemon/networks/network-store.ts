// Persistent state of networks. Keys (sublevel "networks"):
//   d!<net>               descriptor text (networks this agent created, joined or left)
//   o!<net>!<hash>        signed membership operation text
//   i!<net>               a received invitation: { descriptor, invitation, receivedAtMs }
//   s!<net>!<invitee>     an invitation this agent sent: { invitation, messageId }
//   h!<net>!<seq>         BroadcastRecord, in local arrival order (seq is the resume cursor)
//   x!<net>!<id>          seq, for de-duplication by broadcast id
//   meta!hseq             last assigned history seq
// History is bounded per network by count and age; the oldest entries go first.

import { seqKey } from '../common/ids.ts'
import type { JsonSublevel, Store, StoreOp } from '../store/store.ts'
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

type Value = string | number | ReceivedInvitation | SentInvitation | BroadcastRecord

export interface HistoryLimits {
  maxMessages: number
  maxAgeMs: number
}

export async function openNetworkStore(store: Store, limits: HistoryLimits) {
  const db: JsonSublevel<Value> = store.sublevel<Value>('networks')
  const sublevel = db as unknown as JsonSublevel<never>
  let lastSeq = ((await db.get('meta!hseq')) as number | undefined) ?? 0
  /** Stored broadcasts per network, and the newest committed position per network. */
  const counts = new Map<string, number>()
  const newest = new Map<string, number>()
  for await (const key of db.keys({ gte: 'h!', lt: 'h"' })) {
    const cut = key.lastIndexOf('!')
    const net = key.slice(2, cut)
    counts.set(net, (counts.get(net) ?? 0) + 1)
    newest.set(net, Number(key.slice(cut + 1)))
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
  for await (const key of db.keys({ gte: 'x!', lt: 'x"' })) {
    const cut = key.indexOf('!', 2)
    idsOf(key.slice(2, cut)).add(key.slice(cut + 1))
  }

  const range = (prefix: string) => ({ gt: prefix, lt: `${prefix.slice(0, -1)}"` })

  async function historyPage(net: string, afterSeq: number, limit: number): Promise<BroadcastRecord[]> {
    const out: BroadcastRecord[] = []
    for await (const value of db.values({ gt: `h!${net}!${seqKey(afterSeq)}`, lt: `h!${net}"`, limit }))
      out.push(value as BroadcastRecord)
    return out
  }

  async function deleteHistory(records: BroadcastRecord[]): Promise<void> {
    if (records.length === 0) return
    await db.batch(
      records.flatMap((r) => [
        { type: 'del' as const, key: `h!${r.networkId}!${seqKey(r.seq)}` },
        { type: 'del' as const, key: `x!${r.networkId}!${r.id}` },
      ]),
    )
    for (const r of records) {
      counts.set(r.networkId, Math.max(0, (counts.get(r.networkId) ?? 1) - 1))
      ids.get(r.networkId)?.delete(r.id)
    }
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
      for await (const [key, value] of db.iterator(range('d!')))
        out.push({ id: key.slice(2), text: value as string })
      return out
    },

    async ops(net: string): Promise<string[]> {
      const out: string[] = []
      for await (const value of db.values(range(`o!${net}!`))) out.push(value as string)
      return out
    },

    descriptorOp(net: string, text: string): StoreOp {
      return { type: 'put', key: `d!${net}`, value: text, sublevel }
    },

    opOps(net: string, entries: Array<{ hash: string; json: string }>): StoreOp[] {
      return entries.map((e) => ({ type: 'put', key: `o!${net}!${e.hash}`, value: e.json, sublevel }))
    },

    // ---------------------------------------------------------------- invitations

    async receivedInvitation(net: string): Promise<ReceivedInvitation | undefined> {
      return (await db.get(`i!${net}`)) as ReceivedInvitation | undefined
    },

    async receivedInvitations(): Promise<Array<{ id: string; received: ReceivedInvitation }>> {
      const out: Array<{ id: string; received: ReceivedInvitation }> = []
      for await (const [key, value] of db.iterator(range('i!')))
        out.push({ id: key.slice(2), received: value as ReceivedInvitation })
      return out
    },

    async putReceivedInvitation(net: string, received: ReceivedInvitation): Promise<void> {
      await db.put(`i!${net}`, received)
    },

    dropReceivedInvitationOp(net: string): StoreOp {
      return { type: 'del', key: `i!${net}`, sublevel }
    },

    sentInvitationOp(net: string, invitee: string, sent: SentInvitation): StoreOp {
      return { type: 'put', key: `s!${net}!${invitee}`, value: sent, sublevel }
    },

    commit: (ops: StoreOp[]) => store.commit(ops),

    // ---------------------------------------------------------------- history

    historyCount: (net: string): number => counts.get(net) ?? 0,

    hasBroadcast: (net: string, id: string): boolean => ids.get(net)?.has(id) === true,

    /**
     * Stores a broadcast (the caller checked it is new, and serialises writes per network) and drops what
     * no longer fits.
     */
    async addBroadcast(record: Omit<BroadcastRecord, 'seq'>): Promise<BroadcastRecord> {
      const seq = ++lastSeq
      const full: BroadcastRecord = { ...record, seq }
      await db.batch([
        { type: 'put', key: `h!${full.networkId}!${seqKey(seq)}`, value: full },
        { type: 'put', key: `x!${full.networkId}!${full.id}`, value: seq },
        { type: 'put', key: 'meta!hseq', value: seq },
      ])
      newest.set(full.networkId, seq)
      idsOf(full.networkId).add(full.id)
      const count = (counts.get(full.networkId) ?? 0) + 1
      counts.set(full.networkId, count)
      if (count > limits.maxMessages)
        await deleteHistory(await historyPage(full.networkId, 0, count - limits.maxMessages))
      return full
    },

    historyPage,

    /** Ids and positions of a network's stored broadcasts (without reading their payloads). */
    async historyIndex(net: string): Promise<Array<{ id: string; seq: number }>> {
      const out: Array<{ id: string; seq: number }> = []
      const prefix = `x!${net}!`
      for await (const [key, seq] of db.iterator(range(prefix)))
        out.push({ id: key.slice(prefix.length), seq: seq as number })
      return out
    },

    async historyAt(net: string, seqs: number[]): Promise<BroadcastRecord[]> {
      const values = await db.getMany(seqs.map((seq) => `h!${net}!${seqKey(seq)}`))
      return values.filter((v): v is BroadcastRecord => v != null && typeof v === 'object')
    },

    /** Drops broadcasts older than the age limit (by their send time); returns how many. */
    async pruneByAge(now = Date.now()): Promise<number> {
      const cutoff = now - limits.maxAgeMs
      const old: BroadcastRecord[] = []
      for await (const value of db.values(range('h!'))) {
        const r = value as BroadcastRecord
        if (r.sentAtMs < cutoff) old.push(r)
      }
      await deleteHistory(old)
      return old.length
    },
  }
}

export type NetworkStore = Awaited<ReturnType<typeof openNetworkStore>>
