// Builds a promise/async-iterable client for one service from its ts-proto definition, so every RPC of
// the proto is available, fully typed, with no hand-written per-RPC code.

import {
  type CallOptions,
  type ChannelCredentials,
  type ClientReadableStream,
  type ClientWritableStream,
  type Client as GrpcClient,
  type Metadata,
  makeGenericClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js'
import type { DeepPartial } from './deep-partial.ts'
import { type Endpoint, toMoltmeshError } from './errors.ts'

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
  /** Cancels the call: a unary call rejects with CanceledError, a stream simply ends. */
  signal?: AbortSignal
  /** Deadline for this call in milliseconds (default: the client's `deadlineMs`, unary calls only). */
  deadlineMs?: number
}

export type UnaryMethod<Q, R> = (request?: DeepPartial<Q>, options?: RpcOptions) => Promise<R>
export type ServerStreamMethod<Q, R> = (request?: DeepPartial<Q>, options?: RpcOptions) => AsyncIterable<R>
export type ClientStreamMethod<Q, R> = (
  requests: AsyncIterable<DeepPartial<Q>> | Iterable<DeepPartial<Q>>,
  options?: RpcOptions,
) => Promise<R>

/** The promise/async-iterable shape of a generated service definition (bidi streams are not used). */
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

export interface ChannelInit {
  target: string
  credentials: ChannelCredentials
  channelOptions: Record<string, unknown>
  /** Extra metadata on every call (the bearer token for TCP). */
  metadata: () => Metadata
  deadlineMs: number | undefined
  /** What the target is, to recognise a daemon that is not running. */
  endpoint: Endpoint
}

export interface BuiltServiceClient<S> {
  methods: ServiceClient<S>
  close(): void
}

type Callback = (err: ServiceError | null, res: unknown) => void
type GrpcMethod = (...args: unknown[]) => unknown

export function buildServiceClient<S extends Record<string, MethodDef>>(
  serviceName: string,
  definition: S,
  messages: MessageModule,
  init: ChannelInit,
): BuiltServiceClient<S> {
  const Ctor = makeGenericClientConstructor(definition as never, serviceName)
  const grpc = new Ctor(init.target, init.credentials, init.channelOptions) as GrpcClient &
    Record<string, GrpcMethod>
  const methods: Record<string, unknown> = {}
  const fail = (err: unknown) => toMoltmeshError(err, init.endpoint)

  for (const [name, def] of Object.entries(definition)) {
    const rpc = def.path.split('/').pop() ?? name
    const codec = messages[`${rpc}Request`] as { fromPartial?: (v: unknown) => unknown } | undefined
    // Fill proto3 defaults so callers can pass `{}` or a few fields.
    const complete = (request: unknown) => (codec?.fromPartial ? codec.fromPartial(request ?? {}) : request)
    const callOptions = (options?: RpcOptions): CallOptions => {
      // A stream lives as long as its consumer wants, so only an explicit per-call deadline applies.
      const ms = options?.deadlineMs ?? (def.responseStream ? undefined : init.deadlineMs)
      return ms != null ? { deadline: Date.now() + ms } : {}
    }
    const method = grpc[name]
    if (method == null) throw new Error(`grpc-js generated no method ${name} for ${serviceName}`)
    const fn = method.bind(grpc)

    if (!def.requestStream && !def.responseStream) {
      methods[name] = (request?: unknown, options?: RpcOptions) =>
        new Promise((resolve, reject) => {
          let unlink = () => {}
          const call = fn(complete(request), init.metadata(), callOptions(options), ((err, res) => {
            unlink()
            if (err) reject(fail(err))
            else resolve(res)
          }) satisfies Callback) as { cancel(): void }
          unlink = onAbort(options?.signal, () => call.cancel())
        })
    } else if (!def.requestStream && def.responseStream) {
      methods[name] = (request?: unknown, options?: RpcOptions): AsyncIterable<unknown> => ({
        // The call starts when iteration starts, so an unused stream costs nothing.
        [Symbol.asyncIterator]: () =>
          streamIterator(
            fn(complete(request), init.metadata(), callOptions(options)) as ClientReadableStream<unknown>,
            options?.signal,
            fail,
          ),
      })
    } else if (def.requestStream && !def.responseStream) {
      methods[name] = (requests: AsyncIterable<unknown> | Iterable<unknown>, options?: RpcOptions) =>
        clientStream(
          (cb: Callback) => fn(init.metadata(), callOptions(options), cb) as ClientWritableStream<unknown>,
          requests,
          complete,
          options?.signal,
          fail,
        )
    }
  }
  return { methods: methods as ServiceClient<S>, close: () => grpc.close() }
}

