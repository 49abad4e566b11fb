// Types that derive a service implementation's shape from a ts-proto service definition, so adapters
// are checked against the proto without hand-written per-RPC types.

import type { Metadata } from '@grpc/grpc-js'

export interface MethodDefinitionLike {
  path: string
  requestStream: boolean
  responseStream: boolean
  requestDeserialize: (value: Buffer) => unknown
  responseSerialize: (value: never) => Buffer
}

export type RequestOf<M> = M extends { requestDeserialize: (value: Buffer) => infer R } ? R : never
export type ResponseOf<M> = M extends { responseDeserialize: (value: Buffer) => infer R } ? R : never

/** What every handler gets besides its request: cancellation and the caller's metadata. */
export interface CallContext {
  /** Aborted when the client cancels or disconnects, or the daemon shuts down. */
  signal: AbortSignal
  metadata: Metadata
  /** Full method path, e.g. /moltmesh.v1.Diag/Ping. */
  method: string
}

export type MethodImpl<M> = M extends { requestStream: false; responseStream: false }
  ? (request: RequestOf<M>, ctx: CallContext) => Promise<ResponseOf<M>> | ResponseOf<M>
  : M extends { requestStream: false; responseStream: true }
    ? (request: RequestOf<M>, ctx: CallContext) => AsyncIterable<ResponseOf<M>>
    : M extends { requestStream: true; responseStream: false }
      ? (requests: AsyncIterable<RequestOf<M>>, ctx: CallContext) => Promise<ResponseOf<M>>
      : never

/** A complete implementation: one handler for every RPC of the service definition. */
export type ServiceImpl<S> = { [K in keyof S]: MethodImpl<S[K]> }

/**
 * Some of a service's handlers: what one adapter (one subsystem) contributes. Adapters return their
 * object literal `satisfies ServiceHandlers<...>`, so their type keeps exactly the keys they define and
 * mergeHandlers (merge-handlers.ts) can check at compile time that the parts of a service are disjoint
 * and complete.
 */
export type ServiceHandlers<S> = { [K in keyof S]?: MethodImpl<S[K]> }
