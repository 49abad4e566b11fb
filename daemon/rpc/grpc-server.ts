// The gRPC server: all three services on the unix socket (mode 0600) and, when configured, on a TCP
// listener that requires a bearer token. The standard Health and reflection services
// (standard-services.ts) are added to the unix socket only: the TCP listener answers nothing without
// the token.

import { chmod, unlink } from 'node:fs/promises'
import { Server, ServerCredentials, type UntypedServiceImplementation } from '@grpc/grpc-js'
import { MoltmeshError } from '../errors/moltmesh-error.ts'
import type { Logger } from '../log/logger.ts'
import { prepareSocketPath } from '../runtime/socket-file.ts'
import { passPreEncoded } from './pre-encoded.ts'
import { guardDefinition } from './request-checks.ts'

export interface ServiceRegistration {
  definition: Record<string, unknown>
  /** Builds handlers; called once per listener (the TCP listener's handlers check the token). */
  handlers: (authToken: string | undefined) => UntypedServiceImplementation
}

export interface RpcServerOptions {
  socketPath: string
  tcpListen: string
  tcpToken: string
  services: ServiceRegistration[]
  /** Adds services to the unix socket's server only (standard Health and reflection). */
  registerUnixOnly?: (server: Server) => void
  logger: Logger
}

export interface RpcServer {
  readonly socketPath: string
  /** host:port of the TCP listener, when there is one. */
  readonly tcpAddress: string | undefined
  stop(graceMs: number): Promise<void>
}

// Generous but bounded: large payloads go through blob streaming in chunks.
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const { replacedStale } = await prepareSocketPath(options.socketPath)
  if (replacedStale) options.logger.warn({ socket: options.socketPath }, 'replaced stale socket file')

  const serverOptions = {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  }
  const unixServer = new Server(serverOptions)
  for (const s of options.services)
    unixServer.addService(serverDefinition(s.definition), s.handlers(undefined))
  options.registerUnixOnly?.(unixServer)
  await bind(unixServer, `unix:${options.socketPath}`, ServerCredentials.createInsecure())
  // Only the daemon's user may talk to it: the socket grants full control of the agent.
  await chmod(options.socketPath, 0o600)

  let tcpServer: Server | undefined
  let tcpAddress: string | undefined
  if (options.tcpListen !== '') {
    tcpServer = new Server(serverOptions)
    for (const s of options.services)
      tcpServer.addService(serverDefinition(s.definition), s.handlers(options.tcpToken))
    const port = await bind(tcpServer, options.tcpListen, ServerCredentials.createInsecure())
    tcpAddress = `${options.tcpListen.replace(/:\d+$/, '')}:${port}`
  }

  return {
    socketPath: options.socketPath,
    tcpAddress,
    async stop(graceMs) {
      await Promise.all([shutdown(unixServer, graceMs), tcpServer ? shutdown(tcpServer, graceMs) : undefined])
      await unlink(options.socketPath).catch(() => undefined)
    },
  }
}

/** Requests checked as they decode; responses the adapter already encoded sent as they are. */
const serverDefinition = (definition: Record<string, unknown>) =>
  passPreEncoded(guardDefinition(definition as never)) as never

function bind(server: Server, address: string, credentials: ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (err, port) => {
      if (err != null) {
        reject(
          new MoltmeshError(
            'unavailable',
            'RPC_LISTEN_FAILED',
            `cannot listen on ${address}: ${err.message}`,
          ),
        )
      } else resolve(port)
    })
  })
}

function shutdown(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown()
      resolve()
    }, graceMs)
    server.tryShutdown(() => {
      clearTimeout(timer)
      resolve()
    })
  })
}
