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
export type { Groups, RawServices } from './groups.ts'
export * from './helpers/blob-files.ts'
export * from './helpers/display-names.ts'
export * from './helpers/parts.ts'
export * from './helpers/run-worker.ts'
export { isTerminalState } from './helpers/task-states.ts'
export * from './helpers/version-check.ts'
export * from './helpers/wait-task.ts'
export * from './helpers/worker-subscription.ts'
export type {
  ClientStreamMethod,
  RpcOptions,
  ServerStreamMethod,
  ServiceClient,
  UnaryMethod,
} from './service-client.ts'
export { type GroupName, SURFACE, type Surface } from './surface.ts'
export * as v1 from './v1.ts'
