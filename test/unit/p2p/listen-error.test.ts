// A P2P listen failure reads as one line: a port in use names the port and the flag that fixes it.
import { describe, expect, it } from 'vitest'
import { describeListenFailure } from '../../../daemon/p2p/listen-error.ts'

// What libp2p 3 throws when the TCP port is taken (shortened stack).
const LIBP2P_IN_USE = new Error(
  'Some configured addresses failed to be listened on, you may need to remove one or more listen addresses from your configuration or set `transportManager.faultTolerance` to NO_FATAL:\n\n  /ip4/0.0.0.0/tcp/48101: Error: listen EADDRINUSE: address already in use 0.0.0.0:48101\n      at Server.setupListenHandle [as _listen2] (node:net:2328:16)\n',
)

describe('describeListenFailure', () => {
  it('a port in use is one line naming the port and --port', () => {
    const d = describeListenFailure(LIBP2P_IN_USE, 4001)
    expect(d).toEqual({
      message: 'port 48101 is in use: choose another with --port (0 = any)',
      portInUse: 48101,
    })
  })

  it('other failures name the address and the first line of the cause, without stacks or libp2p options', () => {
    const err = new Error(
      'Some configured addresses failed to be listened on, you may need to remove one or more listen addresses from your configuration or set `transportManager.faultTolerance` to NO_FATAL:\n\n  /ip4/10.9.9.9/tcp/4001: Error: listen EADDRNOTAVAIL: address not available 10.9.9.9:4001\n      at Server.setupListenHandle (node:net:1:1)\n',
    )
    const d = describeListenFailure(err, 4001)
    expect(d.message).toBe(
      'cannot listen on /ip4/10.9.9.9/tcp/4001: listen EADDRNOTAVAIL: address not available 10.9.9.9:4001',
    )
    expect(d.message).not.toContain('transportManager')
    expect(describeListenFailure(new Error('boom\n  at x'), 1).message).toBe('cannot listen on boom')
  })
})
