// An in-process gRPC server on a temp unix socket that plays a few daemon RPCs, built from the same
// generated service definitions as the real daemon, so client and CLI tests need no libp2p.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  Metadata,
  Server,
  ServerCredentials,
  type ServerWritableStream,
  type ServiceError,
  type sendUnaryData,
  status,
} from '@grpc/grpc-js'
import {
  A2ANodeService,
  type PutBlobRequest,
  type PutBlobResponse,
  type SubscribeInboxRequest,
  type SubscribeInboxResponse,
} from '../../../clients/ts/gen/moltmesh/v1/a2a.ts'
import { DiagService, PingResponse } from '../../../clients/ts/gen/moltmesh/v1/diag.ts'
import { Artifact, Message, MessageStatus } from '../../../clients/ts/gen/moltmesh/v1/types.ts'

export const FAKE_DID = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
export const FAKE_PEER_ID = '12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp'

export interface FakeDaemon {
  socket: string
  dir: string
  /** Server streams the client cancelled (by breaking out of the loop or aborting). */
  cancelledStreams: number
  /** Chunks received by PutBlob. */
  blobChunks: number
  /** host:port of the TCP listener, when asked for one. */
  address: string | undefined
  /** The `authorization` header of the last Health call. */
  lastAuthorization: string | undefined
  stop(): Promise<void>
}

/** An error the way the daemon sends it: status, details and the `moltmesh-reason` trailer. */
function daemonError(code: status, reason: string, details: string): Partial<ServiceError> {
  const metadata = new Metadata()
  metadata.set('moltmesh-reason', reason)
  return { code, details, metadata }
}

export async function startFakeDaemon(options: { tcp?: boolean } = {}): Promise<FakeDaemon> {
  // Short path: unix socket paths are limited to 107 bytes.
  const dir = mkdtempSync(join(tmpdir(), 'mm-fake-'))
  const socket = join(dir, 'd.sock')
  const server = new Server()
  const fake: FakeDaemon = {
    socket,
    dir,
    cancelledStreams: 0,
    blobChunks: 0,
    address: undefined,
    lastAuthorization: undefined,
    async stop() {
      // Live streams never end by themselves.
      server.forceShutdown()
      rmSync(dir, { recursive: true, force: true })
    },
  }

  server.addService(DiagService, {
    health: (call: { metadata: Metadata }, cb: sendUnaryData<unknown>) => {
      fake.lastAuthorization = call.metadata.get('authorization')[0]?.toString()
      cb(null, {
        ok: true,
        version: '9.9.9',
        did: FAKE_DID,
        peerCount: 0,
        uptimeMs: 151_000,
        apiVersion: 'moltmesh.v1',
      })
    },
    getInfo: (_call: unknown, cb: sendUnaryData<unknown>) =>
      cb(null, {
        did: FAKE_DID,
        peerId: FAKE_PEER_ID,
        listenAddresses: ['/ip4/127.0.0.1/tcp/4001', '/ip4/127.0.0.1/udp/4001/quic-v1'],
        announceAddresses: ['/ip4/127.0.0.1/tcp/4001', '/ip4/127.0.0.1/udp/4001/quic-v1'],
        dataDir: dir,
        socket,
        version: '9.9.9',
        uptimeMs: 15_128_000,
        peerCount: 14,
        dhtMode: 'server',
        mdns: false,
        configFile: '',
        pid: process.pid,
      }),
    ping: (call: { request: { target: string; count: number } }, cb: sendUnaryData<PingResponse>) => {
      const { target, count } = call.request
      if (target.startsWith('did:key:bad')) {
        return cb(daemonError(status.INVALID_ARGUMENT, 'INVALID_DID', `not a did:key: ${target}`), null)
      }
      if (target === 'offline') {
        return cb(
          null,
          PingResponse.fromPartial({
            reachable: false,
            attempts: [{ ok: false, error: 'dial timed out' }],
            error: 'dial timed out',
          }),
        )
      }
      const attempts = Array.from({ length: Math.max(1, count) }, (_, i) => ({ ok: true, latencyMs: 38 + i }))
      cb(
        null,
        PingResponse.fromPartial({
          reachable: true,
          did: target,
          attempts,
          averageLatencyMs: 38.4,
          transport: 'quic',
        }),
      )
    },
  })

  server.addService(A2ANodeService, {
    subscribeInbox: (call: ServerWritableStream<SubscribeInboxRequest, SubscribeInboxResponse>) => {
      call.on('cancelled', () => {
        fake.cancelledStreams++
      })
      for (let i = 1; i <= 3; i++) {
        call.write({
          message: Message.fromPartial({
            id: `msg_${i}`,
            from: FAKE_DID,
            to: FAKE_DID,
            parts: [{ text: `hello ${i}` }],
            createdAtMs: 1,
            deliveredAtMs: 2,
            status: MessageStatus.MESSAGE_STATUS_UNREAD,
            cursor: String(i),
          }),
        })
      }
      // A live subscription stays open until the client goes away; a finite one ends cleanly.
      if (call.request.contextId !== 'live') call.end()
    },
    putBlob: (
      call: { on(event: string, fn: (v?: PutBlobRequest) => void): void },
      cb: sendUnaryData<PutBlobResponse>,
    ) => {
      let bytes = 0
      call.on('data', (req) => {
        fake.blobChunks++
        bytes += req?.chunk?.length ?? 0
      })
      call.on('end', () =>
        cb(null, { artifact: Artifact.fromPartial({ cid: `bafy-${bytes}`, size: bytes }) }),
      )
    },
  })

  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix:${socket}`, ServerCredentials.createInsecure(), (err) =>
      err ? reject(err) : resolve(),
    ),
  )
  if (options.tcp) {
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    )
    fake.address = `127.0.0.1:${port}`
  }
  return fake
}
