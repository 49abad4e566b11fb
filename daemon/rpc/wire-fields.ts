// Finds the field of a raw protobuf request that the generated decoder cannot represent faithfully,
// by walking the wire bytes with the API's own descriptors (the FileDescriptorSet used for gRPC
// reflection): an int64 beyond 2^53-1 (the decoder throws without saying where) and a string whose
// bytes are not valid UTF-8 (checked exactly, with a fatal decoder; the generated decoder would turn
// them into U+FFFD). Run only when decoding failed or the decoded text holds U+FFFD, so a normal
// request costs nothing more.

import {
  createFileRegistry,
  type DescField,
  type DescMessage,
  fromBinary,
  ScalarType,
} from '@bufbuild/protobuf'
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire'
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt'
import { API_DESCRIPTOR_SET_BASE64 } from './gen/descriptor-sets.ts'

export interface WireProblem {
  /** Proto field path, e.g. `tasks[1].timeout_ms`. */
  path: string
  problem: 'too-large' | 'not-utf8'
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
const INT64 = new Set([ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64])
/** Messages nest at most this deep in a request we are willing to walk. */
const MAX_DEPTH = 64

let registry: ReturnType<typeof createFileRegistry> | undefined
const api = () =>
  (registry ??= createFileRegistry(
    fromBinary(FileDescriptorSetSchema, Buffer.from(API_DESCRIPTOR_SET_BASE64, 'base64')),
  ))

/** The request message of an RPC path such as `/moltmesh.v1.DiagService/Ping`, if it is ours. */
export function requestMessageOf(path: string): DescMessage | undefined {
  const [, service, method] = /^\/([^/]+)\/([^/]+)$/.exec(path) ?? []
  if (service == null || method == null) return undefined
  return api()
    .getService(service)
    ?.methods.find((m) => m.name === method)?.input
}

function validUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes)
    return true
  } catch {
    return false
  }
}

const beyondSafe = (v: bigint | string) => {
  const n = BigInt(v)
  return n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)
}

/** A scalar of `type` read from `reader` (wire type already known to match). */
function checkScalar(
  type: ScalarType,
  reader: BinaryReader,
  wireType: WireType,
  path: string,
): WireProblem | undefined {
  if (type === ScalarType.STRING && wireType === WireType.LengthDelimited)
    return validUtf8(reader.bytes()) ? undefined : { path, problem: 'not-utf8' }
  if (INT64.has(type) && wireType === WireType.Varint) {
    const value =
      type === ScalarType.UINT64
        ? reader.uint64()
        : type === ScalarType.SINT64
          ? reader.sint64()
          : reader.int64()
    return beyondSafe(value) ? { path, problem: 'too-large' } : undefined
  }
  if (INT64.has(type) && wireType === WireType.LengthDelimited) {
    // A packed repeated int64.
    const packed = new BinaryReader(reader.bytes())
    for (let i = 0; packed.pos < packed.len; i++) {
      const v =
        type === ScalarType.UINT64
          ? packed.uint64()
          : type === ScalarType.SINT64
            ? packed.sint64()
            : packed.int64()
      if (beyondSafe(v)) return { path: `${path}[${i}]`, problem: 'too-large' }
    }
    return undefined
  }
  reader.skip(wireType)
  return undefined
}

/** A map entry: key (field 1) and value (field 2). */
function checkMapEntry(
  field: DescField & { fieldKind: 'map' },
  bytes: Uint8Array,
  path: string,
  depth: number,
) {
  const reader = new BinaryReader(bytes)
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag()
    let found: WireProblem | undefined
    if (no === 1) found = checkScalar(field.mapKey, reader, wireType, `${path}.key`)
    else if (no === 2 && field.mapKind === 'message' && wireType === WireType.LengthDelimited)
      found = findWireProblem(field.message, reader.bytes(), `${path}.value`, depth + 1)
    else if (no === 2 && field.mapKind === 'scalar')
      found = checkScalar(field.scalar, reader, wireType, `${path}.value`)
    else reader.skip(wireType)
    if (found != null) return found
  }
  return undefined
}

/**
 * The first field of `bytes` (a `desc` message) holding an int64 beyond 2^53-1 or a string that is
 * not valid UTF-8; undefined when there is none (or the bytes are not protobuf at all).
 */
export function findWireProblem(
  desc: DescMessage,
  bytes: Uint8Array,
  path = '',
  depth = 0,
): WireProblem | undefined {
  if (depth > MAX_DEPTH) return undefined
  const reader = new BinaryReader(bytes)
  const seen = new Map<number, number>()
  try {
    while (reader.pos < reader.len) {
      const [no, wireType] = reader.tag()
      const field = desc.fields.find((f) => f.number === no)
      if (field == null) {
        reader.skip(wireType)
        continue
      }
      const index = seen.get(no) ?? 0
      seen.set(no, index + 1)
      const name = path === '' ? field.name : `${path}.${field.name}`
      let found: WireProblem | undefined
      switch (field.fieldKind) {
        case 'scalar':
          found = checkScalar(field.scalar, reader, wireType, name)
          break
        case 'message':
          if (wireType === WireType.LengthDelimited)
            found = findWireProblem(field.message, reader.bytes(), name, depth + 1)
          else reader.skip(wireType)
          break
        case 'list':
          if (field.listKind === 'message' && wireType === WireType.LengthDelimited)
            found = findWireProblem(field.message, reader.bytes(), `${name}[${index}]`, depth + 1)
          else if (field.listKind === 'scalar')
            found = checkScalar(
              field.scalar,
              reader,
              wireType,
              wireType === WireType.LengthDelimited && field.scalar !== ScalarType.STRING
                ? name
                : `${name}[${index}]`,
            )
          else reader.skip(wireType)
          break
        case 'map':
          if (wireType === WireType.LengthDelimited) found = checkMapEntry(field, reader.bytes(), name, depth)
          else reader.skip(wireType)
          break
        default:
          reader.skip(wireType)
      }
      if (found != null) return found
    }
  } catch {
    // Not protobuf after all: the caller reports that.
    return undefined
  }
  return undefined
}
