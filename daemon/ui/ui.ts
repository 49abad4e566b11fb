// The web workspace as a daemon component: created with the same handler objects the gRPC server
// serves, started at boot when `ui.listen` is set, or later by OpenUi (`moltmesh ui`).

import type { OpenUiRequest, OpenUiResponse } from '../../clients/ts/gen/moltmesh/v1/diag.ts'
import { isLoopbackHostPort } from '../config/load-config.ts'
import type { UiOptions } from '../config/options.ts'
import { MoltmeshError } from '../errors/moltmesh-error.ts'
import type { Logger } from '../log/logger.ts'
import { type BridgedService, createRpcBridge } from './rpc-bridge.ts'
import { createUiAuth } from './ui-auth.ts'
import { createUiServer } from './ui-server.ts'

/** Where `moltmesh ui` serves the workspace when nothing is configured. */
export const DEFAULT_UI_LISTEN = '127.0.0.1:7421'

export interface UiComponents {
  services: readonly BridgedService[]
  logger: Logger
}

export interface Ui {
  /** Serves the workspace if `ui.listen` is set. */
  start(): Promise<void>
  /** OpenUi: starts the workspace if it is off, and issues a one-time login token. */
  open(request: OpenUiRequest): Promise<OpenUiResponse>
  stop(): Promise<void>
}

export function createUi(c: UiComponents, options: UiOptions): Ui {
  const auth = createUiAuth(options.tokens)
  const server = createUiServer({
    bridge: createRpcBridge(c.services),
    auth,
    logger: c.logger,
    loopbackOnly: isLoopbackHostPort,
  })
  return {
    async start() {
      if (options.listen !== '') await server.start(options.listen)
    },
    async open(request) {
      let url = server.url
      if (url == null) {
        const listen = request.listen || options.listen || DEFAULT_UI_LISTEN
        if (!isLoopbackHostPort(listen) && options.tokens.length === 0) {
          throw new MoltmeshError(
            'failed_precondition',
            'UI_NOT_LOOPBACK',
            `${listen} is not a loopback address: set ui.tokens in the config to serve the workspace beyond this host`,
          )
        }
        url = await server.start(listen)
      }
      const loginToken = auth.issueLoginToken()
      return { url, loginToken, loginUrl: `${url}#login=${loginToken}` }
    },
    stop: () => server.stop(),
  }
}
