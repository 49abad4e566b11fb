// The standard gRPC services every gRPC tool expects, next to the moltmesh API on the unix socket:
// - grpc.health.v1.Health (Check, Watch and List; health-service.ts), for grpc-health-probe, Kubernetes and container health
//   checks: SERVING while the P2P host is up, NOT_SERVING once it stops or the daemon shuts down.
//   Service names: "" (the daemon) and each moltmesh service ("moltmesh.v1.A2ANode", ...).
// - gRPC server reflection (v1 and v1alpha), for grpcurl, Postman, evans: the public API with its
//   comments, the health service, and google.rpc.ErrorInfo (so tools can print an error's details).
//   The daemon-to-daemon wire protos are never served.

import { createRequire } from 'node:module'
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire'
import {
  type Server,
  type ServerDuplexStream,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js'
import type { ReflectionService } from '@grpc/reflection'
import { API_DESCRIPTOR_SET_BASE64, ERROR_DETAILS_DESCRIPTOR_SET_BASE64 } from './gen/descriptor-sets.ts'
import { HealthImplementation } from './health-service.ts'

export interface StandardServices {
  /** Adds Health and reflection to a server (the unix socket's; the TCP listener stays token-only). */
  register(server: Server): void
  /** Health of the daemon and of each API service; Watch streams see every change. */
  setServing(serving: boolean): void
}

/** The serialized FileDescriptorProtos inside a FileDescriptorSet (repeated field 1). */
export function descriptorFiles(setBytes: Uint8Array): Uint8Array[] {
  const r = new BinaryReader(setBytes)
  const files: Uint8Array[] = []
  while (r.pos < r.len) {
    const [field, wire] = r.tag()
    if (field === 1 && wire === WireType.LengthDelimited) files.push(r.bytes())
    else r.skip(wire, field)
  }
  return files
}

/** "moltmesh.v1.A2ANode" from a generated service definition (its methods' paths). */
export function serviceNameOf(definition: Record<string, { path: string }>): string {
  const first = Object.values(definition)[0]
  if (!first) throw new Error('a service definition without methods')
  return first.path.split('/')[1] ?? ''
}

/**
 * `apiServices`: the generated definitions of the moltmesh services (for per-service health);
 * `reflection`: serve server reflection too (config rpc.reflection).
 */
export function createStandardServices(
  apiServices: Array<Record<string, { path: string }>>,
  options: { reflection: boolean },
): StandardServices {
  const names = ['', ...apiServices.map(serviceNameOf)]
  const health = new HealthImplementation(Object.fromEntries(names.map((n) => [n, 'NOT_SERVING' as const])))
  return {
    register(server) {
      health.addToServer(server)
      if (options.reflection) addLazyReflection(server)
    },
    setServing(serving) {
      for (const name of names) health.setStatus(name, serving ? 'SERVING' : 'NOT_SERVING')
    },
  }
}

const requireLazy = createRequire(import.meta.url)
const passThrough = (b: Buffer) => b
const REFLECTION_VERSIONS = ['v1', 'v1alpha'] as const

/**
 * Server reflection, built on its first call. @grpc/reflection parses every file of the API's
 * descriptor set with protobufjs and loads its own .proto files when it is created: ~150-250 ms and
 * several MB that a daemon nobody points grpcurl at never needs, and that used to hold back Health
 * at start-up. The methods are registered at once with pass-through (de)serializers; the first call
 * builds the real service, and each stream is handed to its handler with the real codecs.
 */
function addLazyReflection(server: Server): void {
  type Captured = {
    definition: Record<
      string,
      { requestDeserialize(b: Buffer): unknown; responseSerialize(m: unknown): Buffer }
    >
    handlers: UntypedServiceImplementation
  }
  let built: Map<string, Captured> | undefined
  const build = () => {
    if (built != null) return built
    const captured = new Map<string, Captured>()
    // addToServer of the real service, into a stand-in that only records what it is given.
    createReflection().addToServer({
      addService(definition: Captured['definition'], handlers: UntypedServiceImplementation) {
        const path = Object.values(definition)[0] as unknown as { path: string }
        captured.set(path.path, { definition, handlers })
      },
    } as unknown as Server)
    built = captured
    return captured
  }
  for (const version of REFLECTION_VERSIONS) {
    const path = `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`
    const definition = {
      ServerReflectionInfo: {
        path,
        requestStream: true,
        responseStream: true,
        requestSerialize: passThrough,
        requestDeserialize: passThrough,
        responseSerialize: passThrough,
        responseDeserialize: passThrough,
      },
    }
    server.addService(definition, {
      ServerReflectionInfo: (call: ServerDuplexStream<Buffer, Buffer>) => {
        const real = build().get(path)
        const method = real?.definition.ServerReflectionInfo
        const handler = real?.handlers.ServerReflectionInfo as ((stream: unknown) => void) | undefined
        if (method == null || handler == null) {
          call.emit('error', { code: status.UNIMPLEMENTED, details: 'server reflection is not available' })
          return
        }
        // The real handler listens for 'data' and 'end' and writes responses: the same stream,
        // with decoded requests in and encoded responses out.
        const stream = {
          on(event: string, listener: (...args: unknown[]) => void) {
            if (event === 'data')
              call.on('data', (b: Buffer) => {
                let request: unknown
                try {
                  request = method.requestDeserialize(b)
                } catch {
                  // A stream error ends the call with this status (grpc-js ServerDuplexStream).
                  call.emit('error', { code: status.INVALID_ARGUMENT, details: 'request does not decode' })
                  return
                }
                listener(request)
              })
            else call.on(event, listener)
            return stream
          },
          write: (message: unknown) => call.write(method.responseSerialize(message)),
          end: () => call.end(),
        }
        handler(stream)
      },
    })
  }
}

function createReflection(): ReflectionService {
  const { ReflectionService } = requireLazy('@grpc/reflection') as typeof import('@grpc/reflection')
  // The reflection service reads only `fileDescriptorProtos` of each entry of a package definition:
  // the API's and ErrorInfo's come from committed descriptor sets, Health's from its own package.
  const filesOf = (base64: string) =>
    descriptorFiles(Buffer.from(base64, 'base64')).map((b) => Buffer.from(b))
  const entry = (files: Buffer[]) => ({
    format: 'Protocol Buffer 3 DescriptorProto' as const,
    type: {},
    fileDescriptorProtos: files,
  })
  // Health's descriptor comes from grpc-health-check's proto (parsed here, on reflection's first call).
  const { service: healthService } = requireLazy('grpc-health-check') as typeof import('grpc-health-check')
  const healthRequestType = healthService.Check?.requestType
  return new ReflectionService({
    'moltmesh.v1': entry(filesOf(API_DESCRIPTOR_SET_BASE64)),
    'google.rpc': entry(filesOf(ERROR_DETAILS_DESCRIPTOR_SET_BASE64)),
    ...(healthRequestType ? { 'grpc.health.v1.HealthCheckRequest': healthRequestType } : {}),
  })
}
