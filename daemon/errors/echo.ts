// Caps on input echoed back in error messages. A message travels as a gRPC status header, and a client
// refuses headers beyond a few KiB: an error that quoted a 1 MB name whole would never reach the
// caller. Echoed values are cut to 80 characters with an ellipsis, whole messages to 1000.

export const MAX_ECHO_CHARS = 80
export const MAX_ERROR_MESSAGE_CHARS = 1000

/** `value` as it may appear in a message: at most `max` characters, an ellipsis marking a cut. */
export function echo(value: string, max = MAX_ECHO_CHARS): string {
  const chars = [...value.slice(0, max * 2 + 2)] // code points, so a cut never splits a surrogate pair
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : value
}

const QUOTED = /"([^"]{81,})"/g

/** Applied to every coded error's message: long quoted values and over-long messages are cut. */
export function capMessage(message: string): string {
  const quoted =
    message.length > MAX_ECHO_CHARS ? message.replace(QUOTED, (_, v: string) => `"${echo(v)}"`) : message
  return echo(quoted, MAX_ERROR_MESSAGE_CHARS)
}
