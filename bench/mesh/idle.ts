// idle: nothing asked of the mesh for a while; CPU, wire bytes/s and RSS per daemon (DHT refresh,
// GossipSub heartbeats, card/name republish, connection keep-alive).
import type { MeshCluster } from '../../test/harness/mesh-cluster.ts'
import { resourceDelta, type ScenarioContext, type ScenarioResult, sleep } from './common.ts'

export async function idle(
  cluster: MeshCluster,
  ctx: ScenarioContext & { idleSeconds?: number },
): Promise<ScenarioResult> {
  const seconds = ctx.idleSeconds ?? 60
  await sleep(5_000) // let the previous scenario's work drain
  const before = cluster.sample()
  await sleep(seconds * 1000)
  const after = cluster.sample()
  const resources = resourceDelta(before, after, seconds)
  const cpuTotal = resources.cpuPercentPerDaemon?.total ?? 0
  return {
    scenario: 'idle',
    hosts: after.length,
    mode: cluster.mode,
    idleSeconds: seconds,
    resources,
    coresUsedByAllDaemons: Math.round(cpuTotal) / 100,
    aim: 'most of 2 cores free with 100 idle daemons',
  }
}
