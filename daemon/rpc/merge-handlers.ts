// Assembles one gRPC service's handler map from the adapters (one per subsystem) that implement parts
// of it. Every RPC of the definition must be handled exactly once: a missing, repeated or unknown key is
// a type error where the parts are merged (daemon/rpc/api-handlers.ts) and, should a cast hide it, a
// start-up error here. The RPC coverage test (test/integration/rpc-coverage.test.ts) stays the net for
// handlers that exist but answer UNIMPLEMENTED.

import type { MethodDefinitionLike, ServiceHandlers, ServiceImpl } from './service-types.ts'

type Parts = Record<string, object>

/** Every key some part defines. */
type KeysOf<P extends Parts> = { [N in keyof P]: keyof P[N] }[keyof P]

/** Keys defined by more than one part: each part's keys met with the keys of all the others. */
type Repeated<P extends Parts> = {
  [N in keyof P]: keyof P[N] & { [M in Exclude<keyof P, N>]: keyof P[M] }[Exclude<keyof P, N>]
}[keyof P]

/**
 * `unknown` when the parts are disjoint and cover the service exactly; otherwise an object type with a
 * property naming the problem and the RPCs concerned, which the argument then lacks (a readable error).
 */
export type CheckedParts<S, P extends Parts> = [Repeated<P>] extends [never]
  ? [Exclude<keyof S, KeysOf<P>>] extends [never]
    ? [Exclude<KeysOf<P>, keyof S>] extends [never]
      ? unknown
      : { 'handlers that are not RPCs of the service': Exclude<KeysOf<P>, keyof S> }
    : { 'RPCs without a handler': Exclude<keyof S, KeysOf<P>> }
  : { 'RPCs handled by more than one part': Repeated<P> }

/**
 * Merges named parts (`{ tasks: tasksAdapter(...), ledger: ledgerAdapter(...) }`) into the complete
 * handler map of `definition`. Throws, naming the service, the RPC and the parts, when a key is defined
 * twice, is not an RPC of the service, or an RPC has no handler.
 */
export function mergeHandlers<
  S extends Record<string, MethodDefinitionLike>,
  const P extends Record<string, ServiceHandlers<S>>,
>(service: string, definition: S, parts: P & CheckedParts<S, P>): ServiceImpl<S> {
  const merged: Record<string, unknown> = {}
  const owner = new Map<string, string>()
  for (const [partName, part] of Object.entries(parts as Record<string, object>)) {
    for (const [key, handler] of Object.entries(part)) {
      if (!Object.hasOwn(definition, key)) {
        throw new Error(`${service}: part ${partName} defines ${key}, which is not an RPC of the service`)
      }
      const first = owner.get(key)
      if (first !== undefined) {
        throw new Error(`${service}.${key} is handled twice: by part ${first} and by part ${partName}`)
      }
      owner.set(key, partName)
      merged[key] = handler
    }
  }
  const missing = Object.keys(definition).filter((key) => !owner.has(key))
  if (missing.length > 0) throw new Error(`${service}: no handler for ${missing.join(', ')}`)
  return merged as ServiceImpl<S>
}
