// The standard rich error details: what the daemon encodes (daemon/rpc/status-details.ts, via
// toServiceError) the TypeScript client decodes (clients/ts/status-details.ts) and turns into a typed
// error. Interop with other languages' own decoders is tested from Go and Python against a daemon.
import { Metadata, status } from '@grpc/grpc-js'
import { describe, expect, it } from 'vitest'
import { NotFoundError, toMoltmeshError } from '../../../clients/ts/errors.ts'
import { decodeStatusDetails } from '../../../clients/ts/status-details.ts'
import { invalidArgument, notFound } from '../../../daemon/errors/moltmesh-error.ts'
import { encodeStatusDetails, STATUS_DETAILS_METADATA_KEY } from '../../../daemon/rpc/status-details.ts'
import { REASON_METADATA_KEY, toServiceError } from '../../../daemon/rpc/status-map.ts'

describe('grpc-status-details-bin', () => {
  it('round-trips code, message, reason, domain and metadata', () => {
    const bytes = encodeStatusDetails({
      code: status.INVALID_ARGUMENT,
      message: 'id is required',
      reason: 'INVALID_ARGUMENT',
      metadata: { field: 'id', z: 'last', a: 'first' },
    })
    expect(decodeStatusDetails(bytes)).toEqual({
      code: status.INVALID_ARGUMENT,
      message: 'id is required',
      errorInfo: {
        reason: 'INVALID_ARGUMENT',
        domain: 'moltmesh',
        metadata: { a: 'first', field: 'id', z: 'last' },
      },
    })
  })

  it('is deterministic: metadata keys are written sorted', () => {
    const a = encodeStatusDetails({ code: 5, message: 'm', reason: 'R', metadata: { b: '2', a: '1' } })
    const b = encodeStatusDetails({ code: 5, message: 'm', reason: 'R', metadata: { a: '1', b: '2' } })
    expect(Buffer.compare(a, b)).toBe(0)
  })

  it('every mapped error carries both the trailer and the details, with the same reason and status', () => {
    for (const err of [
      invalidArgument('INVALID_ARGUMENT', 'id is required', { field: 'id' }),
      notFound('TASK_NOT_FOUND', 'no task task_x'),
      new Error('boom'),
    ]) {
      const { error, reason } = toServiceError(err)
      const metadata = error.metadata as Metadata
      expect(metadata.get(REASON_METADATA_KEY)).toEqual([reason])
      const raw = metadata.get(STATUS_DETAILS_METADATA_KEY)[0]
      expect(Buffer.isBuffer(raw)).toBe(true)
      const decoded = decodeStatusDetails(raw as Buffer)
      expect(decoded?.code).toBe(error.code)
      expect(decoded?.message).toBe(error.details)
      expect(decoded?.errorInfo?.reason).toBe(reason)
      expect(decoded?.errorInfo?.domain).toBe('moltmesh')
    }
    const withField = toServiceError(invalidArgument('INVALID_ARGUMENT', 'x', { field: 'id' }))
    const info = decodeStatusDetails(
      (withField.error.metadata as Metadata).get(STATUS_DETAILS_METADATA_KEY)[0] as Buffer,
    )
    expect(info?.errorInfo?.metadata).toEqual({ field: 'id' })
  })

  it('the TS client takes the reason from the details when the trailer is missing', () => {
    const metadata = new Metadata()
    metadata.set(
      STATUS_DETAILS_METADATA_KEY,
      encodeStatusDetails({
        code: status.NOT_FOUND,
        message: 'gone',
        reason: 'TASK_NOT_FOUND',
        metadata: { id: 't1' },
      }),
    )
    const err = toMoltmeshError({ code: status.NOT_FOUND, details: 'gone', metadata })
    expect(err).toBeInstanceOf(NotFoundError)
    expect(err.reason).toBe('TASK_NOT_FOUND')
    expect(err.errorInfo).toEqual({ reason: 'TASK_NOT_FOUND', domain: 'moltmesh', metadata: { id: 't1' } })
  })

  it('the trailer wins when both are present; garbage details are ignored', () => {
    const metadata = new Metadata()
    metadata.set(REASON_METADATA_KEY, 'FROM_TRAILER')
    metadata.set(STATUS_DETAILS_METADATA_KEY, Buffer.from([0xff, 0xff, 0xff]))
    const err = toMoltmeshError({ code: status.NOT_FOUND, details: 'gone', metadata })
    expect(err.reason).toBe('FROM_TRAILER')
    expect(err.errorInfo).toBeUndefined()
    expect(decodeStatusDetails(Buffer.from([0xff, 0xff, 0xff]))).toBeUndefined()
  })
})
