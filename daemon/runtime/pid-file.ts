// The data dir's pid file. The real mutual exclusion is LevelDB's LOCK (an fcntl lock the kernel drops
// when a process dies, so a SIGKILLed daemon never leaves a stale lock); the pid file only lets the
// error name the daemon that holds the data dir.

import { readFile, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export const PID_FILE_NAME = 'daemon.pid'

export function pidFilePath(dataDir: string): string {
  return join(dataDir, PID_FILE_NAME)
}

export async function writePidFile(dataDir: string): Promise<void> {
  await writeFile(pidFilePath(dataDir), `${process.pid}\n`, { mode: 0o600 })
}

/** The pid recorded by the daemon holding the data dir, if the file exists and is readable. */
export async function readPidFile(dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(pidFilePath(dataDir), 'utf8'), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

export async function removePidFile(dataDir: string): Promise<void> {
  // Only remove our own: after a takeover the file may already belong to another daemon.
  if ((await readPidFile(dataDir)) === process.pid) await unlink(pidFilePath(dataDir)).catch(() => undefined)
}
