// Paths the harness needs, independent of the working directory tests run from.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const CLI_MAIN = join(REPO_ROOT, 'cli', 'main.ts')
/** The `moltmesh` bin: the JavaScript launcher of cli/main.ts. */
export const CLI_BIN = join(REPO_ROOT, 'cli', 'bin', 'moltmesh.js')