/** Runs `cancel` when the signal aborts (at once if it already has); returns the unsubscribe. */
function onAbort(signal: AbortSignal | undefined, cancel: () => void): () => void {
  if (signal == null) return () => {}
  if (signal.aborted) {
    cancel()
    return () => {}
  }
  signal.addEventListener('abort', cancel, { once: true })
  return () => signal.removeEventListener('abort', cancel)
}

/** Iterates a server stream; breaking out of the loop or aborting the signal cancels the call. */
async function* streamIterator<T>(
  call: ClientReadableStream<T>,
  signal: AbortSignal | undefined,
  fail: (err: unknown) => Error,
): AsyncGenerator<T> {
  let cancelledByUs = false
  const cancel = () => {
    cancelledByUs = true
    call.cancel()
  }
  // The iterator reports errors; this keeps a late CANCELLED status from being an unhandled error.
  call.on('error', () => {})
  const unlink = onAbort(signal, cancel)
  let ended = false
  try {
    for await (const item of call as AsyncIterable<T>) yield item
    ended = true
  } catch (err) {
    ended = true
    if (cancelledByUs) return
    throw fail(err)
  } finally {
    unlink()
    // The consumer stopped early. Leaving the inner loop destroys the stream object, which does not
    // tell the daemon; only cancel() ends the call on the wire.
    if (!ended) cancel()
  }
}

const DONE = Symbol('call ended')

/** Writes every request (respecting back-pressure), half-closes, and resolves with the response. */
async function clientStream(
  start: (cb: Callback) => ClientWritableStream<unknown>,
  requests: AsyncIterable<unknown> | Iterable<unknown>,
  complete: (request: unknown) => unknown,
  signal: AbortSignal | undefined,
  fail: (err: unknown) => Error,
): Promise<unknown> {
  const result = Promise.withResolvers<unknown>()
  // The response settles on its own (e.g. the daemon rejects the upload early); observed below.
  result.promise.catch(() => {})
  let settled = false
  const call = start((err, res) => {
    settled = true
    if (err) result.reject(fail(err))
    else result.resolve(res)
  })
  call.on('error', () => {})
  const unlink = onAbort(signal, () => call.cancel())
  // The end of the call (response, error, cancel) also ends waiting for the next request or for room.
  const ended = (): typeof DONE => DONE
  const callEnded = result.promise.then(ended, ended)
  const source =
    Symbol.asyncIterator in requests
      ? requests[Symbol.asyncIterator]()
      : (requests as Iterable<unknown>)[Symbol.iterator]()
  try {
    while (!settled) {
      const pending = Promise.resolve(source.next())
      pending.catch(() => {}) // if the call ends first, a later failure of the source is moot
      const next = await Promise.race([pending, callEnded])
      if (next === DONE || next.done) break
      if (!call.write(complete(next.value))) {
        await Promise.race([new Promise<void>((r) => call.once('drain', r)), callEnded])
      }
    }
    if (settled) {
      // Tell the source to stop, without waiting: a generator busy in an await answers only later.
      Promise.resolve(source.return?.()).catch(() => {})
    } else call.end()
  } catch (err) {
    // The request source failed: abandon the call and report the source's error.
    call.cancel()
    unlink()
    throw err
  }
  try {
    return await result.promise
  } finally {
    unlink()
  }
}
