// The daemon's RPC surface: the three public services on the unix socket (and the token-checked TCP
// listener, if configured), the standard Health and reflection services, and the web workspace,
// which calls the same handler objects as gRPC (daemon/ui/rpc-bridge.ts). Health reports SERVING
// only once every subsystem has started, and NOT_SERVING as soon as a stop begins.

import * as a2aMessages from '../../clients/ts/gen/moltmesh/v1/a2a.ts'
import { A2ANodeService } from '../../clients/ts/gen/moltmesh/v1/a2a.ts'
import * as diagMessages from '../../clients/ts/gen/moltmesh/v1/diag.ts'
import { DiagService } from '../../clients/ts/gen/moltmesh/v1/diag.ts'
import * as extMessages from '../../clients/ts/gen/moltmesh/v1/ext.ts'
import { ExtService } from '../../clients/ts/gen/moltmesh/v1/ext.ts'
import type { RpcOptions, UiOptions } from '../config/options.ts'
import type { Startable } from '../lifecycle/startable.ts'
import type { Logger } from '../log/logger.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { Host } from '../p2p/create-host.ts'
import { createUi, type Ui } from '../ui/ui.ts'
import { type RpcServer, startRpcServer } from './grpc-server.ts'
import { buildServiceHandlers } from './service-handlers.ts'
import type { ServiceImpl } from './service-types.ts'
import { createStandardServices } from './standard-services.ts'

/** How long open calls get to finish when the daemon stops. */
const RPC_SHUTDOWN_GRACE_MS = 3_000

export interface RpcHandlerMaps {
  a2a: ServiceImpl<typeof A2ANodeService>
  /** Every Diag handler but OpenUi, which the workspace below answers. */
  diag: Omit<ServiceImpl<typeof DiagService>, 'openUi'>
  ext: ServiceImpl<typeof ExtService>
}

export interface RpcSurfaceComponents {
  handlers: RpcHandlerMaps
  /** Health follows the P2P host: NOT_SERVING once it stops. */
  host: Pick<Host, 'status' | 'addEventListener'>
  logger: Logger
  metrics: Metrics
}

export interface RpcSurfaceInit {
  socket: string
  rpc: RpcOptions
  ui: UiOptions
}

export interface RpcSurface {
  /** The gRPC server (unix socket and TCP listener). */
  rpc: Startable & { readonly tcpAddress: string | undefined }
  /** The web workspace (started after the gRPC server, stopped before it). */
  ui: Ui
}

export function createRpcSurface(c: RpcSurfaceComponents, init: RpcSurfaceInit): RpcSurface {
  const logger = c.logger.child({ component: 'rpc' })
  // Aborted when a stop begins: ends every open stream (WatchEvents, SubscribeInbox, …).
  const shutdown = new AbortController()
  const handlerOptions = (authToken: string | undefined) => ({
    logger,
    metrics: c.metrics,
    authToken,
    shutdownSignal: shutdown.signal,
  })
  // Diag.OpenUi is one of the handlers the workspace itself serves: the one cycle here. The handler
  // reaches the workspace through `ui`, assigned right below, before any call can arrive (the
  // server starts later, in start()).
  const diag: ServiceImpl<typeof DiagService> = {
    ...c.handlers.diag,
    openUi: (request) => ui.open(request),
  }
  const ui = createUi(
    {
      services: [
        { name: 'A2ANode', definition: A2ANodeService, messages: a2aMessages, impl: c.handlers.a2a },
        { name: 'Diag', definition: DiagService, messages: diagMessages, impl: diag },
        { name: 'Ext', definition: ExtService, messages: extMessages, impl: c.handlers.ext },
      ],
      logger: c.logger.child({ component: 'ui' }),
    },
    init.ui,
  )
  const standard = createStandardServices([A2ANodeService, DiagService, ExtService], {
    reflection: init.rpc.reflection,
  })
  let server: RpcServer | undefined

  const rpc = {
    get tcpAddress() {
      return server?.tcpAddress
    },
    async start() {
      server = await startRpcServer({
        socketPath: init.socket,
        tcpListen: init.rpc.tcpListen,
        tcpToken: init.rpc.tcpToken,
        logger,
        registerUnixOnly: (s) => standard.register(s),
        services: [
          {
            definition: A2ANodeService,
            handlers: (t) => buildServiceHandlers(A2ANodeService, c.handlers.a2a, handlerOptions(t)),
          },
          {
            definition: DiagService,
            handlers: (t) => buildServiceHandlers(DiagService, diag, handlerOptions(t)),
          },
          {
            definition: ExtService,
            handlers: (t) => buildServiceHandlers(ExtService, c.handlers.ext, handlerOptions(t)),
          },
        ],
      })
      c.host.addEventListener('stop', () => standard.setServing(false))
    },
    // grpc.health.v1: SERVING while the P2P host runs (it is up by now).
    afterStart() {
      standard.setServing(c.host.status === 'started')
    },
    beforeStop() {
      standard.setServing(false)
      shutdown.abort()
    },
    async stop() {
      await server?.stop(RPC_SHUTDOWN_GRACE_MS)
    },
  }
  return { rpc, ui }
}
