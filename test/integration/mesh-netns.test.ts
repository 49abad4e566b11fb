// Ten daemons, each in its own network namespace on one bridge with no route out, knowing only two
// bootstrap hosts: discovery finds every provider, a network broadcast reaches every member, and the
// mesh recovers from churn (two hosts killed -9, two new ones; the killed ones catch up on restart).
// Needs root and iproute2; skipped with the reason elsewhere. The 100-host runs are `npm run mesh`.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { find, publishCard } from '../harness/cards.ts'
import { waitFor } from '../harness/mesh.ts'
import { type Member, MeshCluster } from '../harness/mesh-cluster.ts'
import { netnsAvailable } from '../harness/netns.ts'

const HOSTS = 10
const ns = netnsAvailable()
const cap = (m: Member) => `ns-cap-${m.index}`

if (!ns.ok) {
  describe('mesh in network namespaces', () => {
    it.skip(`skipped: ${ns.reason}`, () => undefined)
  })
} else {
  describe('mesh in network namespaces', () => {
    let cluster: MeshCluster
    let networkId = ''

    beforeAll(async () => {
      cluster = MeshCluster.create({
        mode: 'netns',
        log: () => undefined,
        startBatch: 10,
        // Quick anti-entropy so a restarted member fetches what it missed within the test.
        env: { MOLTMESH_NETWORKS_SYNC_INTERVAL_MS: '5000' },
      })
      await cluster.grow(HOSTS)
      await Promise.all(cluster.alive.map((m) => publishCard(m.daemon, `ns-${m.index}`, [{ id: cap(m) }])))
    }, 180_000)

    afterEach((ctx) => {
      if (ctx.task.result?.state === 'fail') console.log(cluster.dumpLogs())
    })

    afterAll(async () => {
      const topology = cluster?.topology
      await cluster?.teardown()
      // Nothing of the topology may outlive the test.
      expect(topology?.remaining() ?? []).toEqual([])
    })

    it('every host has its own address and no route out', () => {
      const addresses = cluster.alive.map((m) => m.host!.address)
      expect(new Set(addresses).size).toBe(HOSTS)
      for (const m of cluster.alive) {
        expect(m.daemon.info!.tcpAddress).toContain(`/ip4/${m.host!.address}/tcp/`)
        expect(cluster.topology!.ipIn(m.name, ['route', 'show', 'default']).trim()).toBe('')
      }
    })

    it('finds the provider of a unique capability from every host (through the DHT)', async () => {
      const members = cluster.alive
      let found = 0
      for (const asker of members) {
        // Two targets per asker, the asker disconnected from each first.
        for (const step of [3, 7]) {
          const target = members[(asker.index + step) % members.length]!
          await asker.daemon.client.diag.disconnectPeer({ target: target.daemon.did }).catch(() => undefined)
          const hits = await find(asker.daemon, cap(target), 1, 10_000)
          if (hits[0]?.card?.did === target.daemon.did) found++
          else console.log(`miss: ${asker.name} -> ${target.name}`)
        }
      }
      expect(found).toBe(members.length * 2)
    })

    it('a network broadcast reaches every member', async () => {
      const [admin, ...rest] = cluster.alive
      networkId = (await admin!.daemon.client.ext.createNetwork({ name: 'ns-mesh' })).network!.id
      for (const m of rest) {
        const { invitation } = await admin!.daemon.client.ext.inviteToNetwork({
          networkId,
          did: m.daemon.did,
        })
        await m.daemon.client.ext.joinNetwork({ networkId, invitation })
      }
      for (const m of cluster.alive)
        await waitFor(
          async () => (await m.daemon.client.ext.listNetworkMembers({ networkId })).members.length === HOSTS,
          30_000,
          `${m.name} to see ${HOSTS} members`,
        )
      const abort = new AbortController()
      const got = new Map<string, Set<string>>()
      for (const m of rest)
        void (async () => {
          for await (const { message } of m.daemon.client.ext.subscribeNetwork(
            // From cursor 0 (no broadcast yet): one sent before the stream is live is replayed.
            { networkId, afterCursor: '0' },
            { signal: abort.signal },
          )) {
            const set = got.get(message?.id ?? '') ?? new Set()
            set.add(m.name)
            got.set(message?.id ?? '', set)
          }
        })().catch(() => undefined)
      const { id } = await admin!.daemon.client.ext.broadcastNetwork({
        networkId,
        payload: Buffer.from('to everyone'),
      })
      try {
        await waitFor(() => got.get(id)?.size === rest.length, 20_000, 'the broadcast at every member')
      } finally {
        abort.abort()
      }
    })

    it('recovers from churn: new hosts found, dead ones never connected, restarted ones catch up', async () => {
      const victims = cluster.alive.filter((m) => m.index === 4 || m.index === 8)
      for (const v of victims) await cluster.kill(v)
      const sender = cluster.alive[1]!
      const missed: string[] = []
      for (let i = 0; i < 3; i++)
        missed.push(
          (
            await sender.daemon.client.ext.broadcastNetwork({
              networkId,
              payload: Buffer.from(`missed ${i}`),
            })
          ).id,
        )

      const added = await cluster.grow(2)
      await Promise.all(added.map((m) => publishCard(m.daemon, `ns-${m.index}`, [{ id: cap(m) }])))
      const askers = cluster.alive.filter((m) => !added.includes(m)).slice(0, 4)
      for (const target of added)
        for (const asker of askers)
          await waitFor(
            async () => (await find(asker.daemon, cap(target), 1, 5_000))[0]?.card?.did === target.daemon.did,
            60_000,
            `${asker.name} to find new host ${target.name}`,
          )
      for (const dead of victims) {
        const hits = await find(askers[0]!.daemon, cap(dead), 1, 3_000)
        expect(hits.filter((h) => h.connected)).toEqual([])
      }

      for (const v of victims) await cluster.restart(v)
      for (const v of victims) {
        const ids = await waitFor(
          async () => {
            const seen: string[] = []
            const abort = new AbortController()
            const t = setTimeout(() => abort.abort(), 1_500)
            try {
              for await (const { message } of v.daemon.client.ext.subscribeNetwork(
                { networkId, afterCursor: '0' },
                { signal: abort.signal },
              ))
                seen.push(message?.id ?? '')
            } catch {
              // the window ended
            } finally {
              clearTimeout(t)
            }
            return missed.every((id) => seen.includes(id)) ? seen : undefined
          },
          60_000,
          `${v.name} to catch up`,
        )
        // Exactly once each.
        for (const id of missed) expect(ids.filter((x) => x === id)).toHaveLength(1)
      }
    }, 240_000)
  })
}
