import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Metadata, status } from '@grpc/grpc-js'
import { describe, expect, it } from 'vitest'
import {
  createClient,
  DaemonNotRunningError,
  InvalidArgumentError,
  isReason,
  MoltmeshError,
  NotImplementedError,
  toMoltmeshError,
} from '../../../clients/ts/index.ts'

const serviceError = (code: number, details: string, reason?: string) => {
  const metadata = new Metadata()
  if (reason != null) metadata.set('moltmesh-reason', reason)
  return Object.assign(new Error(details), { code, details, metadata })
}

describe('client errors', () => {
  it('maps status and moltmesh-reason to typed errors', () => {
    const e = toMoltmeshError(serviceError(status.INVALID_ARGUMENT, 'bad did', 'INVALID_DID'), undefined)
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect(e).toBeInstanceOf(MoltmeshError)
    expect(e.reason).toBe('INVALID_DID')
    expect(e.code).toBe(status.INVALID_ARGUMENT)
    expect(e.message).toBe('bad did')
    expect(isReason(e, 'INVALID_DID')).toBe(true)
    const n = toMoltmeshError(serviceError(status.UNIMPLEMENTED, 'x'), undefined)
    expect(n).toBeInstanceOf(NotImplementedError)
    expect(n.reason).toBe('UNIMPLEMENTED')
  })

  it('reports a missing daemon as DaemonNotRunningError, for a missing socket and a dead one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-client-'))
    const client = createClient({ socket: join(dir, 'missing.sock') })
    const err = await client.diag.health({}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DaemonNotRunningError)
    expect((err as Error).message).toContain('moltmesh start')
    expect((err as MoltmeshError).reason).toBe('DAEMON_NOT_RUNNING')
    // Streams report it too.
    const streamErr = await (async () => {
      for await (const _ of client.a2a.subscribeInbox({})) {
        // nothing arrives
      }
    })().catch((e: unknown) => e)
    expect(streamErr).toBeInstanceOf(DaemonNotRunningError)
    client.close()
  })
})
