import { homedir } from 'node:os'
import { join } from 'node:path'

/** The daemon socket: $MOLTMESH_SOCKET, else ~/.moltmesh/moltmesh.sock (the daemon's default). */
export function defaultSocketPath(env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env.MOLTMESH_SOCKET
  return fromEnv != null && fromEnv !== '' ? fromEnv : join(homedir(), '.moltmesh', 'moltmesh.sock')
}
