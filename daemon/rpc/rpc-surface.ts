// The daemon's RPC surface: the three public services (complete handler maps, api-handlers.ts) on the
// unix socket and the token-checked TCP listener, if configured; the standard Health and reflection
// services; and the web workspace, which calls the same handler objects as gRPC
// (daemon/ui/rpc-bridge.ts). Health reports SERVING only once every subsystem has started, and
// NOT_SERVING as soon as a stop begins.

import type { RpcOptions, UiOptions } from '../config/options.ts'
import type { Startable } from '../lifecycle/startable.ts'
import type { Logger } from '../log/logger.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { Host } from '../p2p/create-host.ts'
import { createUi, type Ui } from '../ui/ui.ts'
import {
  API_DEFINITIONS,
  type ApiHandlerComponents,
  bridgedServices,
  createApiHandlers,
  grpcServices,
} from './api-handlers.ts'
import { type RpcServer, startRpcServer } from './grpc-server.ts'
import { createStandardServices } from './standard-services.ts'

/** How long open calls get to finish when the daemon stops. */
const RPC_SHUTDOWN_GRACE_MS = 3_000

export interface RpcSurfaceComponents {
  /** The services the adapters convert for; OpenUi is answered by the workspace created here. */
  api: Omit<ApiHandlerComponents, 'openUi'>
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
  // Diag.OpenUi is one of the handlers the workspace itself serves: the one cycle here. The handler
  // reaches the workspace through `ui`, assigned right below, before any call can arrive (the
  // server starts later, in start()).
  const api = createApiHandlers({ ...c.api, openUi: (request) => ui.open(request) })
  const ui = createUi(
    { services: bridgedServices(api), logger: c.logger.child({ component: 'ui' }) },
    init.ui,
  )
  const standard = createStandardServices(API_DEFINITIONS, { reflection: init.rpc.reflection })
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
        services: grpcServices(api, (authToken) => ({
          logger,
          metrics: c.metrics,
          authToken,
          shutdownSignal: shutdown.signal,
        })),
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
