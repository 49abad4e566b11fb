import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { prepareSocketPath, probeSocket } from '../../../daemon/runtime/socket-file.ts'

describe('socket file', () => {
  it('absent -> nothing to do; stale -> replaced; live -> SOCKET_IN_USE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-sock-'))
    const path = join(dir, 's.sock')
    expect(await probeSocket(path)).toBe('absent')
    expect(await prepareSocketPath(path)).toEqual({ replacedStale: false })

    const server = createServer()
    await new Promise<void>((r) => server.listen(path, r))
    expect(await probeSocket(path)).toBe('live')
    await expect(prepareSocketPath(path)).rejects.toMatchObject({ reason: 'SOCKET_IN_USE' })

    // Simulate a crash: a process bound the socket and died without unlinking it.
    const stale = join(dir, 'stale.sock')
    execFileSync('python3', [
      '-c',
      'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])',
      stale,
    ])
    expect(existsSync(stale)).toBe(true)
    expect(await probeSocket(stale)).toBe('stale')
    expect(await prepareSocketPath(stale)).toEqual({ replacedStale: true })
    expect(existsSync(stale)).toBe(false)
    server.close()
  })

  it('refuses to replace a regular file and overlong paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-sock-'))
    const file = join(dir, 'not-a-socket')
    writeFileSync(file, 'x')
    await expect(prepareSocketPath(file)).rejects.toMatchObject({ reason: 'SOCKET_PATH_INVALID' })
    await expect(prepareSocketPath(join(dir, 'x'.repeat(120)))).rejects.toMatchObject({
      reason: 'SOCKET_PATH_TOO_LONG',
    })
  })
})
