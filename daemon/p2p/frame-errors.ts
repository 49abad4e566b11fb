// How @libp2p/utils' length-prefixed reader reports a frame over its maxDataLength: by error name.
// Every protocol handler counts such a frame as hostile input (FRAME_TOO_LARGE), so they share this test.

const FRAME_LENGTH_ERRORS = new Set([
  'InvalidDataLengthError',
  'InvalidMessageLengthError',
  'InvalidDataLengthLengthError',
])

/** True when a length-prefixed read failed because the peer announced a frame over the limit. */
export function isFrameTooLarge(err: unknown): boolean {
  return err instanceof Error && FRAME_LENGTH_ERRORS.has(err.name)
}
