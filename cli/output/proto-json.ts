// --json output of protobuf messages: the generated `toJSON` (proto3 JSON mapping: camelCase names, enum
// names, base64 bytes), plus the fields it leaves out because they hold their default value. Scripts
// then find every field (`"queued": false`, `"peerCount": 0`), as with protobuf's "emit unpopulated
// fields" printing option. An unpopulated enum prints as 0, which proto3 JSON parsers accept.

export interface JsonCodec<T> {
  toJSON(message: T): unknown
}

export function protoJson<T>(codec: JsonCodec<T>, message: T): unknown {
  return withUnpopulated(message, codec.toJSON(message))
}

/** Prints one message as an indented JSON document. */
export function printMessage<T>(codec: JsonCodec<T>, message: T): void {
  console.log(JSON.stringify(protoJson(codec, message), null, 2))
}

/** Prints one message on one line (NDJSON, for streams). */
export function printMessageLine<T>(codec: JsonCodec<T>, message: T): void {
  console.log(JSON.stringify(protoJson(codec, message)))
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)
}

// `value` is the message object, `json` what toJSON made of it; keys keep the proto field order.
function withUnpopulated(value: unknown, json: unknown): unknown {
  if (json === undefined) return unpopulated(value)
  if (Array.isArray(value) && Array.isArray(json)) return json.map((j, i) => withUnpopulated(value[i], j))
  if (isRecord(value) && isRecord(json)) {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value)) {
      const v = withUnpopulated(value[key], json[key])
      if (v !== undefined) out[key] = v
    }
    for (const key of Object.keys(json)) if (!(key in out)) out[key] = json[key]
    return out
  }
  return json
}

// The JSON of a default value. Unset message and oneof fields (undefined) stay absent.
function unpopulated(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  if (typeof value === 'bigint') return value.toString()
  if (Array.isArray(value)) return value.map(unpopulated)
  if (isRecord(value)) return withUnpopulated(value, {})
  return value
}
