// createClient({ socket }) -> one object with the three services of the daemon.

import { type ChannelCredentials, credentials, Metadata } from '@grpc/grpc-js'
import { defaultSocketPath } from './default-socket.ts'
import type { Endpoint } from './errors.ts'
import * as a2aMessages from './gen/moltmesh/v1/a2a.ts'
import { A2ANodeService } from './gen/moltmesh/v1/a2a.ts'
import * as diagMessages from './gen/moltmesh/v1/diag.ts'
import { DiagService } from './gen/moltmesh/v1/diag.ts'
import * as extMessages from './gen/moltmesh/v1/ext.ts'
import { ExtService } from './gen/moltmesh/v1/ext.ts'
import type { Task } from './gen/moltmesh/v1/types.ts'
import { buildGroups, type Groups } from './groups.ts'
import {
  type DownloadOptions,
  downloadFile,
  downloadStream,
  type UploadOptions,
  uploadFile,
  uploadStream,
} from './helpers/blob-files.ts'
import { type RunWorkerOptions, runWorker, type WorkerHandler } from './helpers/run-worker.ts'
import { checkVersion } from './helpers/version-check.ts'
import { runTask, type WaitOptions, waitTask } from './helpers/wait-task.ts'
import type { SkillOffer } from './helpers/worker-subscription.ts'
import { buildServiceClient, type ChannelInit, type ServiceClient } from './service-client.ts'

export interface ClientOptions {
  /** Unix socket of the daemon (default: $MOLTMESH_SOCKET, else ~/.moltmesh/moltmesh.sock). */
  socket?: string
  /** host:port of the daemon's optional TCP listener, used instead of the socket. */
  address?: string
  /** Bearer token for the TCP listener (sent as `authorization: Bearer <token>`). */
  token?: string
  /** Default deadline for unary calls, in milliseconds (none by default). */
  deadlineMs?: number
}

/**
 * The daemon's API in method groups (`client.tasks.create`, `client.inbox.subscribe`, … — see
 * surface.ts), the raw services (`client.a2a.createTask`, …) and helpers.
 */
export interface Client extends Groups {
  readonly a2a: ServiceClient<typeof A2ANodeService>
  readonly diag: ServiceClient<typeof DiagService>
  readonly ext: ServiceClient<typeof ExtService>
  /** The unix socket this client talks to (undefined when it uses `address`). */
  readonly socket: string | undefined
  /** The socket path or TCP address, for messages. */
  readonly target: string
  /** Closes the channels; calls in flight fail. */
  close(): void
  /** Checks that the daemon speaks this SDK's API version (rejects with VersionMismatchError if not). */
  checkVersion(): Promise<{ daemonVersion: string; apiVersion: string }>
  /** Waits until the task is final (rejects with WaitTimeoutError after `timeoutMs`). */
  waitTask(id: string, options?: WaitOptions): Promise<Task>
  /** Creates a task and waits until it is final. */
  runTask(request: Parameters<Groups['tasks']['create']>[0], options?: WaitOptions): Promise<Task>
  /** Serves a skill with `handler` until `options.signal` aborts (see runWorker). */
  runWorker(
    skill: string | SkillOffer | Array<string | SkillOffer>,
    handler: WorkerHandler,
    options?: RunWorkerOptions,
  ): Promise<void>
  uploadFile(path: string, options?: UploadOptions): ReturnType<typeof uploadFile>
  uploadStream(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options?: UploadOptions,
  ): ReturnType<typeof uploadStream>
  downloadFile(cid: string, path: string, options?: DownloadOptions): ReturnType<typeof downloadFile>
  downloadStream(cid: string, options?: DownloadOptions): AsyncGenerator<Buffer>
}

// Blob chunks are at most 1 MiB; this leaves room for large listings without being unbounded.
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

export function createClient(options: ClientOptions = {}): Client {
  const socket = options.address == null ? (options.socket ?? defaultSocketPath()) : undefined
  const endpoint: Endpoint = socket != null ? { socket } : { address: options.address as string }
  const token = options.token
  const init: ChannelInit = {
    target: socket != null ? `unix:${socket}` : (options.address as string),
    credentials: credentials.createInsecure() as ChannelCredentials,
    channelOptions: {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      // A local daemon that restarts is back within seconds: retry the connection at that pace, not
      // grpc's default (up to two minutes between attempts), so workers resume promptly.
      'grpc.initial_reconnect_backoff_ms': 250,
      'grpc.max_reconnect_backoff_ms': 2000,
    },
    metadata: () => {
      const md = new Metadata()
      if (token != null) md.set('authorization', `Bearer ${token}`)
      return md
    },
    deadlineMs: options.deadlineMs,
    endpoint,
  }
  const a2a = buildServiceClient('moltmesh.v1.A2ANode', A2ANodeService, a2aMessages, init)
  const diag = buildServiceClient('moltmesh.v1.Diag', DiagService, diagMessages, init)
  const ext = buildServiceClient('moltmesh.v1.Ext', ExtService, extMessages, init)
  const groups = buildGroups({ A2ANode: a2a.methods, Diag: diag.methods, Ext: ext.methods })
  const client: Client = {
    ...groups,
    a2a: a2a.methods,
    diag: diag.methods,
    ext: ext.methods,
    socket,
    target: socket ?? (options.address as string),
    close() {
      a2a.close()
      diag.close()
      ext.close()
    },
    checkVersion: () => checkVersion(groups),
    waitTask: (id, opts) => waitTask(groups, id, opts),
    runTask: (request, opts) => runTask(groups, request ?? {}, opts),
    runWorker: (skill, handler, opts) => runWorker(groups, skill, handler, opts),
    uploadFile: (path, opts) => uploadFile(groups, path, opts),
    uploadStream: (source, opts) => uploadStream(groups, source, opts),
    downloadFile: (cid, path, opts) => downloadFile(groups, cid, path, opts),
    downloadStream: (cid, opts) => downloadStream(groups, cid, opts),
  }
  return client
}
