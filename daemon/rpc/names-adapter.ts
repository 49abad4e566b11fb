// Name RPCs of A2ANode.
import type { A2ANodeService } from '../../clients/ts/gen/moltmesh/v1/a2a.ts'
import type { NamesService } from '../names/names-service.ts'
import type { ServiceHandlers } from './service-types.ts'

export function namesAdapter(names: NamesService) {
  return {
    claimName: (req) => names.claim(req.name, req.ttlMs),
    resolveName: async (req) => {
      const info = await names.resolve(req.name, req.timeoutMs)
      return { ...info, warning: info.warning ?? '' }
    },
    releaseName: async (req) => {
      await names.release(req.name)
      return {}
    },
    listNames: async () => ({ names: await names.list() }),
  } satisfies ServiceHandlers<typeof A2ANodeService>
}
