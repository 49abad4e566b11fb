// The bounded broadcast history of a network: de-duplication keys, the count limit (oldest out
// first), the age limit, per-network positions, and all of it after reopening the database.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openNetworkStore } from '../../../daemon/networks/network-store.ts'
import { openStore } from '../../../daemon/store/store.ts'

const NET_A = `net_${'a'.repeat(52)}`
const NET_B = `net_${'b'.repeat(52)}`

function broadcast(networkId: string, id: string, sentAtMs: number) {
  return {
    id,
    networkId,
    from: 'did:key:z6Mk',
    sentAtMs,
    receivedAtMs: sentAtMs,
    payload: 'eA==',
    signature: '',
  }
}

describe('network store history', () => {
  it('keeps the newest broadcasts per network within the count and age limits, across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-netstore-'))
    const now = Date.now()
    let store = await openStore(dir)
    let net = await openNetworkStore(store, { maxMessages: 3, maxAgeMs: 60_000 })
    for (let i = 1; i <= 5; i++) await net.addBroadcast(broadcast(NET_A, `a${i}`, now - 1000 + i))
    const other = await net.addBroadcast(broadcast(NET_B, 'b1', now - 120_000))
    expect(net.historyCount(NET_A)).toBe(3)
    expect((await net.historyPage(NET_A, 0, 10)).map((r) => r.id)).toEqual(['a3', 'a4', 'a5'])
    expect(net.hasBroadcast(NET_A, 'a1')).toBe(false)
    expect(net.hasBroadcast(NET_A, 'a5')).toBe(true)
    expect(net.lastSeqOf(NET_A)).toBe(5)
    expect(net.lastSeqOf(NET_B)).toBe(other.seq)
    expect((await net.historyIndex(NET_A)).map((e) => e.id).sort()).toEqual(['a3', 'a4', 'a5'])
    await store.close()

    store = await openStore(dir)
    net = await openNetworkStore(store, { maxMessages: 3, maxAgeMs: 60_000 })
    expect(net.historyCount(NET_A)).toBe(3)
    expect(net.lastSeqOf(NET_A)).toBe(5)
    // Positions continue after a restart; B's old broadcast goes with the age limit.
    const next = await net.addBroadcast(broadcast(NET_A, 'a6', now))
    expect(next.seq).toBe(other.seq + 1)
    expect(await net.pruneByAge(now)).toBe(1)
    expect(net.historyCount(NET_B)).toBe(0)
    expect((await net.historyPage(NET_A, 4, 10)).map((r) => r.id)).toEqual(['a5', 'a6'])
    expect((await net.historyAt(NET_A, [5, 99])).map((r) => r.id)).toEqual(['a5'])
    await store.close()
  })
})
