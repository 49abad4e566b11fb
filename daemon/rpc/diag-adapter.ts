// Diag over gRPC: converts requests and domain results to proto messages; no logic of its own.

import type { DiagService as DiagDefinition } from '../../clients/ts/gen/moltmesh/v1/diag.ts'
import type { PeerInfo as PeerInfoMessage } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import type { DiagService, PeerSummary } from '../diag/diag-service.ts'
import type { ServiceHandlers } from './service-types.ts'

export function diagAdapter(diag: DiagService) {
  return {
    health: () => diag.health(),
    getInfo: () => diag.info(),
    listPeers: async (req) => ({ peers: (await diag.listPeers(req.includeDisconnected)).map(toPeerInfo) }),
    ping: (req, ctx) =>
      diag.ping({
        target: req.target,
        count: req.count,
        timeoutMs: req.timeoutMs,
        intervalMs: req.intervalMs,
        signal: ctx.signal,
      }),
    connectPeer: async (req) => ({ peer: toPeerInfo(await diag.connect(req.target, req.timeoutMs)) }),
    disconnectPeer: (req) => diag.disconnect(req.target),
    getMetrics: () => {
      const { samples, prometheusText } = diag.metrics()
      return {
        metrics: samples.map((s) => ({
          name: s.name,
          help: s.help,
          type: s.type,
          labels: s.labels,
          value: s.value,
        })),
        prometheusText,
      }
    },
    getActivity: (req) => diag.activity(req.minutes),
    shutdown: () => {
      diag.shutdown()
      return {}
    },
  } satisfies ServiceHandlers<typeof DiagDefinition>
}

export function toPeerInfo(p: PeerSummary): PeerInfoMessage {
  return { ...p }
}
