// Builds grpc-js handlers for every method of a service definition. Implemented methods are wrapped
// (cancellation signal, error -> status + `moltmesh-reason`, metrics, optional bearer-token check).
// The implementation is typed complete (mergeHandlers builds the daemon's maps); a method missing all
// the same (only through a cast) answers UNIMPLEMENTED with reason NOT_IMPLEMENTED rather than crash.

import { timingSafeEqual } from 'node:crypto'
import { once } from 'node:events'
import type {
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceError,
  sendUnaryData,
  UntypedServiceImplementation,
} from '@grpc/grpc-js'
import { MoltmeshError, notImplemented } from '../errors/moltmesh-error.ts'
import type { Logger } from '../log/logger.ts'
import type { Metrics } from '../metrics/metrics.ts'
import { onSentOf } from './pre-encoded.ts'
import { checkRequest, undecodable } from './request-checks.ts'
import type { CallContext, MethodDefinitionLike, ServiceImpl } from './service-types.ts'
import { toServiceError } from './status-map.ts'

export interface HandlerOptions {
  logger: Logger
  metrics: Metrics
  /** When set, every call must carry `authorization: Bearer <token>` (TCP listener). */
  authToken?: string
  /** Aborted when the daemon shuts down; ends every open stream. */
  shutdownSignal: AbortSignal
}

type AnyFn = (...args: unknown[]) => unknown

export function buildServiceHandlers<S extends Record<string, MethodDefinitionLike>>(
  definition: S,
  impl: ServiceImpl<S>,
  options: HandlerOptions,
): UntypedServiceImplementation {
  const calls = options.metrics.counter(
    'moltmesh_rpc_calls_total',
    'gRPC calls handled, by method and status',
  )
  const errors = options.metrics.counter(
    'moltmesh_rpc_errors_total',
    'gRPC calls that failed, by method and reason',
  )
  const handlers: UntypedServiceImplementation = {}

  for (const [name, method] of Object.entries(definition)) {
    const fn = (impl as Record<string, AnyFn | undefined>)[name]
    const rpcName = method.path.split('/').pop() ?? name
    const serviceName = method.path.split('/')[1] ?? ''
    const implementation: AnyFn =
      fn?.bind(impl) ??
      (() => {
        throw notImplemented(`${serviceName.replace(/^moltmesh\.v1\./, '')}.${rpcName}`)
      })

    const context = (call: { metadata: CallContext['metadata']; on: (e: string, f: () => void) => void }) => {
      const controller = new AbortController()
      const abort = () => controller.abort()
      call.on('cancelled', abort)
      options.shutdownSignal.addEventListener('abort', abort, { once: true })
      const ctx: CallContext = { signal: controller.signal, metadata: call.metadata, method: method.path }
      const done = () => options.shutdownSignal.removeEventListener('abort', abort)
      return { ctx, done }
    }

    const fail = (err: unknown): Partial<ServiceError> => {
      const mapped = toServiceError(err)
      calls.inc({ method: rpcName, code: String(mapped.error.code) })
      errors.inc({ method: rpcName, reason: mapped.reason })
      if (mapped.unexpected) options.logger.error({ err, method: rpcName }, 'unexpected error in RPC handler')
      else options.logger.debug({ method: rpcName, reason: mapped.reason }, 'RPC failed')
      return mapped.error
    }
    const succeed = () => calls.inc({ method: rpcName, code: '0' })

    const authorize = (metadata: CallContext['metadata']) => {
      if (options.authToken == null) return
      const header = String(metadata.get('authorization')[0] ?? '')
      const expected = Buffer.from(`Bearer ${options.authToken}`)
      const given = Buffer.from(header)
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new MoltmeshError(
          'unauthenticated',
          'UNAUTHENTICATED',
          'missing or wrong bearer token for the TCP listener',
        )
      }
    }

    /** Undecodable, invalid UTF-8 or out-of-range requests never reach the service. */
    const admit = (request: unknown) => {
      const refused = undecodable(request)
      if (refused != null) throw refused
      checkRequest(rpcName, request)
      return request
    }

    if (!method.requestStream && !method.responseStream) {
      handlers[name] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        const { ctx, done } = context(call)
        Promise.resolve()
          .then(() => {
            authorize(call.metadata)
            return implementation(admit(call.request), ctx)
          })
          .then(
            (response) => {
              succeed()
              callback(null, response)
            },
            (err) => callback(fail(err) as ServiceError),
          )
          .finally(done)
      }
    } else if (!method.requestStream && method.responseStream) {
      handlers[name] = (call: ServerWritableStream<unknown, unknown>) => {
        const { ctx, done } = context(call)
        void (async () => {
          try {
            authorize(call.metadata)
            const stream = implementation(admit(call.request), ctx) as AsyncIterable<unknown>
            for await (const item of stream) {
              if (ctx.signal.aborted) break
              // Wait for room: grpc-js queues what the client has not taken yet in memory.
              if (!call.write(item, onSentOf(item)))
                await once(call, 'drain', { signal: ctx.signal }).catch(() => undefined)
            }
            succeed()
            call.end()
          } catch (err) {
            if (ctx.signal.aborted && !options.shutdownSignal.aborted) return // client went away
            call.emit('error', fail(err))
          } finally {
            done()
          }
        })()
      }
    } else if (method.requestStream && !method.responseStream) {
      handlers[name] = (call: ServerReadableStream<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        const { ctx, done } = context(call)
        Promise.resolve()
          .then(() => {
            authorize(call.metadata)
            return implementation(admitEach(call as AsyncIterable<unknown>, admit), ctx)
          })
          .then(
            (response) => {
              succeed()
              callback(null, response)
            },
            (err) => callback(fail(err) as ServiceError),
          )
          .finally(done)
      }
    } else {
      throw new Error(`bidirectional streaming is not used by the moltmesh API (${method.path})`)
    }
  }
  return handlers
}

async function* admitEach(items: AsyncIterable<unknown>, admit: (item: unknown) => unknown) {
  for await (const item of items) yield admit(item)
}
