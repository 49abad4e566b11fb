// grpc.health.v1.Health (Check, Watch, List), written out: grpc-health-check builds the same service
// by parsing its health.proto with @grpc/proto-loader when it is imported, which loaded protobufjs
// (~40 modules, ~0.5 MB of source, its parse and code generation) into every daemon at start-up
// (docs/benchmarks.md, start-up). Three small messages are encoded here with @bufbuild/protobuf's
// wire codec instead; the behaviour is grpc-health-check 2.1's (its HealthImplementation), and a
// unit test checks it against a client made from that package's own definition.

import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire'
import type { Server, ServerUnaryCall, ServerWritableStream, sendUnaryData } from '@grpc/grpc-js'
import { status as grpcStatus } from '@grpc/grpc-js'

export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN'
const STATUS_NUMBERS: Record<ServingStatus, number> = {
  UNKNOWN: 0,
  SERVING: 1,
  NOT_SERVING: 2,
  SERVICE_UNKNOWN: 3,
}

/** grpc-health-check's limit: a List of more services than this is RESOURCE_EXHAUSTED. */
const LIST_LIMIT = 100

/** HealthCheckRequest { string service = 1 } (unknown fields skipped, as protobuf does). */
function decodeCheckRequest(bytes: Buffer): { service: string } {
  const r = new BinaryReader(bytes)
  let service = ''
  while (r.pos < r.len) {
    const [field, wire] = r.tag()
    if (field === 1 && wire === WireType.LengthDelimited) service = r.string()
    else r.skip(wire, field)
  }
  return { service }
}

/** HealthCheckResponse { ServingStatus status = 1 } into `w`. */
function writeCheckResponse(w: BinaryWriter, status: ServingStatus): BinaryWriter {
  const n = STATUS_NUMBERS[status]
  if (n !== 0) w.uint32(8).int32(n)
  return w
}

const encodeCheckResponse = (m: { status: ServingStatus }) =>
  Buffer.from(writeCheckResponse(new BinaryWriter(), m.status).finish())

/** HealthListResponse { map<string, HealthCheckResponse> statuses = 1 }. */
function encodeListResponse(m: { statuses: Map<string, ServingStatus> }): Buffer {
  const w = new BinaryWriter()
  for (const [service, status] of m.statuses) {
    w.uint32(10).fork()
    w.uint32(10).string(service)
    writeCheckResponse(w.uint32(18).fork(), status).join()
    w.join()
  }
  return Buffer.from(w.finish())
}

const identity = (b: Buffer) => b
const method = (name: string, responseStream: boolean, responseSerialize: (m: never) => Buffer) => ({
  path: `/grpc.health.v1.Health/${name}`,
  requestStream: false,
  responseStream,
  requestSerialize: identity,
  requestDeserialize: decodeCheckRequest,
  responseSerialize,
  responseDeserialize: identity,
  originalName: name.toLowerCase(),
})

/** The service definition, in the form grpc-js's addService takes. */
export const healthServiceDefinition = {
  Check: method('Check', false, encodeCheckResponse),
  Watch: method('Watch', true, encodeCheckResponse),
  // HealthListRequest is empty: whatever it holds is ignored.
  List: { ...method('List', false, encodeListResponse), requestDeserialize: () => ({}) },
}

export class HealthImplementation {
  private readonly statuses = new Map<string, ServingStatus>()
  private readonly watchers = new Map<string, Set<(status: ServingStatus) => void>>()

  constructor(initial: Record<string, ServingStatus> = {}) {
    for (const [service, status] of Object.entries(initial)) this.statuses.set(service, status)
  }

  setStatus(service: string, status: ServingStatus): void {
    this.statuses.set(service, status)
    for (const watcher of this.watchers.get(service) ?? []) watcher(status)
  }

  addToServer(server: Server): void {
    server.addService(healthServiceDefinition as never, {
      Check: (
        call: ServerUnaryCall<{ service: string }, unknown>,
        callback: sendUnaryData<{ status: ServingStatus }>,
      ) => {
        const status = this.statuses.get(call.request.service)
        if (status != null) callback(null, { status })
        else
          callback({
            code: grpcStatus.NOT_FOUND,
            details: `Health status unknown for service ${call.request.service}`,
          })
      },
      Watch: (call: ServerWritableStream<{ service: string }, { status: ServingStatus }>) => {
        const service = call.request.service
        const watcher = (status: ServingStatus) => call.write({ status })
        const set = this.watchers.get(service) ?? new Set()
        this.watchers.set(service, set)
        set.add(watcher)
        call.on('cancelled', () => this.watchers.get(service)?.delete(watcher))
        call.write({ status: this.statuses.get(service) ?? 'SERVICE_UNKNOWN' })
      },
      List: (
        _call: ServerUnaryCall<unknown, unknown>,
        callback: sendUnaryData<{ statuses: Map<string, ServingStatus> }>,
      ) => {
        if (this.statuses.size > LIST_LIMIT) {
          callback({ code: grpcStatus.RESOURCE_EXHAUSTED, details: 'Too many services to list.' })
          return
        }
        callback(null, { statuses: new Map(this.statuses) })
      },
    })
  }
}
