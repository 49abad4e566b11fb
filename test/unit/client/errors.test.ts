import { Metadata, status } from '@grpc/grpc-js'
import { describe, expect, it } from 'vitest'
import {
  DaemonNotRunningError,
  InternalError,
  InvalidArgumentError,
  isReason,
  MoltmeshError,
  NotFoundError,
  NotImplementedError,
  toMoltmeshError,
  UnavailableError,
} from '../../../clients/ts/index.ts'

const serviceError = (code: number, details: string, reason?: string) => {
  const metadata = new Metadata()
  if (reason != null) metadata.set('moltmesh-reason', reason)
  return Object.assign(new Error(details), { code, details, metadata })
}

// A path that certainly does not exist, and one that does (so only the wording decides).
const MISSING = '/nonexistent/moltmesh.sock'
const PRESENT = import.meta.filename

describe('toMoltmeshError', () => {
  it('maps status and moltmesh-reason to typed errors', () => {
    const e = toMoltmeshError(serviceError(status.INVALID_ARGUMENT, 'bad did', 'INVALID_DID'))
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect(e).toBeInstanceOf(MoltmeshError)
    expect(e.name).toBe('InvalidArgumentError')
    expect(e.reason).toBe('INVALID_DID')
    expect(e.code).toBe(status.INVALID_ARGUMENT)
    expect(e.message).toBe('bad did')
    expect(isReason(e, 'INVALID_DID')).toBe(true)
    const t = toMoltmeshError(serviceError(status.NOT_FOUND, 'no task', 'TASK_NOT_FOUND'))
    expect(t).toBeInstanceOf(NotFoundError)
    expect(toMoltmeshError(t)).toBe(t)
  })

  it('uses the status name as reason when the daemon sent none', () => {
    const n = toMoltmeshError(serviceError(status.UNIMPLEMENTED, 'x'))
    expect(n).toBeInstanceOf(NotImplementedError)
    expect(n.reason).toBe('UNIMPLEMENTED')
  })

  it('wraps errors that are not gRPC statuses', () => {
    const e = toMoltmeshError(new TypeError('boom'))
    expect(e).toBeInstanceOf(InternalError)
    expect(e.reason).toBe('INTERNAL')
  })

  it('recognises a daemon that is not running from the connect failure', () => {
    const enoent = serviceError(
      status.UNAVAILABLE,
      'No connection established. Last error: Error: connect ENOENT /x.sock',
    )
    const missing = toMoltmeshError(enoent, { socket: MISSING })
    expect(missing).toBeInstanceOf(DaemonNotRunningError)
    expect(missing.message).toBe(
      `moltmesh daemon is not running (no socket at ${MISSING}) — start it with \`moltmesh start\``,
    )
    const refused = serviceError(
      status.UNAVAILABLE,
      'No connection established. Last error: connect ECONNREFUSED',
    )
    const stale = toMoltmeshError(refused, { socket: PRESENT })
    expect(stale).toBeInstanceOf(DaemonNotRunningError)
    expect((stale as DaemonNotRunningError).state).toBe('stale')
    const tcp = toMoltmeshError(refused, { address: '127.0.0.1:1' })
    expect(tcp).toBeInstanceOf(DaemonNotRunningError)
    expect(tcp.message).toContain('nothing answers on 127.0.0.1:1')
  })

  it('keeps UNAVAILABLE when a daemon answered, or the socket is not accessible', () => {
    const fromDaemon = toMoltmeshError(
      serviceError(status.UNAVAILABLE, 'peer is offline', 'PEER_UNREACHABLE'),
      { socket: MISSING },
    )
    expect(fromDaemon).toBeInstanceOf(UnavailableError)
    expect(fromDaemon.reason).toBe('PEER_UNREACHABLE')
    const denied = toMoltmeshError(
      serviceError(status.UNAVAILABLE, 'No connection established. Last error: connect EACCES'),
      { socket: PRESENT },
    )
    expect(denied).toBeInstanceOf(UnavailableError)
    expect(denied).not.toBeInstanceOf(DaemonNotRunningError)
  })
})
