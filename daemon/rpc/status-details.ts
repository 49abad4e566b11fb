// Rich error details: the `grpc-status-details-bin` trailer that gRPC libraries in every language read
// (Go `status.FromError(err).Details()`, Python `grpc_status.rpc_status.from_call`, Java
// `StatusProto.fromThrowable`, ...). It holds a serialized `google.rpc.Status` whose one detail is a
// `google.rpc.ErrorInfo` { reason, domain: "moltmesh", metadata }. The `moltmesh-reason` trailer stays
// for older clients. Encoded by hand with the protobuf wire writer: three small, frozen messages do
// not justify generating googleapis protos into the daemon.

import { BinaryWriter } from '@bufbuild/protobuf/wire'

export const STATUS_DETAILS_METADATA_KEY = 'grpc-status-details-bin'
export const ERROR_INFO_DOMAIN = 'moltmesh'
export const ERROR_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.ErrorInfo'

export interface StatusDetails {
  /** gRPC status code, the same as the call's status. */
  code: number
  /** The status message, the same as the call's details text. */
  message: string
  /** ErrorInfo.reason: the moltmesh reason code, e.g. `TASK_NOT_FOUND`. */
  reason: string
  /** ErrorInfo.metadata, e.g. `{ field: "id" }`. */
  metadata: Readonly<Record<string, string>>
}

/** Serialized google.rpc.ErrorInfo (reason = 1, domain = 2, map<string,string> metadata = 3). */
export function encodeErrorInfo(reason: string, metadata: Readonly<Record<string, string>>): Uint8Array {
  const w = new BinaryWriter()
  w.uint32((1 << 3) | 2).string(reason)
  w.uint32((2 << 3) | 2).string(ERROR_INFO_DOMAIN)
  // Sorted keys keep the bytes deterministic (map order is free on the wire).
  for (const key of Object.keys(metadata).sort()) {
    w.uint32((3 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .string(key)
      .uint32((2 << 3) | 2)
      .string(metadata[key] ?? '')
      .join()
  }
  return w.finish()
}

/** Serialized google.rpc.Status (code = 1, message = 2, repeated Any details = 3) with one ErrorInfo. */
export function encodeStatusDetails(d: StatusDetails): Buffer {
  const w = new BinaryWriter()
  if (d.code !== 0) w.uint32((1 << 3) | 0).int32(d.code)
  if (d.message !== '') w.uint32((2 << 3) | 2).string(d.message)
  // google.protobuf.Any { type_url = 1; value = 2 }
  w.uint32((3 << 3) | 2)
    .fork()
    .uint32((1 << 3) | 2)
    .string(ERROR_INFO_TYPE_URL)
    .uint32((2 << 3) | 2)
    .bytes(encodeErrorInfo(d.reason, d.metadata))
    .join()
  return Buffer.from(w.finish())
}
