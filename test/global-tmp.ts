// Every temporary file and directory of a test run goes under one directory, removed when the run
// ends: a test that forgets to clean up, or a daemon killed mid-test, leaves nothing behind in /tmp
// across runs. (os.tmpdir() reads TMPDIR at each call; test workers and the daemons they spawn
// inherit it.) Kept short: unix socket paths under it must stay below 107 bytes.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'mmt-'))
  process.env.TMPDIR = root
  return () => rmSync(root, { recursive: true, force: true })
}
