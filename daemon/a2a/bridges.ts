// The bridges of one daemon: the A2A gateway ([a2a] listen), external A2A agents ([[a2a.remote]]) and
// MCP servers ([[mcp.servers]]). They are clients of the daemon's own socket, like any SDK user
// (docs/a2a.md). `apply` runs at start and on every config reload (SIGHUP, `moltmesh reload`): the
// gateway restarts when its settings changed, remotes and MCP servers are reconciled by name. The
// A2A and MCP libraries are loaded only once a bridge is configured: they would slow every start.

import { createClient } from '../../clients/ts/create-client.ts'
import type { Client } from '../../clients/ts/index.ts'
import type { DaemonConfig } from '../config/options.ts'
import type { Logger } from '../log/logger.ts'
import type { McpBridge } from '../mcp-bridge/mcp-bridge.ts'
import type { PushTargets } from '../webhooks/push-targets.ts'
import type { A2aGateway } from './gateway.ts'
import type { RemoteAgents } from './remote-agents.ts'

export interface BridgesComponents {
  socket: string
  logger: Logger
  selfDid: string
  /** Directory MCP servers run in (the config file's). */
  cwd: string
  pushTargets: PushTargets
}

export function createBridges(c: BridgesComponents) {
  let client: Client | undefined
  let gateway: { instance: A2aGateway; key: string } | undefined
  let mcp: McpBridge | undefined
  let remotes: RemoteAgents | undefined
  let applying: Promise<void> = Promise.resolve()
  let stopped = false

  const clientOf = () => {
    client ??= createClient({ socket: c.socket })
    return client
  }

  async function applyNow(config: DaemonConfig): Promise<void> {
    if (stopped) return
    const a2a = config.a2a
    const gatewayKey = JSON.stringify([a2a.listen, a2a.tokens, a2a.maxBodyBytes])
    if (gateway != null && gateway.key !== gatewayKey) {
      await gateway.instance.stop()
      c.logger.info({ component: 'a2a' }, 'a2a gateway stopped (its settings changed)')
      gateway = undefined
    }
    if (gateway == null && a2a.listen !== '') {
      const { startA2aGateway } = await import('./gateway.ts')
      const instance = await startA2aGateway(
        {
          client: clientOf(),
          logger: c.logger.child({ component: 'a2a' }),
          selfDid: c.selfDid,
          pushTargets: c.pushTargets,
        },
        a2a,
      )
      gateway = { instance, key: gatewayKey }
    }
    if (mcp != null || config.mcp.servers.length > 0) {
      if (mcp == null) {
        const { createMcpBridge } = await import('../mcp-bridge/mcp-bridge.ts')
        mcp = createMcpBridge({
          client: clientOf(),
          logger: c.logger.child({ component: 'mcp' }),
          cwd: c.cwd,
        })
      }
      const changed = await mcp.reconcile(config.mcp.servers)
      if (changed.started.length + changed.stopped.length > 0)
        c.logger.info({ component: 'mcp', ...changed }, 'mcp servers reconciled')
    }
    if (remotes != null || a2a.remote.length > 0) {
      if (remotes == null) {
        const { createRemoteAgents } = await import('./remote-agents.ts')
        remotes = createRemoteAgents({
          client: clientOf(),
          logger: c.logger.child({ component: 'a2a-remote' }),
        })
      }
      const changed = await remotes.reconcile(a2a.remote)
      if (changed.started.length + changed.stopped.length > 0)
        c.logger.info({ component: 'a2a-remote', ...changed }, 'a2a remotes reconciled')
    }
  }

  return {
    /** Makes the running bridges match `config`; calls run one after another. */
    apply(config: DaemonConfig): Promise<void> {
      const next = applying.then(() => applyNow(config))
      applying = next.catch(() => undefined)
      return next
    },
    /** The gateway's bound "host:port" ("" when off). */
    gatewayAddress: () => gateway?.instance.address ?? '',
    async stop(): Promise<void> {
      stopped = true
      await applying
      const warn = (what: string) => (err: unknown) => c.logger.warn({ err }, `${what} stop failed`)
      await gateway?.instance.stop().catch(warn('a2a gateway'))
      await mcp?.stop().catch(warn('mcp bridge'))
      await remotes?.stop().catch(warn('a2a remotes'))
      client?.close()
    },
  }
}

export type Bridges = ReturnType<typeof createBridges>
