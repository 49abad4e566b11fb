// mergeHandlers: a service's parts must be disjoint and cover every RPC. Each failure is checked twice:
// `@ts-expect-error` proves the type system refuses the call (tsc fails if it ever stops refusing),
// and the call itself proves the start-up check throws should a cast get it past the types.
import { describe, expect, it } from 'vitest'
import { A2ANodeService, GetIdentityResponse } from '../../../clients/ts/gen/moltmesh/v1/a2a.ts'
import { mergeHandlers } from '../../../daemon/rpc/merge-handlers.ts'

/** A two-RPC service definition shaped like ts-proto's. */
function rpc(name: string) {
  return {
    path: `/test.v1.Svc/${name}`,
    requestStream: false,
    responseStream: false,
    requestDeserialize: (_b: Buffer) => ({ n: 0 }),
    responseSerialize: (_v: never) => Buffer.alloc(0),
    responseDeserialize: (_b: Buffer) => ({ n: 0 }),
  } as const
}
const Svc = { first: rpc('First'), second: rpc('Second') }

const first = { first: (req: { n: number }) => ({ n: req.n + 1 }) }
const second = { second: (req: { n: number }) => ({ n: req.n * 2 }) }

describe('mergeHandlers', () => {
  it('merges disjoint parts into one complete map', async () => {
    const svc = mergeHandlers('Svc', Svc, { first, second })
    expect(Object.keys(svc).sort()).toEqual(['first', 'second'])
    const ctx = { signal: new AbortController().signal, metadata: undefined as never, method: '' }
    expect(await svc.first({ n: 1 }, ctx)).toEqual({ n: 2 })
    expect(await svc.second({ n: 3 }, ctx)).toEqual({ n: 6 })
  })

  it('refuses an RPC handled by two parts, naming both', () => {
    const again = { second: () => ({ n: 0 }) }
    // @ts-expect-error 'RPCs handled by more than one part': "second"
    expect(() => mergeHandlers('Svc', Svc, { first, second, again })).toThrow(
      'Svc.second is handled twice: by part second and by part again',
    )
  })

  it('refuses a map with an RPC left out', () => {
    // @ts-expect-error 'RPCs without a handler': "second"
    expect(() => mergeHandlers('Svc', Svc, { first })).toThrow('Svc: no handler for second')
  })

  it('refuses a handler that is not an RPC of the service', () => {
    const stray = { second: () => ({ n: 0 }), third: () => ({ n: 0 }) }
    // @ts-expect-error 'handlers that are not RPCs of the service': "third"
    expect(() => mergeHandlers('Svc', Svc, { first, stray })).toThrow(
      'Svc: part stray defines third, which is not an RPC of the service',
    )
  })

  it('checks against the real generated definitions too', () => {
    // A2ANode has dozens of RPCs: one part with a single handler is far from complete.
    const identity = { getIdentity: () => GetIdentityResponse.fromPartial({}) }
    // @ts-expect-error 'RPCs without a handler'
    expect(() => mergeHandlers('A2ANode', A2ANodeService, { identity })).toThrow(/^A2ANode: no handler for /)
  })
})
