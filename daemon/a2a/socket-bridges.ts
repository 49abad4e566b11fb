// The bridges to other protocols — the A2A HTTP gateway, remote A2A agents served as skills, MCP
// servers served as skills — are clients of this daemon's own socket, like any SDK user
// (docs/a2a.md, docs/mcp.md). They start after the RPC server, and only when configured: the A2A and
// MCP libraries would slow every daemon's start. (Here, in a2a/, with the other SDK clients at the
// API's edge: see test/unit/rpc/api-boundary.test.ts.)

import { dirname } from 'node:path'
import { createClient } from '../../clients/ts/create-client.ts'
import type { A2aOptions, McpOptions } from '../config/options.ts'
import type { Startable } from '../lifecycle/startable.ts'
import type { Logger } from '../log/logger.ts'
import type { McpBridge } from '../mcp-bridge/mcp-bridge.ts'
import type { A2aGateway } from './gateway.ts'
import type { RemoteAgents } from './remote-agents.ts'

export interface SocketBridgesComponents {
  logger: Logger
  selfDid: string
}

export interface SocketBridgesInit {
  socket: string
  a2a: A2aOptions
  mcp: McpOptions
  /** MCP server commands run relative to the config file's folder. */
  configFile?: string
}

export function createSocketBridges(c: SocketBridgesComponents, init: SocketBridgesInit): Startable {
  let client: ReturnType<typeof createClient> | undefined
  let gateway: A2aGateway | undefined
  let mcp: McpBridge | undefined
  let remotes: RemoteAgents | undefined
  return {
    async start() {
      if (init.a2a.listen === '' && init.mcp.servers.length === 0 && init.a2a.remote.length === 0) return
      client = createClient({ socket: init.socket })
      if (init.a2a.listen !== '') {
        const { startA2aGateway } = await import('./gateway.ts')
        gateway = await startA2aGateway(
          { client, logger: c.logger.child({ component: 'a2a' }), selfDid: c.selfDid },
          init.a2a,
        )
      }
      if (init.mcp.servers.length > 0) {
        const { createMcpBridge } = await import('../mcp-bridge/mcp-bridge.ts')
        const cwd = init.configFile != null ? dirname(init.configFile) : process.cwd()
        mcp = createMcpBridge({ client, logger: c.logger.child({ component: 'mcp' }), cwd })
        mcp.start(init.mcp.servers)
      }
      if (init.a2a.remote.length > 0) {
        const { createRemoteAgents } = await import('./remote-agents.ts')
        remotes = createRemoteAgents({ client, logger: c.logger.child({ component: 'a2a-remote' }) })
        remotes.start(init.a2a.remote)
      }
    },
    async stop() {
      // Each bridge stops on its own: one that fails to stop does not keep the others running.
      await gateway?.stop().catch((err: unknown) => c.logger.warn({ err }, 'a2a gateway stop failed'))
      await mcp?.stop().catch((err: unknown) => c.logger.warn({ err }, 'mcp bridge stop failed'))
      await remotes?.stop().catch((err: unknown) => c.logger.warn({ err }, 'a2a remotes stop failed'))
      client?.close()
    },
  }
}
