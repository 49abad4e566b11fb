// Reads the standard rich error details (`grpc-status-details-bin`: a google.rpc.Status) that the
// daemon attaches to every error, and picks out its google.rpc.ErrorInfo. Decoded with the protobuf
// wire reader (no googleapis dependency); unknown fields and other detail types are skipped.

import { BinaryReader, WireType } from '@bufbuild/protobuf/wire'

export const STATUS_DETAILS_METADATA_KEY = 'grpc-status-details-bin'
const ERROR_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.ErrorInfo'

/** google.rpc.ErrorInfo: why a call failed, in machine-readable form. */
export interface ErrorInfo {
  /** The moltmesh reason code, e.g. `TASK_NOT_FOUND` (docs/errors.md). */
  reason: string
  /** `moltmesh` for errors of the daemon. */
  domain: string
  /** Extra facts, e.g. `{ field: "id" }` for the request field at fault. */
  metadata: Record<string, string>
}

export interface DecodedStatus {
  code: number
  message: string
  /** The first ErrorInfo among the details, if any. */
  errorInfo?: ErrorInfo
}

/** Decodes a serialized google.rpc.Status; undefined when the bytes are not one. */
export function decodeStatusDetails(bytes: Uint8Array): DecodedStatus | undefined {
  try {
    const r = new BinaryReader(bytes)
    const out: DecodedStatus = { code: 0, message: '' }
    while (r.pos < r.len) {
      const [field, wire] = r.tag()
      if (field === 1 && wire === WireType.Varint) out.code = r.int32()
      else if (field === 2 && wire === WireType.LengthDelimited) out.message = r.string()
      else if (field === 3 && wire === WireType.LengthDelimited) {
        const info = decodeAny(r.bytes())
        if (info && out.errorInfo === undefined) out.errorInfo = info
      } else r.skip(wire, field)
    }
    return out
  } catch {
    return undefined
  }
}

function decodeAny(bytes: Uint8Array): ErrorInfo | undefined {
  const r = new BinaryReader(bytes)
  let typeUrl = ''
  let value: Uint8Array | undefined
  while (r.pos < r.len) {
    const [field, wire] = r.tag()
    if (field === 1 && wire === WireType.LengthDelimited) typeUrl = r.string()
    else if (field === 2 && wire === WireType.LengthDelimited) value = r.bytes()
    else r.skip(wire, field)
  }
  return typeUrl === ERROR_INFO_TYPE_URL && value ? decodeErrorInfo(value) : undefined
}

function decodeErrorInfo(bytes: Uint8Array): ErrorInfo {
  const r = new BinaryReader(bytes)
  const info: ErrorInfo = { reason: '', domain: '', metadata: {} }
  while (r.pos < r.len) {
    const [field, wire] = r.tag()
    if (field === 1 && wire === WireType.LengthDelimited) info.reason = r.string()
    else if (field === 2 && wire === WireType.LengthDelimited) info.domain = r.string()
    else if (field === 3 && wire === WireType.LengthDelimited) {
      const entry = new BinaryReader(r.bytes())
      let key = ''
      let val = ''
      while (entry.pos < entry.len) {
        const [f, w] = entry.tag()
        if (f === 1 && w === WireType.LengthDelimited) key = entry.string()
        else if (f === 2 && w === WireType.LengthDelimited) val = entry.string()
        else entry.skip(w, f)
      }
      info.metadata[key] = val
    } else r.skip(wire, field)
  }
  return info
}
