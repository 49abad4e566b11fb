// Parts are stored as base64 of their protobuf encoding: JSON alone would lose raw bytes.

import { Part } from '../wire/gen/moltmesh/wire/v1/parts.ts'

export type { Part }

export function encodeParts(parts: Part[]): string[] {
  return parts.map((p) => Buffer.from(Part.encode(p).finish()).toString('base64'))
}

export function decodeParts(stored: string[]): Part[] {
  return stored.map((s) => Part.decode(Buffer.from(s, 'base64')))
}
