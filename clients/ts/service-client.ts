// Builds a promise/async-iterable client for one service from its ts-proto definition, so every RPC of
// the proto is available, fully typed, with no hand-written per-RPC code.

import {
  type CallOptions,
  type ChannelCredentials,
  type ClientReadableStream,
  type Client as GrpcClient,
  type Metadata,
  makeGenericClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js'
import type { DeepPartial } from './deep-partial.ts'
import { toMoltmeshError } from './errors.ts'

interface MethodDef {
  path: string
  requestStream: boolean
  responseStream: boolean
  requestSerialize: (value: never) => Buffer
  responseDeserialize: (value: Buffer) => unknown
}

type Req<M> = M extends { requestSerialize: (value: infer R) => Buffer } ? R : never
type Res<M> = M extends { responseDeserialize: (value: Buffer) => infer R } ? R : never

export interface RpcOptions {
  /** Cancels the call (and ends a stream). */
  signal?: AbortSignal
  /** Per-call deadline in milliseconds (unary and client-streaming calls). */
  deadlineMs?: number
}

export type UnaryMethod<Q, R> = (request?: DeepPartial<Q>, options?: RpcOptions) => Promise<R>
export type ServerStreamMethod<Q, R> = (request?: DeepPartial<Q>, options?: RpcOptions) => AsyncIterable<R>
export type ClientStreamMethod<Q, R> = (
  requests: AsyncIterable<DeepPartial<Q>> | Iterable<DeepPartial<Q>>,
  options?: RpcOptions,
) => Promise<R>

export type ServiceClient<S> = {
  [K in keyof S]: S[K] extends { requestStream: false; responseStream: false }
    ? UnaryMethod<Req<S[K]>, Res<S[K]>>
    : S[K] extends { requestStream: false; responseStream: true }
      ? ServerStreamMethod<Req<S[K]>, Res<S[K]>>
      : S[K] extends { requestStream: true; responseStream: false }
        ? ClientStreamMethod<Req<S[K]>, Res<S[K]>>
        : never
}

/** Message codecs of a generated module, looked up by name (`<Rpc>Request`, enforced by buf lint). */
export type MessageModule = Record<string, unknown>

interface ChannelInit {
  target: string
  credentials: ChannelCredentials
  channelOptions: Record<string, unknown>
  /** Extra metadata on every call (the bearer token for TCP). */
  metadata: () => Metadata
  deadlineMs: number | undefined
  /** The unix socket, to recognise a daemon that is not running. */
  socket: string | undefined
}

export interface BuiltServiceClient<S> {
  methods: ServiceClient<S>
  close(): void
}

export function buildServiceClient<S extends Record<string, MethodDef>>(
  serviceName: string,
  definition: S,
  messages: MessageModule,
  init: ChannelInit,
): BuiltServiceClient<S> {
  const Ctor = makeGenericClientConstructor(definition as never, serviceName)
  const grpc = new Ctor(init.target, init.credentials, init.channelOptions) as GrpcClient &
    Record<string, (...args: unknown[]) => unknown>
  const methods: Record<string, unknown> = {}

  for (const [name, def] of Object.entries(definition)) {
    const rpc = def.path.split('/').pop() ?? name
    const codec = messages[`${rpc}Request`] as { fromPartial?: (v: unknown) => unknown } | undefined
    // Fill proto3 defaults so callers can pass `{}` or a few fields.
    const complete = (request: unknown) => (codec?.fromPartial ? codec.fromPartial(request ?? {}) : request)
    const callOptions = (options?: RpcOptions): CallOptions => {
      const ms = options?.deadlineMs ?? init.deadlineMs
      return ms != null && !def.responseStream ? { deadline: Date.now() + ms } : {}
    }
    const fail = (err: unknown) => toMoltmeshError(err, init.socket)
    const method = grpc[name]
    if (method == null) throw new Error(`grpc-js generated no method ${name} for ${serviceName}`)
    const fn = method.bind(grpc)

    if (!def.requestStream && !def.responseStream) {
      methods[name] = (request?: unknown, options?: RpcOptions) =>
        new Promise((resolve, reject) => {
          const call = fn(
            complete(request),
            init.metadata(),
            callOptions(options),
            (err: ServiceError | null, res: unknown) => (err ? reject(fail(err)) : resolve(res)),
          ) as { cancel(): void }
          options?.signal?.addEventListener('abort', () => call.cancel(), { once: true })
        })
    } else if (!def.requestStream && def.responseStream) {
      methods[name] = (request?: unknown, options?: RpcOptions) => ({
        [Symbol.asyncIterator]: () =>
          streamIterator(
            fn(complete(request), init.metadata(), callOptions(options)) as ClientReadableStream<unknown>,
            options,
            fail,
          ),
      })
    } else if (def.requestStream && !def.responseStream) {
      methods[name] = async (requests: AsyncIterable<unknown> | Iterable<unknown>, options?: RpcOptions) => {
        const result = Promise.withResolvers<unknown>()
        const call = fn(init.metadata(), callOptions(options), (err: ServiceError | null, res: unknown) =>
          err ? result.reject(fail(err)) : result.resolve(res),
        ) as { write(v: unknown): boolean; end(): void; cancel(): void; once(e: string, f: () => void): void }
        options?.signal?.addEventListener('abort', () => call.cancel(), { once: true })
        try {
          for await (const request of requests) {
            if (!call.write(complete(request))) await new Promise<void>((r) => call.once('drain', r))
          }
          call.end()
        } catch (err) {
          call.cancel()
          throw err
        }
        return result.promise
      }
    }
  }
  return { methods: methods as ServiceClient<S>, close: () => grpc.close() }
}

/** Iterates a server stream; breaking out of the loop or aborting the signal cancels the call. */
async function* streamIterator<T>(
  call: ClientReadableStream<T>,
  options: RpcOptions | undefined,
  fail: (err: unknown) => Error,
): AsyncGenerator<T> {
  let cancelledByUs = false
  const cancel = () => {
    cancelledByUs = true
    call.cancel()
  }
  // The iterator reports errors; this keeps a late CANCELLED status from being an unhandled error.
  call.on('error', () => {})
  options?.signal?.addEventListener('abort', cancel, { once: true })
  try {
    for await (const item of call as AsyncIterable<T>) yield item
  } catch (err) {
    if (cancelledByUs) return
    throw fail(err)
  } finally {
    options?.signal?.removeEventListener('abort', cancel)
    if (!call.destroyed) cancel()
  }
}
