// The standard gRPC services every gRPC tool expects, next to the moltmesh API on the unix socket:
// - grpc.health.v1.Health (Check and Watch), for grpc-health-probe, Kubernetes and container health
//   checks: SERVING while the P2P host is up, NOT_SERVING once it stops or the daemon shuts down.
//   Service names: "" (the daemon) and each moltmesh service ("moltmesh.v1.A2ANode", ...).
// - gRPC server reflection (v1 and v1alpha), for grpcurl, Postman, evans: the public API with its
//   comments, the health service, and google.rpc.ErrorInfo (so tools can print an error's details).
//   The daemon-to-daemon wire protos are never served.

import { BinaryReader, WireType } from '@bufbuild/protobuf/wire'
import type { Server } from '@grpc/grpc-js'
import { ReflectionService } from '@grpc/reflection'
import { HealthImplementation, service as healthService } from 'grpc-health-check'
import { API_DESCRIPTOR_SET_BASE64, ERROR_DETAILS_DESCRIPTOR_SET_BASE64 } from './gen/descriptor-sets.ts'

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
      if (options.reflection) createReflection().addToServer(server)
    },
    setServing(serving) {
      for (const name of names) health.setStatus(name, serving ? 'SERVING' : 'NOT_SERVING')
    },
  }
}

function createReflection(): ReflectionService {
  // The reflection service reads only `fileDescriptorProtos` of each entry of a package definition:
  // the API's and ErrorInfo's come from committed descriptor sets, Health's from its own package.
  const filesOf = (base64: string) =>
    descriptorFiles(Buffer.from(base64, 'base64')).map((b) => Buffer.from(b))
  const entry = (files: Buffer[]) => ({
    format: 'Protocol Buffer 3 DescriptorProto' as const,
    type: {},
    fileDescriptorProtos: files,
  })
  const healthRequestType = healthService.Check?.requestType
  return new ReflectionService({
    'moltmesh.v1': entry(filesOf(API_DESCRIPTOR_SET_BASE64)),
    'google.rpc': entry(filesOf(ERROR_DETAILS_DESCRIPTOR_SET_BASE64)),
    ...(healthRequestType ? { 'grpc.health.v1.HealthCheckRequest': healthRequestType } : {}),
  })
}
