// A named network with every live member, and SubscribeNetwork streams that record arrivals.
import type { Member, MeshCluster } from '../../test/harness/mesh-cluster.ts'
import { pool, sleep } from './common.ts'

export interface MeshNetwork {
  id: string
  admin: Member
  members: Set<Member>
}

let current: MeshNetwork | undefined

/** Creates the network once (admin = first live member) and joins every live member not in it. */
export async function ensureNetwork(cluster: MeshCluster, log: (l: string) => void): Promise<MeshNetwork> {
  const live = cluster.alive
  if (current == null) {
    const admin = live[0]!
    const { network } = await admin.daemon.client.ext.createNetwork({ name: 'mesh' })
    current = { id: network!.id, admin, members: new Set([admin]) }
  }
  const net = current
  const joining = live.filter((m) => !net.members.has(m))
  await pool(joining, 8, async (m) => {
    const { invitation } = await net.admin.daemon.client.ext.inviteToNetwork({
      networkId: net.id,
      did: m.daemon.did,
    })
    await m.daemon.client.ext.joinNetwork({ networkId: net.id, invitation })
    net.members.add(m)
  })
  // Membership is replicated: wait until every member sees every member (or 90 s).
  const deadline = Date.now() + 90_000
  const want = net.members.size
  for (const m of live) {
    while ((await m.daemon.client.ext.listNetworkMembers({ networkId: net.id })).members.length < want) {
      if (Date.now() > deadline) {
        log(`network: ${m.name} still sees fewer than ${want} members`)
        break
      }
      await sleep(200)
    }
  }
  return net
}

/** Arrival times of broadcast ids at each member, from live SubscribeNetwork streams. */
export class Arrivals {
  readonly at = new Map<string, Map<string, number>>()
  private readonly abort = new AbortController()

  constructor(networkId: string, members: Member[]) {
    for (const m of members) {
      void (async () => {
        for await (const { message } of m.daemon.client.ext.subscribeNetwork(
          { networkId, afterCursor: '' },
          { signal: this.abort.signal },
        )) {
          const id = message?.id ?? ''
          const byMember = this.at.get(id) ?? new Map<string, number>()
          this.at.set(id, byMember)
          if (!byMember.has(m.name)) byMember.set(m.name, performance.now())
        }
      })().catch(() => undefined)
    }
  }

  close(): void {
    this.abort.abort()
  }
}
