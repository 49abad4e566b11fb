// A bare grpc-js server answering Diag.Health with a constant, on a unix socket: the baseline that
// bench/grpc-overhead.ts compares the daemon against. Prints "ready" once listening.
import { Server, ServerCredentials } from '@grpc/grpc-js'
import { DiagService } from '../clients/ts/gen/moltmesh/v1/diag.ts'

const socket = process.argv[2]
if (socket == null) throw new Error('usage: bare-health-server.ts <socket>')
const server = new Server()
server.addService(DiagService, {
  health: (_call: unknown, cb: (err: null, res: unknown) => void) =>
    cb(null, { ok: true, version: '0', did: 'did:key:z', peerCount: 0, uptimeMs: 0, apiVersion: 'v1' }),
} as never)
server.bindAsync(`unix:${socket}`, ServerCredentials.createInsecure(), (err) => {
  if (err) throw err
  console.log('ready')
})
process.on('SIGTERM', () => server.forceShutdown())
