// Decoding peer input that refuses invalid UTF-8. Protobuf and TextDecoder defaults turn bad bytes
// into U+FFFD silently, so a peer's text would be stored and shown altered (and could never be told
// apart from a real U+FFFD). A fatal decoder makes the decode fail instead; the caller refuses the
// frame with a reason. ignoreBOM keeps a leading U+FEFF as text, as protobuf decoding does.

import { BinaryReader } from '@bufbuild/protobuf/wire'

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export class InvalidUtf8Error extends Error {
  override name = 'InvalidUtf8Error'
}

/** UTF-8 text of `bytes`; throws InvalidUtf8Error when they are not valid UTF-8. */
export function strictText(bytes: Uint8Array): string {
  try {
    return fatal.decode(bytes)
  } catch {
    throw new InvalidUtf8Error('text is not valid UTF-8')
  }
}

/** A protobuf reader for generated `decode()` whose string fields go through strictText. */
export function strictReader(bytes: Uint8Array): BinaryReader {
  return new BinaryReader(bytes, (b) => strictText(b))
}
