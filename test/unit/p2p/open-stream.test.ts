// openProtocolStream (daemon/p2p/open-stream.ts) with a stub host: a stream goes over the connection
// the peer already has — direct first, else the relayed (limited) one — and a new dial happens only
// when there is none or the one we had failed.
import { describe, expect, it } from 'vitest'
import type { Host } from '../../../daemon/p2p/create-host.ts'
import { openProtocolStream } from '../../../daemon/p2p/open-stream.ts'

interface StubConn {
  name: string
  status: string
  limits?: object
  fail?: Error
}

function stubHost(conns: StubConn[]) {
  const used: string[] = []
  const host = {
    getConnections: () =>
      conns.map((c) => ({
        ...c,
        async newStream(protocol: string, o: { runOnLimitedConnection?: boolean }) {
          if (c.fail != null) throw c.fail
          used.push(`${c.name} ${protocol} limited-ok=${o.runOnLimitedConnection}`)
          return { on: c.name }
        },
      })),
    async dialProtocol(_peer: unknown, protocol: string, o: { runOnLimitedConnection?: boolean }) {
      used.push(`dial ${protocol} limited-ok=${o.runOnLimitedConnection}`)
      return { on: 'dialed' }
    },
  }
  return { host: host as unknown as Host, used }
}

const peer = {} as never
const signal = () => AbortSignal.timeout(5_000)

describe('opening a protocol stream', () => {
  it('uses a direct connection before a relayed one', async () => {
    const { host, used } = stubHost([
      { name: 'relayed', status: 'open', limits: { bytes: 1n } },
      { name: 'direct', status: 'open' },
    ])
    expect(await openProtocolStream(host, peer, '/moltmesh/blob/1.0.0', { signal: signal() })).toEqual({
      on: 'direct',
    })
    expect(used).toEqual(['direct /moltmesh/blob/1.0.0 limited-ok=true'])
  })

  it('uses the relayed connection rather than dialing a new circuit', async () => {
    const { host, used } = stubHost([
      { name: 'closing', status: 'closing' },
      { name: 'relayed', status: 'open', limits: { bytes: 1n } },
    ])
    expect(await openProtocolStream(host, peer, '/p', { signal: signal() })).toEqual({ on: 'relayed' })
    expect(used).toEqual(['relayed /p limited-ok=true'])
  })

  it('dials when there is no connection, or the one we had failed', async () => {
    const none = stubHost([])
    expect(await openProtocolStream(none.host, peer, '/p', { signal: signal() })).toEqual({ on: 'dialed' })
    const broken = stubHost([{ name: 'relayed', status: 'open', fail: new Error('stream reset') }])
    expect(await openProtocolStream(broken.host, peer, '/p', { signal: signal() })).toEqual({ on: 'dialed' })
    expect([...none.used, ...broken.used]).toEqual(['dial /p limited-ok=true', 'dial /p limited-ok=true'])
  })

  it('does not dial again when the peer does not speak the protocol', async () => {
    const unsupported = Object.assign(new Error('Protocol selection failed'), {
      name: 'UnsupportedProtocolError',
    })
    const { host, used } = stubHost([{ name: 'direct', status: 'open', fail: unsupported }])
    await expect(openProtocolStream(host, peer, '/p', { signal: signal() })).rejects.toThrow(
      'Protocol selection failed',
    )
    expect(used).toEqual([])
  })
})
