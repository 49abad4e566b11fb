// The bundle is a load-time cache of the CLI and the daemon, like Node's compile cache: a few chunks
// instead of ~1,400 modules, each resolved (a package.json lookup), read and instantiated on every
// start (docs/benchmarks.md, start-up), and one copy of the generated API code for the CLI's client
// and the daemon. It is built by `npm run bundle` (and on `npm install`) into .cache/bundle/, next
// to a stamp listing every repository file it was made from with its size and modification time, and
// the lockfiles (an install that changes node_modules rewrites node_modules/.package-lock.json). A
// command uses it only while every one of those files is unchanged; otherwise it runs the sources, as
// it always can. So an edited source file is never shadowed by an older bundle: the bundle is an
// optimization, never the truth.

import { statSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** The repository root (this file is cli/bundle/bundle-stamp.ts). */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..')
/**
 * Where the bundle is; MOLTMESH_BUNDLE_DIR moves it (the bundle's own tests build one elsewhere). It
 * must be inside the repository: the bundle finds the packages it leaves out in node_modules.
 */
export const BUNDLE_DIR = process.env.MOLTMESH_BUNDLE_DIR ?? join(REPO_ROOT, '.cache', 'bundle')
/** The bundle's entries: the whole command tree, and `moltmesh start`'s alone (cli/start-program.ts). */
export const ENTRIES = ['program', 'start-program'] as const
export type Entry = (typeof ENTRIES)[number]
export const bundleEntry = (entry: Entry) => join(BUNDLE_DIR, `${entry}.js`)
export const STAMP_FILE = join(BUNDLE_DIR, 'stamp.json')
/** Bumped when the bundle's layout or build options change: an older stamp is then stale. */
export const STAMP_FORMAT = 3

export interface BundleStamp {
  format: number
  builtAtMs: number
  /** The Node version that built it (the bundle targets the runtime it was built for). */
  node: string
  /** [path relative to the repo, size, mtimeMs] of every repository module it holds, and the lockfiles. */
  files: [string, number, number][]
}

/** [size, mtimeMs] of a repository file, or undefined when it is gone. */
export function fileState(relative: string): [number, number] | undefined {
  try {
    const s = statSync(join(REPO_ROOT, relative))
    return [s.size, s.mtimeMs]
  } catch {
    return undefined
  }
}

/** Why the stamp no longer describes the tree (the first difference found), or undefined if it does. */
export function staleness(stamp: BundleStamp, node = process.version): string | undefined {
  if (stamp.format !== STAMP_FORMAT) return `bundle format ${stamp.format}, this CLI reads ${STAMP_FORMAT}`
  if (stamp.node !== node) return `built by Node ${stamp.node}, running ${node}`
  for (const [path, size, mtimeMs] of stamp.files) {
    const now = fileState(path)
    if (now == null) return `${path} is gone`
    if (now[0] !== size || now[1] !== mtimeMs) return `${path} changed`
  }
  return undefined
}
