// Requests may be given partially: missing fields take their proto3 defaults.
type Builtin =
  | Date
  | ((...args: never[]) => unknown)
  | Uint8Array
  | string
  | number
  | boolean
  | bigint
  | undefined

export type DeepPartial<T> = T extends Builtin
  ? T
  : T extends Array<infer U>
    ? Array<DeepPartial<U>>
    : T extends ReadonlyArray<infer U>
      ? ReadonlyArray<DeepPartial<U>>
      : T extends object
        ? { [K in keyof T]?: DeepPartial<T[K]> }
        : Partial<T>
