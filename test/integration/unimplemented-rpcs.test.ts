// Every RPC of the public API that no subsystem implements yet answers UNIMPLEMENTED with reason
// NOT_IMPLEMENTED — and the daemon keeps serving. The table is built from the service definitions, so
// a new RPC is covered automatically; IMPLEMENTED lists what must NOT answer UNIMPLEMENTED.
import { status } from '@grpc/grpc-js'
import { beforeAll, describe, expect, it } from 'vitest'
import { A2ANodeService } from '../../clients/ts/gen/moltmesh/v1/a2a.ts'
import { DiagService } from '../../clients/ts/gen/moltmesh/v1/diag.ts'
import { ExtService } from '../../clients/ts/gen/moltmesh/v1/ext.ts'
import { MoltmeshError } from '../../clients/ts/index.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh } from '../harness/mesh.ts'

const IMPLEMENTED = new Set([
  'A2ANode.getIdentity',
  'A2ANode.convertId',
  'A2ANode.sendMessage',
  'A2ANode.getInbox',
  'A2ANode.getMessage',
  'A2ANode.ackMessage',
  'A2ANode.markRead',
  'A2ANode.getOutbox',
  'A2ANode.subscribeInbox',
  'A2ANode.listThreads',
  'A2ANode.getThread',
  'A2ANode.publishAgentCard',
  'A2ANode.getAgentCard',
  'A2ANode.findAgents',
  'A2ANode.listDemand',
  'A2ANode.claimName',
  'A2ANode.resolveName',
  'A2ANode.releaseName',
  'A2ANode.listNames',
  'A2ANode.createTask',
  'A2ANode.getBalance',
  'A2ANode.listBalances',
  'A2ANode.listLedgerEntries',
  'A2ANode.getReceipt',
  'A2ANode.listReceipts',
  'A2ANode.setCreditLimit',
  'A2ANode.settleBalance',
  'A2ANode.respondSettlement',
  'A2ANode.listSettlements',
  'A2ANode.verifyLedger',
  'A2ANode.getTask',
  'A2ANode.listTasks',
  'A2ANode.cancelTask',
  'A2ANode.waitTask',
  'A2ANode.sendTaskInput',
  'A2ANode.subscribeTaskEvents',
  'A2ANode.subscribeTasks',
  'A2ANode.claimTask',
  'A2ANode.renewLease',
  'A2ANode.updateTask',
  'A2ANode.publishTaskEvent',
  'A2ANode.completeTask',
  'A2ANode.failTask',
  'A2ANode.rejectTask',
  'A2ANode.putBlob',
  'A2ANode.getBlob',
  'A2ANode.statBlob',
  'A2ANode.collectBlobs',
  'Diag.health',
  'Diag.getInfo',
  'Diag.listPeers',
  'Diag.ping',
  'Diag.connectPeer',
  'Diag.disconnectPeer',
  'Diag.getMetrics',
  'Diag.shutdown',
  'Ext.watchEvents',
  'Ext.publish',
  'Ext.subscribeTopic',
  'Ext.listTopics',
  'Ext.createNetwork',
  'Ext.inviteToNetwork',
  'Ext.listInvitations',
  'Ext.joinNetwork',
  'Ext.leaveNetwork',
  'Ext.removeMember',
  'Ext.listNetworks',
  'Ext.listNetworkMembers',
  'Ext.broadcastNetwork',
  'Ext.subscribeNetwork',
  'Ext.createWebhook',
  'Ext.listWebhooks',
  'Ext.deleteWebhook',
  'Ext.listWebhookDeliveries',
  'Ext.redeliverWebhook',
  'Ext.testWebhook',
])

const services = { A2ANode: A2ANodeService, Diag: DiagService, Ext: ExtService }
const table = Object.entries(services).flatMap(([service, def]) =>
  Object.entries(def).map(([method, m]) => ({
    service,
    method,
    key: `${service}.${method}`,
    requestStream: m.requestStream,
    responseStream: m.responseStream,
  })),
)
const unimplemented = table.filter((row) => !IMPLEMENTED.has(row.key))

async function call(d: DaemonProcess, row: (typeof table)[number]): Promise<unknown> {
  const group = { A2ANode: d.client.a2a, Diag: d.client.diag, Ext: d.client.ext }[row.service] as Record<
    string,
    (...args: unknown[]) => unknown
  >
  const fn = group[row.method]!
  if (row.requestStream) return fn([])
  if (row.responseStream) {
    for await (const _ of fn({}) as AsyncIterable<unknown>) {
      // An unimplemented stream ends with the error before yielding anything.
    }
    return undefined
  }
  return fn({})
}

describe('unimplemented RPCs', () => {
  const mesh = useMesh()
  let d: DaemonProcess
  beforeAll(async () => {
    d = await mesh.spawn('unimpl')
  })

  it('the table covers the whole API', () => {
    expect(table.length).toBeGreaterThan(60)
    for (const key of IMPLEMENTED)
      expect(
        table.some((r) => r.key === key),
        key,
      ).toBe(true)
  })

  it.each(unimplemented.map((r) => [r.key, r] as const))(
    '%s answers UNIMPLEMENTED / NOT_IMPLEMENTED',
    async (_key, row) => {
      const err = await call(d, row).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(MoltmeshError)
      expect((err as MoltmeshError).code).toBe(status.UNIMPLEMENTED)
      expect((err as MoltmeshError).reason).toBe('NOT_IMPLEMENTED')
    },
  )

  it('the daemon is still healthy after all of them', async () => {
    expect((await d.client.diag.health({})).ok).toBe(true)
  })
})
