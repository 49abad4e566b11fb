// The moltmesh TypeScript client: createClient() plus typed errors and the generated message types.
export { type Client, type ClientOptions, createClient } from './create-client.ts'
export type { DeepPartial } from './deep-partial.ts'
export { defaultSocketPath } from './default-socket.ts'
export * from './errors.ts'
// Per-proto-file namespaces (`diag.HealthResponse`) and one flat namespace (`v1.HealthResponse`).
export * as a2a from './gen/moltmesh/v1/a2a.ts'
export * as diag from './gen/moltmesh/v1/diag.ts'
export * as ext from './gen/moltmesh/v1/ext.ts'
export * as types from './gen/moltmesh/v1/types.ts'
export type {
  ClientStreamMethod,
  RpcOptions,
  ServerStreamMethod,
  ServiceClient,
  UnaryMethod,
} from './service-client.ts'
export * as v1 from './v1.ts'
