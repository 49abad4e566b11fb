// Careful handling of the gRPC unix socket path (after Tailscale's safesocket): a socket file left by a
// crashed daemon is replaced, but one a live daemon answers on is never stolen.

import { lstat, mkdir, unlink } from 'node:fs/promises'
import { connect } from 'node:net'
import { dirname } from 'node:path'
import { MoltmeshError } from '../errors/moltmesh-error.ts'

// sun_path is 108 bytes on Linux including the terminating NUL.
const MAX_SOCKET_PATH_BYTES = 107

export type ProbeResult = 'live' | 'stale' | 'absent'

/** Connects to the socket to learn whether something is listening on it. */
export function probeSocket(path: string, timeoutMs = 1_000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ path })
    const finish = (result: ProbeResult) => {
      socket.destroy()
      resolve(result)
    }
    socket.setTimeout(timeoutMs, () => finish('live')) // accepted but silent: treat as in use
    socket.once('connect', () => finish('live'))
    socket.once('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ENOENT' ? 'absent' : 'stale'))
  })
}

/** Makes the path ready for listen(): parent dir exists, no stale file, no live daemon. */
export async function prepareSocketPath(path: string): Promise<{ replacedStale: boolean }> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new MoltmeshError(
      'invalid_argument',
      'SOCKET_PATH_TOO_LONG',
      `socket path ${path} is longer than ${MAX_SOCKET_PATH_BYTES} bytes (a unix socket limit); choose a shorter --socket`,
    )
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  let info: Awaited<ReturnType<typeof lstat>>
  try {
    info = await lstat(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { replacedStale: false }
    throw err
  }
  if (!info.isSocket()) {
    throw new MoltmeshError(
      'failed_precondition',
      'SOCKET_PATH_INVALID',
      `${path} exists and is not a socket; refusing to replace it`,
    )
  }
  const probe = await probeSocket(path)
  if (probe === 'live') {
    throw new MoltmeshError(
      'failed_precondition',
      'SOCKET_IN_USE',
      `another moltmesh daemon is already listening on ${path} (stop it with \`moltmesh stop\` or choose another --socket)`,
    )
  }
  if (probe === 'stale') await unlink(path).catch(() => undefined)
  return { replacedStale: probe === 'stale' }
}
