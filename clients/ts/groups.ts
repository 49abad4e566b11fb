// The idiomatic face of the client: `client.tasks.create(...)`, `client.inbox.subscribe(...)`, built
// from SURFACE over the raw per-service methods, so a new RPC needs one line in the surface table.

import type { A2ANodeService } from './gen/moltmesh/v1/a2a.ts'
import type { DiagService } from './gen/moltmesh/v1/diag.ts'
import type { ExtService } from './gen/moltmesh/v1/ext.ts'
import type { ServiceClient } from './service-client.ts'
import { SURFACE, type Surface } from './surface.ts'

/** The raw service clients, keyed by the service names used in the surface table. */
export interface RawServices {
  A2ANode: ServiceClient<typeof A2ANodeService>
  Diag: ServiceClient<typeof DiagService>
  Ext: ServiceClient<typeof ExtService>
}

/** `'A2ANode.GetIdentity'` -> the type of `raw.A2ANode.getIdentity`. */
type MethodOf<P> = P extends `${infer S}.${infer R}`
  ? S extends keyof RawServices
    ? Uncapitalize<R> extends keyof RawServices[S]
      ? RawServices[S][Uncapitalize<R>]
      : never
    : never
  : never

/** Every group of the surface with its methods, fully typed. */
export type Groups = {
  readonly [G in keyof Surface]: { readonly [M in keyof Surface[G]]: MethodOf<Surface[G][M]> }
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1)

export function buildGroups(raw: RawServices): Groups {
  const groups: Record<string, Record<string, unknown>> = {}
  for (const [group, methods] of Object.entries(SURFACE)) {
    const out: Record<string, unknown> = {}
    for (const [name, path] of Object.entries(methods as Record<string, string>)) {
      const [service, rpc] = path.split('.') as [keyof RawServices, string]
      const fn = (raw[service] as Record<string, unknown>)[lowerFirst(rpc)]
      // A surface entry naming no generated RPC is a broken table: fail at construction, not at call.
      if (typeof fn !== 'function') throw new Error(`surface ${group}.${name}: no RPC ${path}`)
      out[name] = fn
    }
    groups[group] = Object.freeze(out)
  }
  return Object.freeze(groups) as unknown as Groups
}
