import { describe, expect, it } from 'vitest'
import * as diagMessages from '../../../clients/ts/gen/moltmesh/v1/diag.ts'
import { DiagService } from '../../../clients/ts/gen/moltmesh/v1/diag.ts'
import * as extMessages from '../../../clients/ts/gen/moltmesh/v1/ext.ts'
import { ExtService } from '../../../clients/ts/gen/moltmesh/v1/ext.ts'
import { isMoltmeshError } from '../../../daemon/errors/moltmesh-error.ts'
import { redactSecrets } from '../../../daemon/ui/redact.ts'
import { createRpcBridge } from '../../../daemon/ui/rpc-bridge.ts'

describe('workspace RPC bridge', () => {
  const seen: unknown[] = []
  const bridge = createRpcBridge([
    {
      name: 'Diag',
      definition: DiagService,
      messages: diagMessages,
      impl: {
        ping: (req: diagMessages.PingRequest) => {
          seen.push(req)
          return { reachable: true, averageLatencyMs: 1.5, transport: 'tcp' }
        },
        shutdown: () => ({}),
        openUi: () => ({ url: 'x', loginToken: 'secret', loginUrl: 'x' }),
      },
    },
    {
      name: 'Ext',
      definition: ExtService,
      messages: extMessages,
      impl: {
        createWebhook: () => ({ secret: 'whsec_x' }),
        listWebhooks: () => ({ webhooks: [{ id: 'wh_1', url: 'http://x', events: [], secret: 'leak' }] }),
        async *watchEvents() {
          yield { event: { id: 'e1', type: 'peer.connected', createdAtMs: 1, networkId: '' } }
        },
      },
    },
  ])

  it('exposes implemented methods except the ones that stop the daemon or mint secrets', () => {
    expect(bridge.keys).toEqual(['Diag/Ping', 'Ext/ListWebhooks', 'Ext/WatchEvents'])
    expect(bridge.method('Ext/WatchEvents')?.stream).toBe(true)
    expect(bridge.method('Diag/Shutdown')).toBeUndefined()
  })

  it('decodes proto JSON requests and encodes responses', async () => {
    const ping = bridge.method('Diag/Ping')!
    const out = ping.toJSON(
      await ping.call({ target: 'did:key:z6Mk', timeoutMs: 5 }, new AbortController().signal),
    )
    expect(seen[0]).toMatchObject({ target: 'did:key:z6Mk', timeoutMs: 5 })
    expect(out).toMatchObject({ reachable: true, averageLatencyMs: 1.5 })
  })

  it('turns a malformed request into INVALID_REQUEST', () => {
    const ping = bridge.method('Diag/Ping')!
    for (const request of [{ timeoutMs: 'soon' }, [], 'x']) {
      try {
        ping.call(request, new AbortController().signal)
        expect.unreachable()
      } catch (err) {
        expect(isMoltmeshError(err) && err.reason).toBe('INVALID_REQUEST')
      }
    }
  })

  it('strips secret fields from answers', () => {
    expect(
      redactSecrets({ a: 1, secret: 'x', nested: [{ privateKey: 'k', b: 2, webhookSecret: 's' }] }),
    ).toEqual({
      a: 1,
      nested: [{ b: 2 }],
    })
    // Field names that only look alike stay.
    expect(redactSecrets({ nextPageToken: 't', signature: 's' })).toEqual({
      nextPageToken: 't',
      signature: 's',
    })
  })
})
