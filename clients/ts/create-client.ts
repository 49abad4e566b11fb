// createClient({ socket }) -> one object with the three services of the daemon.

import { type ChannelCredentials, credentials, Metadata } from '@grpc/grpc-js'
import { defaultSocketPath } from './default-socket.ts'
import * as a2aMessages from './gen/moltmesh/v1/a2a.ts'
import { A2ANodeService } from './gen/moltmesh/v1/a2a.ts'
import * as diagMessages from './gen/moltmesh/v1/diag.ts'
import { DiagService } from './gen/moltmesh/v1/diag.ts'
import * as extMessages from './gen/moltmesh/v1/ext.ts'
import { ExtService } from './gen/moltmesh/v1/ext.ts'
import { buildServiceClient, type ServiceClient } from './service-client.ts'

export interface ClientOptions {
  /** Unix socket of the daemon (default: $MOLTMESH_SOCKET, else ~/.moltmesh/moltmesh.sock). */
  socket?: string
  /** host:port of the daemon's optional TCP listener, instead of the socket. */
  address?: string
  /** Bearer token for the TCP listener. */
  token?: string
  /** Default deadline for unary calls, in milliseconds (none by default). */
  deadlineMs?: number
}

export interface Client {
  readonly a2a: ServiceClient<typeof A2ANodeService>
  readonly diag: ServiceClient<typeof DiagService>
  readonly ext: ServiceClient<typeof ExtService>
  /** The socket (or TCP address) this client talks to. */
  readonly target: string
  close(): void
}

const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

export function createClient(options: ClientOptions = {}): Client {
  const socket = options.address == null ? (options.socket ?? defaultSocketPath()) : undefined
  const target = socket != null ? `unix:${socket}` : (options.address as string)
  const token = options.token
  const init = {
    target,
    credentials: credentials.createInsecure() as ChannelCredentials,
    channelOptions: {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    },
    metadata: () => {
      const md = new Metadata()
      if (token != null) md.set('authorization', `Bearer ${token}`)
      return md
    },
    deadlineMs: options.deadlineMs,
    socket,
  }
  const a2a = buildServiceClient('moltmesh.v1.A2ANode', A2ANodeService, a2aMessages, init)
  const diag = buildServiceClient('moltmesh.v1.Diag', DiagService, diagMessages, init)
  const ext = buildServiceClient('moltmesh.v1.Ext', ExtService, extMessages, init)
  return {
    a2a: a2a.methods,
    diag: diag.methods,
    ext: ext.methods,
    target: socket ?? target,
    close() {
      a2a.close()
      diag.close()
      ext.close()
    },
  }
}
